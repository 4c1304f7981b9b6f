import {
  ClientException,
  type Cluster,
  ClusterContainsServicesException,
  ClusterNotFoundException,
  CreateClusterCommand,
  type CreateClusterCommandInput,
  type CreateClusterCommandOutput,
  CreateServiceCommand,
  type CreateServiceCommandInput,
  type CreateServiceCommandOutput,
  DeleteClusterCommand,
  type DeleteClusterCommandInput,
  type DeleteClusterCommandOutput,
  DeleteServiceCommand,
  type DeleteServiceCommandInput,
  type DeleteServiceCommandOutput,
  DeleteTaskDefinitionsCommand,
  type DeleteTaskDefinitionsCommandInput,
  type DeleteTaskDefinitionsCommandOutput,
  DeregisterTaskDefinitionCommand,
  type DeregisterTaskDefinitionCommandInput,
  type DeregisterTaskDefinitionCommandOutput,
  DescribeClustersCommand,
  type DescribeClustersCommandInput,
  type DescribeClustersCommandOutput,
  DescribeServicesCommand,
  type DescribeServicesCommandInput,
  type DescribeServicesCommandOutput,
  DescribeTaskDefinitionCommand,
  type DescribeTaskDefinitionCommandInput,
  type DescribeTaskDefinitionCommandOutput,
  type ECSClient,
  InvalidParameterException,
  ListClustersCommand,
  type ListClustersCommandInput,
  type ListClustersCommandOutput,
  ListTaskDefinitionsCommand,
  type ListTaskDefinitionsCommandInput,
  type ListTaskDefinitionsCommandOutput,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  type RegisterTaskDefinitionCommandOutput,
  type Service,
  ServiceNotFoundException,
  type TaskDefinition,
  UpdateServiceCommand,
  type UpdateServiceCommandInput,
  type UpdateServiceCommandOutput,
} from '@aws-sdk/client-ecs';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import {
  ACCOUNT,
  answer,
  type ClusterState,
  failed,
  isSteady,
  ok,
  REGION,
  type ServiceState,
  type TaskDefinitionState,
  type World,
} from './world.ts';

