import type { LoadBalancerShard } from '../domain/shards.ts';

/** The shared infrastructure tenants are provisioned into, read from a CloudFormation stack's outputs. */
export interface SharedInfrastructure {
  vpcId: string;
  privateSubnetIds: string[];
  serviceSecurityGroupId: string;
  /**
   * The load balancers' subnets and security group, where a shard the orchestrator adds goes
   * (outputs `PublicSubnetIds`, `LoadBalancerSecurityGroupId`; a stack made before them has none).
   */
  publicSubnetIds?: string[];
  loadBalancerSecurityGroupId?: string;
  /** The first shard's load balancer and listener (the pooled rule's). */
  loadBalancerArn: string;
  listenerArn: string;
  /**
   * Every load balancer shard the stack declares, in order (the first is the one above); at least
   * one. The shards the orchestrator added are in the shard registry: `sharedInfrastructure` in
   * src/steps/shards.ts gives both.
   */
  shards: LoadBalancerShard[];
  clusterName: string;
  pooledServiceName: string;
  pooledTargetGroupArn: string;
  executionRoleArn: string;
  taskRoleArn: string;
  logGroupName: string;
  tenantImage: string;
  containerPort: number;
}

/** Looks the shared infrastructure up once per container (the adapter caches it). */
export interface SharedInfrastructureLookup {
  get(): Promise<SharedInfrastructure>;
}
