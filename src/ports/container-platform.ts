import type { Tag } from '../domain/naming.ts';

/** A dedicated (premium) cluster: FARGATE and FARGATE_SPOT providers, Container Insights on. */
export interface ClusterSpec {
  name: string;
  capacityProviders: readonly string[];
  containerInsights: boolean;
  tags: Tag[];
}

export interface ClusterInfo {
  arn: string;
  name: string;
  /** ECS cluster status: ACTIVE, PROVISIONING, DEPROVISIONING, FAILED, INACTIVE. */
  status: string;
  activeServicesCount: number;
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
  tags: Tag[];
}

export interface CapacityProviderItem {
  capacityProvider: string;
  base: number;
  weight: number;
}

/** A tenant's ECS service wired to its target group. */
export interface ServiceSpec {
  cluster: string;
  name: string;
  taskDefinitionArn: string;
  desiredCount: number;
  subnets: string[];
  securityGroups: string[];
  targetGroupArn: string;
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
  /** ACTIVE, DRAINING or INACTIVE. */
  status: string;
  desiredCount: number;
  runningCount: number;
  /** The primary deployment's rollout state: IN_PROGRESS, COMPLETED or FAILED. */
  rolloutState?: string;
  rolloutStateReason?: string;
}

/** ECS, as the sagas need it. `undefined` / `'absent'` mean "not found": never an error. */
export interface ContainerPlatform {
  describeCluster(name: string): Promise<ClusterInfo | undefined>;
  createCluster(spec: ClusterSpec): Promise<ClusterInfo>;
  deleteCluster(name: string): Promise<'deleted' | 'absent'>;

  /** The newest ACTIVE revision of the family, with its tags. */
  latestTaskDefinition(family: string): Promise<TaskDefinitionInfo | undefined>;
  registerTaskDefinition(spec: TaskDefinitionSpec): Promise<TaskDefinitionInfo>;
  /** ARNs of every ACTIVE revision of the family. */
  listTaskDefinitions(family: string): Promise<string[]>;
  deregisterTaskDefinition(arn: string): Promise<'deregistered' | 'absent'>;

  describeService(cluster: string, name: string): Promise<ServiceInfo | undefined>;
  createService(spec: ServiceSpec): Promise<ServiceInfo>;
  setDesiredCount(cluster: string, name: string, desiredCount: number): Promise<'updated' | 'absent'>;
  /** Deletes with `force` (scales to zero first). */
  deleteService(cluster: string, name: string): Promise<'deleted' | 'absent'>;
}
