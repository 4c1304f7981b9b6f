import type { CapacityProviderItem } from '../domain/catalogue.ts';
import type { Tag } from '../domain/naming.ts';

export type { CapacityProviderItem } from '../domain/catalogue.ts';

/** A dedicated cluster: FARGATE and FARGATE_SPOT providers, Container Insights on. */
export interface ClusterSpec {
  name: string;
  capacityProviders: readonly string[];
  containerInsights: boolean;
  tags: Tag[];
}

export interface ClusterInfo {
  arn: string;
  name: string;
  /** ECS cluster status: ACTIVE, PROVISIONING, DEPROVISIONING, FAILED (INACTIVE ones are not found). */
  status: string;
  activeServicesCount: number;
  tags: Tag[];
}

/** A tenant's task definition: awsvpc, Fargate, one container with the tenant id in its environment. */
export interface TaskDefinitionSpec {
  family: string;
  cpu: string;
  memory: string;
  containerName: string;
  image: string;
  containerPort: number;
  environment: Record<string, string>;
  executionRoleArn?: string;
  taskRoleArn?: string;
  log: { driver: 'awslogs'; group: string; region: string; streamPrefix: string };
  tags: Tag[];
}

export interface TaskDefinitionInfo {
  arn: string;
  family: string;
  revision: number;
  /** ACTIVE, INACTIVE or DELETE_IN_PROGRESS. */
  status: string;
  /** The task size (Fargate: both set). */
  cpu?: string;
  memory?: string;
  tags: Tag[];
}

/**
 * A tenant's ECS service: the exposed one wired to its target group, a companion (no
 * `targetGroupArn`) reached only from inside the tenant's application.
 */
export interface ServiceSpec {
  cluster: string;
  name: string;
  taskDefinitionArn: string;
  desiredCount: number;
  subnets: string[];
  securityGroups: string[];
  /** The target group the load balancer reaches `containerName:containerPort` through, if any. */
  targetGroupArn?: string;
  /** With a target group: seconds ECS ignores failing health checks of a task that just started. */
  healthCheckGracePeriodSeconds?: number;
  containerName: string;
  containerPort: number;
  capacityProviderStrategy: CapacityProviderItem[];
  tags: Tag[];
  /** Idempotency token: the same token for the same tenant and execution. */
  clientToken: string;
}

export interface ServiceInfo {
  arn: string;
  name: string;
  /** ACTIVE or DRAINING (INACTIVE ones are not found). */
  status: string;
  desiredCount: number;
  runningCount: number;
  /** The task definition revision the service runs. */
  taskDefinition: string;
  /** The primary deployment's rollout state: IN_PROGRESS, COMPLETED or FAILED. */
  rolloutState?: string;
  rolloutStateReason?: string;
  /** A deployment the circuit breaker rolled back (still listed beside the PRIMARY one), and why. */
  failedRollout?: { taskDefinition: string; reason: string };
  /** The target groups the load balancer reaches its tasks through (none for a companion). */
  targetGroupArns: string[];
  tags: Tag[];
}

/** A change of a service: its size, its revision, the target group it is attached to. */
export interface ServiceChange {
  desiredCount?: number;
  taskDefinitionArn?: string;
  /** Re-attaches the service to this target group (ECS starts a new deployment). */
  loadBalancer?: { targetGroupArn: string; containerName: string; containerPort: number };
}

/** ECS, as the sagas need it. `undefined` / `'absent'` mean "not found": never an error. */
export interface ContainerPlatform {
  describeCluster(name: string): Promise<ClusterInfo | undefined>;
  /** How many ACTIVE clusters the account has in this region (for the clusters-per-account quota). */
  countClusters(): Promise<number>;
  createCluster(spec: ClusterSpec): Promise<ClusterInfo>;
  deleteCluster(name: string): Promise<'deleted' | 'absent'>;

  /** The newest ACTIVE revision of the family, with its tags. */
  latestTaskDefinition(family: string): Promise<TaskDefinitionInfo | undefined>;
  registerTaskDefinition(spec: TaskDefinitionSpec): Promise<TaskDefinitionInfo>;
  /** ARNs of the family's revisions in `status` (exact family, not a prefix). */
  listTaskDefinitions(family: string, status: 'ACTIVE' | 'INACTIVE'): Promise<string[]>;
  /** One revision with its tags; `undefined` when it does not exist (any more). */
  describeTaskDefinition(arn: string): Promise<TaskDefinitionInfo | undefined>;
  deregisterTaskDefinition(arn: string): Promise<'deregistered' | 'absent'>;
  /** Submits INACTIVE revisions for deletion (ECS removes them once nothing runs them). */
  deleteTaskDefinitions(arns: readonly string[]): Promise<void>;

  describeService(cluster: string, name: string): Promise<ServiceInfo | undefined>;
  createService(spec: ServiceSpec): Promise<ServiceInfo>;
  /**
   * Changes the desired count, the revision and/or the target group; `'absent'` when the service is
   * not ACTIVE.
   */
  updateService(cluster: string, name: string, change: ServiceChange): Promise<'updated' | 'absent'>;
  /** Deletes with `force` (scales to zero first). */
  deleteService(cluster: string, name: string): Promise<'deleted' | 'absent'>;
}
