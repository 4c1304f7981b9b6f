import {
  ClientException,
  ClusterNotFoundException,
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteClusterCommand,
  DeleteServiceCommand,
  DeleteTaskDefinitionsCommand,
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  type ECSClientConfig,
  ListClustersCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  ServiceNotActiveException,
  ServiceNotFoundException,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { FatalError } from '../../domain/errors.ts';
import type {
  ClusterInfo,
  ClusterSpec,
  ContainerPlatform,
  ServiceChange,
  ServiceInfo,
  ServiceSpec,
  TaskDefinitionInfo,
  TaskDefinitionSpec,
} from '../../ports/container-platform.ts';
import { familyOfArn } from '../../ports/resource-discovery.ts';
import { type ClientOptions, resolveClient } from './client-options.ts';
import { reportsMissing, toClusterInfo, toServiceInfo, toTaskDefinitionInfo } from './ecs-mappers.ts';
import { translateAwsError } from './errors.ts';

/** Options of {@link EcsContainerPlatform}: an `ECSClient` or its configuration. */
export type EcsContainerPlatformOptions = ClientOptions<ECSClient, ECSClientConfig>;

/** Default split of a dedicated cluster's capacity: one on-demand task first, then half on Spot. */
const DEFAULT_CLUSTER_STRATEGY = [
  { capacityProvider: 'FARGATE', base: 1, weight: 1 },
  { capacityProvider: 'FARGATE_SPOT', weight: 1 },
] as const;

/** {@link ContainerPlatform} on Amazon ECS (Fargate). */
export class EcsContainerPlatform implements ContainerPlatform {
  readonly #client: ECSClient;

  constructor(options: EcsContainerPlatformOptions = {}) {
    this.#client = resolveClient('EcsContainerPlatform', options, (config) => new ECSClient(config ?? {}));
  }

  async describeCluster(name: string): Promise<ClusterInfo | undefined> {
    const context = `ECS DescribeClusters ${name}`;
    try {
      const out = await this.#client.send(
        new DescribeClustersCommand({ clusters: [name], include: ['TAGS'] }),
      );
      const cluster = out.clusters?.[0];
      if (reportsMissing(out.failures) || cluster === undefined) return undefined;
      const info = toClusterInfo(cluster, context);
      return info.status === 'INACTIVE' ? undefined : info;
    } catch (error) {
      throw translateAwsError(error, context);
    }
  }

  async countClusters(): Promise<number> {
    const context = 'ECS ListClusters';
    try {
      // ListClusters lists ACTIVE clusters only, 100 a page.
      let count = 0;
      let token: string | undefined;
      do {
        const out = await this.#client.send(
          new ListClustersCommand({ maxResults: 100, ...(token ? { nextToken: token } : {}) }),
        );
        count += out.clusterArns?.length ?? 0;
        token = out.nextToken;
      } while (token);
      return count;
    } catch (error) {
      throw translateAwsError(error, context);
    }
  }

  async createCluster(spec: ClusterSpec): Promise<ClusterInfo> {
    const context = `ECS CreateCluster ${spec.name}`;
    try {
      const out = await this.#client.send(
        new CreateClusterCommand({
          clusterName: spec.name,
          capacityProviders: [...spec.capacityProviders],
          defaultCapacityProviderStrategy: DEFAULT_CLUSTER_STRATEGY.filter((item) =>
            spec.capacityProviders.includes(item.capacityProvider),
          ).map((item) => ({ ...item })),
          settings: [{ name: 'containerInsights', value: spec.containerInsights ? 'enabled' : 'disabled' }],
          tags: spec.tags.map(({ key, value }) => ({ key, value })),
        }),
      );
      return toClusterInfo(out.cluster, context);
    } catch (error) {
      throw translateAwsError(error, context);
    }
  }

  async deleteCluster(name: string): Promise<'deleted' | 'absent'> {
    try {
      await this.#client.send(new DeleteClusterCommand({ cluster: name }));
      return 'deleted';
    } catch (error) {
      if (error instanceof ClusterNotFoundException) return 'absent';
      throw translateAwsError(error, `ECS DeleteCluster ${name}`);
    }
  }

  async latestTaskDefinition(family: string): Promise<TaskDefinitionInfo | undefined> {
    const context = `ECS DescribeTaskDefinition ${family}`;
    try {
      const out = await this.#client.send(
        new DescribeTaskDefinitionCommand({ taskDefinition: family, include: ['TAGS'] }),
      );
      const info = toTaskDefinitionInfo(out.taskDefinition, out.tags, context);
      return info.status === 'ACTIVE' ? info : undefined;
    } catch (error) {
      // ECS answers "Unable to describe task definition" with a ClientException for an unknown family.
      if (error instanceof ClientException) return undefined;
      throw translateAwsError(error, context);
    }
  }

  async registerTaskDefinition(spec: TaskDefinitionSpec): Promise<TaskDefinitionInfo> {
    const context = `ECS RegisterTaskDefinition ${spec.family}`;
    try {
      const out = await this.#client.send(
        new RegisterTaskDefinitionCommand({
          family: spec.family,
          networkMode: 'awsvpc',
          requiresCompatibilities: ['FARGATE'],
          cpu: spec.cpu,
          memory: spec.memory,
          executionRoleArn: spec.executionRoleArn,
          taskRoleArn: spec.taskRoleArn,
          containerDefinitions: [
            {
              name: spec.containerName,
              image: spec.image,
              essential: true,
              portMappings: [{ containerPort: spec.containerPort, protocol: 'tcp' }],
              environment: Object.entries(spec.environment).map(([name, value]) => ({ name, value })),
              logConfiguration: {
                logDriver: spec.log.driver,
                options: {
                  'awslogs-group': spec.log.group,
                  'awslogs-region': spec.log.region,
                  'awslogs-stream-prefix': spec.log.streamPrefix,
                },
              },
            },
          ],
          tags: spec.tags.map(({ key, value }) => ({ key, value })),
        }),
      );
      return toTaskDefinitionInfo(out.taskDefinition, out.tags ?? spec.tags, context);
    } catch (error) {
      throw translateAwsError(error, context);
    }
  }

  async listTaskDefinitions(family: string, status: 'ACTIVE' | 'INACTIVE'): Promise<string[]> {
    const arns: string[] = [];
    let nextToken: string | undefined;
    try {
      do {
        const out = await this.#client.send(
          new ListTaskDefinitionsCommand({ familyPrefix: family, status, nextToken }),
        );
        // familyPrefix also matches longer families (`tf-acme` matches `tf-acme-2`): keep exact ones.
        arns.push(...(out.taskDefinitionArns ?? []).filter((arn) => familyOfArn(arn) === family));
        nextToken = out.nextToken;
      } while (nextToken);
    } catch (error) {
      throw translateAwsError(error, `ECS ListTaskDefinitions ${family}`);
    }
    return arns;
  }

  async describeTaskDefinition(arn: string): Promise<TaskDefinitionInfo | undefined> {
    const context = `ECS DescribeTaskDefinition ${arn}`;
    try {
      const out = await this.#client.send(
        new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }),
      );
      return toTaskDefinitionInfo(out.taskDefinition, out.tags, context);
    } catch (error) {
      if (error instanceof ClientException) return undefined;
      throw translateAwsError(error, context);
    }
  }

  async deleteTaskDefinitions(arns: readonly string[]): Promise<void> {
    // ECS takes at most 10 revisions per call.
    for (let start = 0; start < arns.length; start += 10) {
      const batch = arns.slice(start, start + 10);
      const context = `ECS DeleteTaskDefinitions ${batch.join(', ')}`;
      try {
        const out = await this.#client.send(
          new DeleteTaskDefinitionsCommand({ taskDefinitions: [...batch] }),
        );
        // A revision already deleted (or being deleted) is done; any other refusal is not.
        const refused = (out.failures ?? []).filter(
          (failure) => !/not found|DELETE_IN_PROGRESS|does not exist/i.test(failure.reason ?? ''),
        );
        if (refused.length > 0) {
          const why = refused.map((failure) => `${failure.arn}: ${failure.reason}`).join('; ');
          throw new FatalError(`${context} refused: ${why}`);
        }
      } catch (error) {
        throw translateAwsError(error, context);
      }
    }
  }

  async deregisterTaskDefinition(arn: string): Promise<'deregistered' | 'absent'> {
    try {
      await this.#client.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn }));
      return 'deregistered';
    } catch (error) {
      // An unknown or already inactive revision is a ClientException: either way it is gone.
      if (error instanceof ClientException) return 'absent';
      throw translateAwsError(error, `ECS DeregisterTaskDefinition ${arn}`);
    }
  }

  async describeService(cluster: string, name: string): Promise<ServiceInfo | undefined> {
    const context = `ECS DescribeServices ${cluster}/${name}`;
    try {
      const out = await this.#client.send(
        new DescribeServicesCommand({ cluster, services: [name], include: ['TAGS'] }),
      );
      const service = out.services?.[0];
      if (reportsMissing(out.failures) || service === undefined) return undefined;
      const info = toServiceInfo(service, context);
      return info.status === 'INACTIVE' ? undefined : info;
    } catch (error) {
      if (error instanceof ClusterNotFoundException) return undefined;
      throw translateAwsError(error, context);
    }
  }

  async createService(spec: ServiceSpec): Promise<ServiceInfo> {
    const context = `ECS CreateService ${spec.cluster}/${spec.name}`;
    try {
      const out = await this.#client.send(
        new CreateServiceCommand({
          cluster: spec.cluster,
          serviceName: spec.name,
          taskDefinition: spec.taskDefinitionArn,
          desiredCount: spec.desiredCount,
          capacityProviderStrategy: spec.capacityProviderStrategy.map((item) => ({ ...item })),
          networkConfiguration: {
            awsvpcConfiguration: {
              subnets: [...spec.subnets],
              securityGroups: [...spec.securityGroups],
              assignPublicIp: 'DISABLED',
            },
          },
          ...(spec.targetGroupArn
            ? {
                loadBalancers: [
                  {
                    targetGroupArn: spec.targetGroupArn,
                    containerName: spec.containerName,
                    containerPort: spec.containerPort,
                  },
                ],
                // Only a service behind a load balancer takes a health check grace period.
                ...(spec.healthCheckGracePeriodSeconds === undefined
                  ? {}
                  : { healthCheckGracePeriodSeconds: spec.healthCheckGracePeriodSeconds }),
              }
            : {}),
          deploymentConfiguration: {
            deploymentCircuitBreaker: { enable: true, rollback: true },
            minimumHealthyPercent: 100,
            maximumPercent: 200,
          },
          clientToken: spec.clientToken,
          tags: spec.tags.map(({ key, value }) => ({ key, value })),
          propagateTags: 'SERVICE',
          enableECSManagedTags: true,
        }),
      );
      return toServiceInfo(out.service, context);
    } catch (error) {
      throw translateAwsError(error, context);
    }
  }

  async updateService(cluster: string, name: string, change: ServiceChange): Promise<'updated' | 'absent'> {
    try {
      await this.#client.send(
        new UpdateServiceCommand({
          cluster,
          service: name,
          ...(change.desiredCount === undefined ? {} : { desiredCount: change.desiredCount }),
          ...(change.taskDefinitionArn === undefined ? {} : { taskDefinition: change.taskDefinitionArn }),
          ...(change.loadBalancer === undefined ? {} : { loadBalancers: [{ ...change.loadBalancer }] }),
        }),
      );
      return 'updated';
    } catch (error) {
      if (isServiceGone(error)) return 'absent';
      throw translateAwsError(error, `ECS UpdateService ${cluster}/${name}`);
    }
  }

  async deleteService(cluster: string, name: string): Promise<'deleted' | 'absent'> {
    try {
      await this.#client.send(new DeleteServiceCommand({ cluster, service: name, force: true }));
      return 'deleted';
    } catch (error) {
      // A service that is no longer ACTIVE is already being deleted (DRAINING) or gone (INACTIVE).
      if (isServiceGone(error)) return 'absent';
      throw translateAwsError(error, `ECS DeleteService ${cluster}/${name}`);
    }
  }
}

const isServiceGone = (error: unknown): boolean =>
  error instanceof ServiceNotFoundException ||
  error instanceof ServiceNotActiveException ||
  error instanceof ClusterNotFoundException;
