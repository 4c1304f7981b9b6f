/** The AWS quotas a tenant's resources draw on, by name, with their default limits (../shared/aws-limits.md). */
export const QUOTAS = {
  /** Listener rules per Application Load Balancer (default rule not counted; can be raised). */
  rulesPerLoadBalancer: { limit: 100, name: 'listener rules per Application Load Balancer' },
  /** Target groups reachable from one Application Load Balancer (cannot be raised). */
  targetGroupsPerLoadBalancer: { limit: 100, name: 'target groups per Application Load Balancer' },
  servicesPerCluster: { limit: 5000, name: 'ECS services per cluster' },
  clustersPerAccount: { limit: 10_000, name: 'ECS clusters per account' },
  /** Cognito user pools per Region (can be raised). */
  userPoolsPerRegion: { limit: 1000, name: 'Cognito user pools per Region' },
  /** DynamoDB tables per account and Region (can be raised). */
  tablesPerRegion: { limit: 2500, name: 'DynamoDB tables per Region' },
} as const;
export type QuotaName = keyof typeof QUOTAS;
export const QUOTA_NAMES = Object.keys(QUOTAS) as readonly QuotaName[];
