/** The services the simulator emulates. */
export type SimService =
  | 'ecs'
  | 'elbv2'
  | 'cloudformation'
  | 'cloudwatch'
  | 'eventbridge'
  | 'tagging'
  | 'cognito';

interface BucketSpec {
  key: string;
  burst: number;
  perSecond: number;
}

const ELB_MUTATING = new Set([
  'CreateTargetGroup',
  'DeleteTargetGroup',
  'ModifyTargetGroup',
  'CreateRule',
  'DeleteRule',
  'ModifyRule',
  'SetRulePriorities',
  'RegisterTargets',
  'DeregisterTargets',
  'AddTags',
  'RemoveTags',
  'CreateListener',
  'DeleteListener',
  'ModifyListener',
  'CreateLoadBalancer',
  'DeleteLoadBalancer',
]);

/**
 * Cognito user pool calls by request-rate category, with the category's default rate (requests per
 * second, per account and Region): the Cognito developer guide's quotas page.
 */
const COGNITO_CATEGORY: Readonly<Record<string, { name: string; perSecond: number }>> = {
  CreateUserPool: { name: 'UserPoolUpdate', perSecond: 15 },
  DeleteUserPool: { name: 'UserPoolUpdate', perSecond: 15 },
  DescribeUserPool: { name: 'UserPoolRead', perSecond: 15 },
  ListUserPools: { name: 'UserPoolRead', perSecond: 15 },
  CreateUserPoolClient: { name: 'UserPoolClientUpdate', perSecond: 15 },
  ListUserPoolClients: { name: 'UserPoolClientRead', perSecond: 15 },
  CreateGroup: { name: 'UserPoolResourceUpdate', perSecond: 15 },
  GetGroup: { name: 'UserPoolResourceRead', perSecond: 20 },
  AdminCreateUser: { name: 'UserCreation', perSecond: 50 },
  AdminGetUser: { name: 'UserRead', perSecond: 120 },
  AdminAddUserToGroup: { name: 'UserResourceUpdate', perSecond: 25 },
};

/** The token buckets a call draws from (the default quotas of ../shared/aws-limits.md). */
export const bucketsFor = (service: SimService, command: string): BucketSpec[] => {
  if (service === 'ecs') {
    if (command === 'CreateCluster' || command === 'DeleteCluster') {
      return [{ key: 'ecs:cluster', burst: 20, perSecond: 1 }];
    }
    if (
      command === 'RegisterTaskDefinition' ||
      command === 'DeregisterTaskDefinition' ||
      command === 'DeleteTaskDefinitions'
    ) {
      return [{ key: 'ecs:task-definition', burst: 20, perSecond: 1 }];
    }
    if (command === 'CreateService' || command === 'DeleteService' || command === 'UpdateService') {
      return [{ key: `ecs:${command}`, burst: 50, perSecond: 5 }];
    }
    if (command === 'DescribeServices') return [{ key: 'ecs:DescribeServices', burst: 100, perSecond: 20 }];
    return [];
  }
  if (service === 'elbv2') {
    const account = { key: 'elbv2:account', burst: 40, perSecond: 10 };
    return ELB_MUTATING.has(command)
      ? [{ key: `elbv2:${command}`, burst: 20, perSecond: 3 }, account]
      : [account];
  }
  // Cognito's request-rate categories (../shared/aws-limits.md), per account and Region.
  if (service === 'cognito') {
    const category = COGNITO_CATEGORY[command];
    return category
      ? [{ key: `cognito:${category.name}`, burst: category.perSecond, perSecond: category.perSecond }]
      : [];
  }
  // GetResources: 5 requests per second per account (burst as much).
  if (service === 'tagging') return [{ key: 'tagging:GetResources', burst: 5, perSecond: 5 }];
  return [];
};

/**
 * Token buckets refilled continuously from the injected clock. A call takes one token from every
 * bucket it draws from, or from none: a throttled call spends nothing.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /** `true` when the call may proceed (and the tokens were taken). */
  take(specs: BucketSpec[], now: number): boolean {
    const levels = specs.map((spec) => {
      const last = this.buckets.get(spec.key) ?? { tokens: spec.burst, at: now };
      const refilled = Math.min(
        spec.burst,
        last.tokens + (Math.max(0, now - last.at) * spec.perSecond) / 1000,
      );
      return { spec, tokens: refilled };
    });
    for (const { spec, tokens } of levels) this.buckets.set(spec.key, { tokens, at: now });
    if (levels.some((l) => l.tokens < 1)) return false;
    for (const { spec, tokens } of levels) this.buckets.set(spec.key, { tokens: tokens - 1, at: now });
    return true;
  }
}