const arn = (resource: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:${resource}`;

const clusterOf = (cluster: ClusterState, services: number, withTags = false): Cluster => ({
  clusterArn: cluster.arn,
  clusterName: cluster.name,
  status: cluster.status,
  activeServicesCount: services,
  registeredContainerInstancesCount: 0,
  runningTasksCount: 0,
  pendingTasksCount: 0,
  ...(withTags ? { tags: cluster.tags } : {}),
});

const taskDefinitionOf = (definition: TaskDefinitionState): TaskDefinition => ({
  taskDefinitionArn: definition.arn,
  family: definition.family,
  revision: definition.revision,
  status: definition.status,
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
});

const serviceOf = (service: ServiceState, status: 'ACTIVE' | 'DRAINING', withTags = false): Service => {
  const steady = isSteady(service);
  return {
    serviceArn: service.arn,
    serviceName: service.name,
    clusterArn: arn(`cluster/${service.cluster}`),
    status,
    taskDefinition: service.taskDefinition,
    ...(withTags ? { tags: service.tags } : {}),
    desiredCount: service.desiredCount,
    runningCount: steady ? service.desiredCount : 0,
    pendingCount: steady ? 0 : service.desiredCount,
    loadBalancers: service.targetGroupArns.map((targetGroupArn) => ({ targetGroupArn })),
    deployments: [
      {
        id: `ecs-svc/${service.arn.length}`,
        status: 'PRIMARY',
        desiredCount: service.desiredCount,
        runningCount: steady ? service.desiredCount : 0,
        rolloutState: steady ? 'COMPLETED' : 'IN_PROGRESS',
        rolloutStateReason: steady
          ? 'ECS deployment ecs-svc completed.'
          : 'ECS deployment ecs-svc in progress.',
      },
    ],
  };
};

const clusterOrThrow = (world: World, name: string | undefined): ClusterState => {
  const cluster = world.clusters.get(name ?? 'default');
  if (!cluster) throw new ClusterNotFoundException({ message: 'Cluster not found.', ...failed(400) });
  return cluster;
};

const findService = (world: World, cluster: string | undefined, name: string | undefined) =>
  world.services.find((service) => service.cluster === cluster && service.name === name);

/** Installs a stateful ECS on the mocked client: clusters, task definitions and services in `world`. */
export const fakeEcs = (mock: AwsClientStub<ECSClient>, world: World): void => {
  mock.on(DescribeClustersCommand).callsFake((input: DescribeClustersCommandInput) =>
    answer(world, 'ECS.DescribeClusters', input, ({ clusters = [], include = [] }) => {
      const found = clusters.flatMap((name) => {
        const cluster = world.clusters.get(name);
        return cluster ? [cluster] : [];
      });
      const output: DescribeClustersCommandOutput = {
        ...ok(world),
        clusters: found.map((cluster) => clusterOf(cluster, 0, include.includes('TAGS'))),
        failures: clusters
          .filter((name) => !world.clusters.has(name))
          .map((name) => ({ arn: arn(`cluster/${name}`), reason: 'MISSING' })),
      };
      return { output };
    }),
  );
  mock.on(ListClustersCommand).callsFake((input: ListClustersCommandInput) =>
    answer(world, 'ECS.ListClusters', input, () => {
      const output: ListClustersCommandOutput = {
        ...ok(world),
        clusterArns: [...world.clusters.values()].filter((c) => c.status === 'ACTIVE').map((c) => c.arn),
      };
      return { output };
    }),
  );
  mock.on(CreateClusterCommand).callsFake((input: CreateClusterCommandInput) =>
    answer(world, 'ECS.CreateCluster', input, ({ clusterName = 'default' }) => {
      const cluster: ClusterState = {
        arn: arn(`cluster/${clusterName}`),
        name: clusterName,
        status: 'ACTIVE',
        tags: (input.tags ?? []).map(({ key = '', value = '' }) => ({ key, value })),
      };
      world.clusters.set(clusterName, cluster);
      const output: CreateClusterCommandOutput = {
        ...ok(world),
        cluster: {
          ...clusterOf(cluster, 0),
          capacityProviders: input.capacityProviders,
          defaultCapacityProviderStrategy: input.defaultCapacityProviderStrategy,
          settings: input.settings,
          tags: input.tags,
        },
      };
      return { output, effect: { kind: 'created', resource: `cluster ${clusterName}` } };
    }),
  );
  mock.on(DeleteClusterCommand).callsFake((input: DeleteClusterCommandInput) =>
    answer(world, 'ECS.DeleteCluster', input, ({ cluster: name }) => {
      const cluster = clusterOrThrow(world, name);
      if (world.services.some((service) => service.cluster === cluster.name)) {
        throw new ClusterContainsServicesException({
          message: 'The Cluster cannot be deleted while Services are active.',
          ...failed(400),
        });
      }
      world.clusters.delete(cluster.name);
      const output: DeleteClusterCommandOutput = {
        ...ok(world),
        cluster: { ...clusterOf(cluster, 0), status: 'INACTIVE' },
      };
      return { output, effect: { kind: 'deleted', resource: `cluster ${cluster.name}` } };
    }),
  );
  mock.on(DescribeTaskDefinitionCommand).callsFake((input: DescribeTaskDefinitionCommandInput) =>
    answer(world, 'ECS.DescribeTaskDefinition', input, ({ taskDefinition: ref = '' }) => {
      // A family names its newest ACTIVE revision; an ARN names one revision, whatever its status.
      const latest = ref.startsWith('arn:')
        ? world.taskDefinitions.find((definition) => definition.arn === ref)
        : world.taskDefinitions
            .filter((definition) => definition.family === ref && definition.status === 'ACTIVE')
            .at(-1);
      if (!latest) {
        throw new ClientException({ message: 'Unable to describe task definition.', ...failed(400) });
      }
      const output: DescribeTaskDefinitionCommandOutput = {
        ...ok(world),
        taskDefinition: taskDefinitionOf(latest),
        tags: latest.tags,
      };
      return { output };
    }),
  );
  mock.on(RegisterTaskDefinitionCommand).callsFake((input: RegisterTaskDefinitionCommandInput) =>
    answer(world, 'ECS.RegisterTaskDefinition', input, ({ family = '', tags = [] }) => {
      const revision = world.taskDefinitions.filter((definition) => definition.family === family).length + 1;
      const definition: TaskDefinitionState = {
        arn: arn(`task-definition/${family}:${revision}`),
        family,
        revision,
        status: 'ACTIVE',
        tags: tags.map(({ key = '', value = '' }) => ({ key, value })),
      };
      world.taskDefinitions.push(definition);
      const output: RegisterTaskDefinitionCommandOutput = {
        ...ok(world),
        taskDefinition: { ...taskDefinitionOf(definition), containerDefinitions: input.containerDefinitions },
        tags: input.tags,
      };
      return { output, effect: { kind: 'created', resource: `task-definition ${definition.arn}` } };
    }),
  );
  mock.on(ListTaskDefinitionsCommand).callsFake((input: ListTaskDefinitionsCommandInput) =>
    answer(world, 'ECS.ListTaskDefinitions', input, ({ familyPrefix = '', status = 'ACTIVE' }) => {
      const output: ListTaskDefinitionsCommandOutput = {
        ...ok(world),
        taskDefinitionArns: world.taskDefinitions
          .filter((definition) => definition.family.startsWith(familyPrefix) && definition.status === status)
          .map((definition) => definition.arn),
      };
      return { output };
    }),
  );
  mock.on(DeregisterTaskDefinitionCommand).callsFake((input: DeregisterTaskDefinitionCommandInput) =>
    answer(world, 'ECS.DeregisterTaskDefinition', input, ({ taskDefinition }) => {
      const definition = world.taskDefinitions.find(
        (candidate) => candidate.arn === taskDefinition && candidate.status === 'ACTIVE',
      );
      if (!definition)
        throw new ClientException({
          message: 'The specified task definition does not exist.',
          ...failed(400),
        });
      definition.status = 'INACTIVE';
      const output: DeregisterTaskDefinitionCommandOutput = {
        ...ok(world),
        taskDefinition: taskDefinitionOf(definition),
      };
      return { output, effect: { kind: 'deleted', resource: `task-definition ${definition.arn}` } };
    }),
  );
  mock.on(DeleteTaskDefinitionsCommand).callsFake((input: DeleteTaskDefinitionsCommandInput) =>
    answer(world, 'ECS.DeleteTaskDefinitions', input, ({ taskDefinitions = [] }) => {
      const deleted = world.taskDefinitions.filter(
        (definition) => taskDefinitions.includes(definition.arn) && definition.status === 'INACTIVE',
      );
      for (const definition of deleted) definition.status = 'DELETE_IN_PROGRESS';
      const output: DeleteTaskDefinitionsCommandOutput = {
        ...ok(world),
        taskDefinitions: deleted.map(taskDefinitionOf),
        failures: taskDefinitions
          .filter((ref) => !deleted.some((definition) => definition.arn === ref))
          .map((ref) => ({ arn: ref, reason: 'TASK_DEFINITION_ACTIVE' })),
      };
      return { output };
    }),
  );
  mock.on(DescribeServicesCommand).callsFake((input: DescribeServicesCommandInput) =>
    answer(world, 'ECS.DescribeServices', input, ({ cluster, services = [], include = [] }) => {
      clusterOrThrow(world, cluster);
      const found = services.flatMap((name) => {
        const service = findService(world, cluster, name);
        return service ? [service] : [];
      });
      for (const service of found) service.describes += 1;
      const output: DescribeServicesCommandOutput = {
        ...ok(world),
        services: found.map((service) => serviceOf(service, 'ACTIVE', include.includes('TAGS'))),
        failures: services
          .filter((name) => !findService(world, cluster, name))
          .map((name) => ({ arn: arn(`service/${cluster}/${name}`), reason: 'MISSING' })),
      };
      return { output };
    }),
  );
  mock.on(CreateServiceCommand).callsFake((input: CreateServiceCommandInput) =>
    answer(
      world,
      'ECS.CreateService',
      input,
      ({ cluster, serviceName = '', desiredCount = 0, clientToken }) => {
        const home = clusterOrThrow(world, cluster);
        // ECS: the same client token answers with the service it made; another is refused.
        const existing = findService(world, home.name, serviceName);
        if (existing) {
          if (clientToken !== undefined && existing.clientToken === clientToken) {
            const again: CreateServiceCommandOutput = {
              ...ok(world),
              service: serviceOf(existing, 'ACTIVE'),
            };
            return { output: again };
          }
          throw new InvalidParameterException({
            message: 'Creation of service was not idempotent.',
            ...failed(400),
          });
        }
        const service: ServiceState = {
          ...(clientToken === undefined ? {} : { clientToken }),
          arn: arn(`service/${home.name}/${serviceName}`),
          name: serviceName,
          cluster: home.name,
          desiredCount,
          taskDefinition: input.taskDefinition ?? '',
          targetGroupArns: (input.loadBalancers ?? []).flatMap((lb) =>
            lb.targetGroupArn ? [lb.targetGroupArn] : [],
          ),
          tags: (input.tags ?? []).map(({ key = '', value = '' }) => ({ key, value })),
          describes: 0,
        };
        world.services.push(service);
        const output: CreateServiceCommandOutput = { ...ok(world), service: serviceOf(service, 'ACTIVE') };
        return { output, effect: { kind: 'created', resource: `service ${home.name}/${serviceName}` } };
      },
    ),
  );
  mock.on(UpdateServiceCommand).callsFake((input: UpdateServiceCommandInput) =>
    answer(
      world,
      'ECS.UpdateService',
      input,
      ({ cluster, service: name, desiredCount, taskDefinition, loadBalancers }) => {
        clusterOrThrow(world, cluster);
        const service = findService(world, cluster, name);
        if (!service) throw new ServiceNotFoundException({ message: 'Service not found.', ...failed(400) });
        if (desiredCount !== undefined) service.desiredCount = desiredCount;
        if (loadBalancers !== undefined)
          service.targetGroupArns = loadBalancers.flatMap((lb) =>
            lb.targetGroupArn ? [lb.targetGroupArn] : [],
          );
        if (taskDefinition !== undefined) service.taskDefinition = taskDefinition;
        const output: UpdateServiceCommandOutput = { ...ok(world), service: serviceOf(service, 'ACTIVE') };
        return { output };
      },
    ),
  );
  mock.on(DeleteServiceCommand).callsFake((input: DeleteServiceCommandInput) =>
    answer(world, 'ECS.DeleteService', input, ({ cluster, service: name }) => {
      clusterOrThrow(world, cluster);
      const service = findService(world, cluster, name);
      if (!service) throw new ServiceNotFoundException({ message: 'Service not found.', ...failed(400) });
      world.services = world.services.filter((candidate) => candidate !== service);
      const output: DeleteServiceCommandOutput = { ...ok(world), service: serviceOf(service, 'DRAINING') };
      return { output, effect: { kind: 'deleted', resource: `service ${service.cluster}/${service.name}` } };
    }),
  );
};
