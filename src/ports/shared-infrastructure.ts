import type { LoadBalancerShard } from '../domain/shards.ts';

/** The shared infrastructure tenants are provisioned into, read from a CloudFormation stack's outputs. */
export interface SharedInfrastructure {
  vpcId: string;
  privateSubnetIds: string[];
  serviceSecurityGroupId: string;
  /** The first shard's load balancer and listener (the pooled rule's). */
  loadBalancerArn: string;
  listenerArn: string;
  /** Every load balancer shard, in order (the first is the one above); at least one. */
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
