import {
  ClientException,
  ClusterContainsServicesException,
  ClusterContainsTasksException,
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
  ECSServiceException,
  LimitExceededException,
  ListClustersCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  ServerException,
  ServiceNotActiveException,
  ServiceNotFoundException,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { EcsContainerPlatform } from '../../../../src/adapters/aws/ecs-container-platform.ts';
import type { ServiceSpec, TaskDefinitionSpec } from '../../../../src/ports/container-platform.ts';

const ecs = mockClient(ECSClient);
const platform = new EcsContainerPlatform({ client: new ECSClient({}) });
const meta = { $metadata: {} };
const tags = [{ key: 'tenantflow:tenant-id', value: 'acme' }];
const clusterArn = 'arn:aws:ecs:us-east-1:111122223333:cluster/tf-acme';
const tdArn = (family: string, revision: number) =>
  `arn:aws:ecs:us-east-1:111122223333:task-definition/${family}:${revision}`;
const serviceArn = 'arn:aws:ecs:us-east-1:111122223333:service/tf-acme/tf-acme';

afterEach(() => {
  ecs.reset();
});

describe('EcsContainerPlatform construction', () => {
  it('refuses a client and a client config together', () => {
    // Prepare
    const options = { client: new ECSClient({}), clientConfig: { region: 'us-east-1' } };

    // Act
    // @ts-expect-error the options type forbids both; a JavaScript caller could still pass them.
    const build = () => new EcsContainerPlatform(options);

    // Assess
    expect(build).toThrow('EcsContainerPlatform: pass either client or clientConfig, not both');
  });

  it('builds its own client from a client config', async () => {
    // Prepare
    ecs.on(DeleteClusterCommand).resolves({});
    const own = new EcsContainerPlatform({ clientConfig: { region: 'eu-west-1' } });

    // Act
    const outcome = await own.deleteCluster('tf-acme');

    // Assess
    expect(outcome).toBe('deleted');
    expect(ecs).toHaveReceivedCommandWith(DeleteClusterCommand, { cluster: 'tf-acme' });
  });
});

describe('EcsContainerPlatform clusters', () => {
  it('describes an active cluster', async () => {
    // Prepare
    ecs.on(DescribeClustersCommand).resolves({
      clusters: [{ clusterArn, clusterName: 'tf-acme', status: 'ACTIVE', activeServicesCount: 2, tags }],
      failures: [],
    });

    // Act
    const info = await platform.describeCluster('tf-acme');

    // Assess: the tags come along, so a step can tell whose the cluster is.
    expect(ecs).toHaveReceivedCommandWith(DescribeClustersCommand, {
      clusters: ['tf-acme'],
      include: ['TAGS'],
    });
    expect(info).toEqual({
      arn: clusterArn,
      name: 'tf-acme',
      status: 'ACTIVE',
      activeServicesCount: 2,
      tags,
    });
  });

  it('reports a MISSING cluster as undefined', async () => {
    // Prepare
    ecs
      .on(DescribeClustersCommand)
      .resolves({ clusters: [], failures: [{ arn: clusterArn, reason: 'MISSING' }] });

    // Act
    const info = await platform.describeCluster('tf-acme');

    // Assess
    expect(info).toBeUndefined();
  });

  it('reports an INACTIVE cluster as undefined', async () => {
    // Prepare
    ecs.on(DescribeClustersCommand).resolves({
      clusters: [{ clusterArn, clusterName: 'tf-acme', status: 'INACTIVE', activeServicesCount: 0 }],
    });

    // Act
    const info = await platform.describeCluster('tf-acme');

    // Assess
    expect(info).toBeUndefined();
  });

  it('fails fatally when a described cluster has no ARN', async () => {
    // Prepare
    ecs.on(DescribeClustersCommand).resolves({ clusters: [{ clusterName: 'tf-acme', status: 'ACTIVE' }] });

    // Act
    const result = platform.describeCluster('tf-acme');

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'FatalError',
      message: expect.stringContaining('clusterArn'),
    });
  });

  it('creates a cluster with Fargate providers, the default strategy, Container Insights and tags', async () => {
    // Prepare
    ecs.on(CreateClusterCommand).resolves({
      cluster: { clusterArn, clusterName: 'tf-acme', status: 'PROVISIONING', activeServicesCount: 0 },
    });

    // Act
    const info = await platform.createCluster({
      name: 'tf-acme',
      capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
      containerInsights: true,
      tags,
    });

    // Assess
    expect(ecs).toHaveReceivedCommandTimes(CreateClusterCommand, 1);
    expect(ecs.commandCalls(CreateClusterCommand)[0]?.args[0].input).toEqual({
      clusterName: 'tf-acme',
      capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
      defaultCapacityProviderStrategy: [
        { capacityProvider: 'FARGATE', base: 1, weight: 1 },
        { capacityProvider: 'FARGATE_SPOT', weight: 1 },
      ],
      settings: [{ name: 'containerInsights', value: 'enabled' }],
      tags: [{ key: 'tenantflow:tenant-id', value: 'acme' }],
    });
    expect(info).toEqual({
      arn: clusterArn,
      name: 'tf-acme',
      status: 'PROVISIONING',
      activeServicesCount: 0,
      tags: [],
    });
  });

  it('maps a cluster quota to QuotaExceededError', async () => {
    // Prepare
    ecs
      .on(CreateClusterCommand)
      .rejects(new LimitExceededException({ message: 'too many clusters', ...meta }));

    // Act
    const result = platform.createCluster({
      name: 'tf-acme',
      capacityProviders: ['FARGATE'],
      containerInsights: false,
      tags,
    });

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'QuotaExceededError' });
  });

  it('deletes a cluster', async () => {
    // Prepare
    ecs.on(DeleteClusterCommand).resolves({});

    // Act
    const outcome = await platform.deleteCluster('tf-acme');

    // Assess
    expect(ecs).toHaveReceivedCommandExactlyOnceWith(DeleteClusterCommand, { cluster: 'tf-acme' });
    expect(outcome).toBe('deleted');
  });

  it('treats a missing cluster as already deleted', async () => {
    // Prepare
    ecs.on(DeleteClusterCommand).rejects(new ClusterNotFoundException({ message: 'x', ...meta }));

    // Act
    const outcome = await platform.deleteCluster('tf-acme');

    // Assess
    expect(outcome).toBe('absent');
  });

  it.each([
    ['services', new ClusterContainsServicesException({ message: 'still has services', ...meta })],
    ['tasks', new ClusterContainsTasksException({ message: 'still has tasks', ...meta })],
  ])('is not ready to delete a cluster that still contains %s', async (_what, error) => {
    // Prepare
    ecs.on(DeleteClusterCommand).rejects(error);

    // Act
    const result = platform.deleteCluster('tf-acme');

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'NotReadyError',
      message: expect.stringContaining('ECS DeleteCluster tf-acme'),
      cause: error,
    });
  });

  it('maps a throttled call to ThrottledError', async () => {
    // Prepare
    ecs.on(DeleteClusterCommand).rejects(
      new ECSServiceException({
        name: 'ThrottlingException',
        $fault: 'client',
        message: 'Rate exceeded',
        ...meta,
      }),
    );

    // Act
    const result = platform.deleteCluster('tf-acme');

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'ThrottledError' });
  });

  it('counts the clusters over every page of ListClusters, and maps its throttling', async () => {
    // Prepare
    ecs
      .on(ListClustersCommand)
      .resolvesOnce({ clusterArns: [clusterArn, `${clusterArn}-2`], nextToken: 'page-2', ...meta })
      .resolvesOnce({ clusterArns: [`${clusterArn}-3`], ...meta })
      .rejectsOnce(
        new ECSServiceException({
          name: 'ThrottlingException',
          $fault: 'client',
          message: 'Rate exceeded',
          ...meta,
        }),
      );

    // Act
    const count = await platform.countClusters();
    const throttled = platform.countClusters();

    // Assess
    expect(count).toBe(3);
    expect(ecs.commandCalls(ListClustersCommand)[1]?.args[0].input).toEqual({
      maxResults: 100,
      nextToken: 'page-2',
    });
    await expect(throttled).rejects.toMatchObject({ name: 'ThrottledError' });
  });
});

const taskDefinitionSpec: TaskDefinitionSpec = {
  family: 'tf-acme',
  cpu: '256',
  memory: '512',
  containerName: 'app',
  image: 'public.ecr.aws/nginx/nginx:1.27',
  containerPort: 8080,
  environment: { TENANT_ID: 'acme', TIER: 'advanced' },
  executionRoleArn: 'arn:aws:iam::111122223333:role/exec',
  taskRoleArn: 'arn:aws:iam::111122223333:role/task',
  log: { driver: 'awslogs', group: '/tenantflow/tenants', region: 'us-east-1', streamPrefix: 'acme' },
  tags,
};

describe('EcsContainerPlatform task definitions', () => {
  it('reads the latest revision of a family with its tags', async () => {
    // Prepare
    ecs.on(DescribeTaskDefinitionCommand).resolves({
      taskDefinition: {
        taskDefinitionArn: tdArn('tf-acme', 3),
        family: 'tf-acme',
        revision: 3,
        status: 'ACTIVE',
      },
      tags,
    });

    // Act
    const info = await platform.latestTaskDefinition('tf-acme');

    // Assess
    expect(ecs).toHaveReceivedCommandWith(DescribeTaskDefinitionCommand, {
      taskDefinition: 'tf-acme',
      include: ['TAGS'],
    });
    expect(info).toEqual({
      arn: tdArn('tf-acme', 3),
      family: 'tf-acme',
      revision: 3,
      status: 'ACTIVE',
      tags,
    });
  });

  it('reports an unknown family as undefined', async () => {
    // Prepare
    ecs
      .on(DescribeTaskDefinitionCommand)
      .rejects(new ClientException({ message: 'Unable to describe task definition.', ...meta }));

    // Act
    const info = await platform.latestTaskDefinition('tf-nobody');

    // Assess
    expect(info).toBeUndefined();
  });

  it('reports an INACTIVE revision as undefined', async () => {
    // Prepare
    ecs.on(DescribeTaskDefinitionCommand).resolves({
      taskDefinition: {
        taskDefinitionArn: tdArn('tf-acme', 3),
        family: 'tf-acme',
        revision: 3,
        status: 'INACTIVE',
      },
    });

    // Act
    const info = await platform.latestTaskDefinition('tf-acme');

    // Assess
    expect(info).toBeUndefined();
  });

  it('registers a Fargate awsvpc task definition with one essential container', async () => {
    // Prepare
    ecs.on(RegisterTaskDefinitionCommand).resolves({
      taskDefinition: {
        taskDefinitionArn: tdArn('tf-acme', 1),
        family: 'tf-acme',
        revision: 1,
        status: 'ACTIVE',
      },
      tags,
    });

    // Act
    const info = await platform.registerTaskDefinition(taskDefinitionSpec);

    // Assess
    expect(ecs).toHaveReceivedCommandTimes(RegisterTaskDefinitionCommand, 1);
    expect(ecs.commandCalls(RegisterTaskDefinitionCommand)[0]?.args[0].input).toEqual({
      family: 'tf-acme',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      executionRoleArn: 'arn:aws:iam::111122223333:role/exec',
      taskRoleArn: 'arn:aws:iam::111122223333:role/task',
      containerDefinitions: [
        {
          name: 'app',
          image: 'public.ecr.aws/nginx/nginx:1.27',
          essential: true,
          portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
          environment: [
            { name: 'TENANT_ID', value: 'acme' },
            { name: 'TIER', value: 'advanced' },
          ],
          logConfiguration: {
            logDriver: 'awslogs',
            options: {
              'awslogs-group': '/tenantflow/tenants',
              'awslogs-region': 'us-east-1',
              'awslogs-stream-prefix': 'acme',
            },
          },
        },
      ],
      tags,
    });
    expect(info).toEqual({
      arn: tdArn('tf-acme', 1),
      family: 'tf-acme',
      revision: 1,
      status: 'ACTIVE',
      tags,
    });
  });

  it('fails fatally when a registered task definition comes back without an ARN', async () => {
    // Prepare
    ecs.on(RegisterTaskDefinitionCommand).resolves({ taskDefinition: { family: 'tf-acme', revision: 1 } });

    // Act
    const result = platform.registerTaskDefinition(taskDefinitionSpec);

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'FatalError',
      message: expect.stringContaining('taskDefinitionArn'),
    });
  });

  it('lists the revisions of exactly one family in one status over every page', async () => {
    // Prepare
    ecs
      .on(ListTaskDefinitionsCommand, { familyPrefix: 'tf-acme', status: 'ACTIVE', nextToken: undefined })
      .resolves({ taskDefinitionArns: [tdArn('tf-acme', 1), tdArn('tf-acme-2', 1)], nextToken: 'page-2' })
      .on(ListTaskDefinitionsCommand, { familyPrefix: 'tf-acme', status: 'ACTIVE', nextToken: 'page-2' })
      .resolves({ taskDefinitionArns: [tdArn('tf-acme', 2), tdArn('tf-acmeco', 7)] });

    // Act
    const arns = await platform.listTaskDefinitions('tf-acme', 'ACTIVE');

    // Assess
    expect(ecs).toHaveReceivedCommandTimes(ListTaskDefinitionsCommand, 2);
    expect(ecs).toHaveReceivedNthCommandWith(ListTaskDefinitionsCommand, 2, {
      familyPrefix: 'tf-acme',
      status: 'ACTIVE',
      nextToken: 'page-2',
    });
    expect(arns).toEqual([tdArn('tf-acme', 1), tdArn('tf-acme', 2)]);
  });

  it('deregisters a revision', async () => {
    // Prepare
    ecs.on(DeregisterTaskDefinitionCommand).resolves({});

    // Act
    const outcome = await platform.deregisterTaskDefinition(tdArn('tf-acme', 1));

    // Assess
    expect(ecs).toHaveReceivedCommandExactlyOnceWith(DeregisterTaskDefinitionCommand, {
      taskDefinition: tdArn('tf-acme', 1),
    });
    expect(outcome).toBe('deregistered');
  });

  it('describes one revision with its tags and status, and knows none that is gone', async () => {
    // Prepare
    ecs
      .on(DescribeTaskDefinitionCommand, { taskDefinition: tdArn('tf-acme', 1) })
      .resolves({
        taskDefinition: {
          taskDefinitionArn: tdArn('tf-acme', 1),
          family: 'tf-acme',
          revision: 1,
          status: 'INACTIVE',
        },
        tags,
      })
      .on(DescribeTaskDefinitionCommand, { taskDefinition: tdArn('tf-acme', 9) })
      .rejects(new ClientException({ message: 'Unable to describe task definition.', ...meta }));

    // Act
    const inactive = await platform.describeTaskDefinition(tdArn('tf-acme', 1));
    const gone = await platform.describeTaskDefinition(tdArn('tf-acme', 9));

    // Assess
    expect(ecs).toHaveReceivedCommandWith(DescribeTaskDefinitionCommand, {
      taskDefinition: tdArn('tf-acme', 1),
      include: ['TAGS'],
    });
    expect(inactive).toEqual({
      arn: tdArn('tf-acme', 1),
      family: 'tf-acme',
      revision: 1,
      status: 'INACTIVE',
      tags,
    });
    expect(gone).toBeUndefined();
  });

  it('deletes revisions ten per call, and refuses what ECS refused', async () => {
    // Prepare
    const arns = Array.from({ length: 12 }, (_, index) => tdArn('tf-acme', index + 1));
    ecs
      .on(DeleteTaskDefinitionsCommand)
      .resolvesOnce({ failures: [] })
      .resolvesOnce({ failures: [{ arn: arns[11], reason: 'TASK_DEFINITION_ACTIVE' }] });

    // Act
    const result = platform.deleteTaskDefinitions(arns);

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'FatalError',
      message: expect.stringContaining('TASK_DEFINITION_ACTIVE'),
    });
    expect(ecs).toHaveReceivedNthCommandWith(DeleteTaskDefinitionsCommand, 1, {
      taskDefinitions: arns.slice(0, 10),
    });
    expect(ecs).toHaveReceivedNthCommandWith(DeleteTaskDefinitionsCommand, 2, {
      taskDefinitions: arns.slice(10),
    });
  });

  it('treats an unknown or inactive revision as already deregistered', async () => {
    // Prepare
    ecs
      .on(DeregisterTaskDefinitionCommand)
      .rejects(new ClientException({ message: 'The specified task definition does not exist.', ...meta }));

    // Act
    const outcome = await platform.deregisterTaskDefinition(tdArn('tf-acme', 9));

    // Assess
    expect(outcome).toBe('absent');
  });
});

const serviceSpec: ServiceSpec = {
  cluster: 'tf-shared',
  name: 'tf-acme',
  taskDefinitionArn: tdArn('tf-acme', 1),
  desiredCount: 1,
  subnets: ['subnet-a', 'subnet-b'],
  securityGroups: ['sg-1'],
  targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/tf-acme-1a2b3c4d/abc',
  healthCheckGracePeriodSeconds: 60,
  containerName: 'app',
  containerPort: 8080,
  capacityProviderStrategy: [
    { capacityProvider: 'FARGATE', base: 1, weight: 1 },
    { capacityProvider: 'FARGATE_SPOT', base: 0, weight: 1 },
  ],
  tags,
  clientToken: 'acme-exec-1',
};

const ecsService = {
  serviceArn,
  serviceName: 'tf-acme',
  status: 'ACTIVE',
  desiredCount: 1,
  runningCount: 0,
  taskDefinition: tdArn('tf-acme', 1),
  tags,
  loadBalancers: [
    {
      targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tf-acme/1',
      containerName: 'app',
      containerPort: 8080,
    },
  ],
  deployments: [
    { status: 'ACTIVE', rolloutState: 'COMPLETED' as const },
    {
      status: 'PRIMARY',
      rolloutState: 'IN_PROGRESS' as const,
      rolloutStateReason: 'ECS deployment in progress.',
    },
  ],
};

describe('EcsContainerPlatform services', () => {
  it('describes a service with the rollout state of its PRIMARY deployment', async () => {
    // Prepare
    ecs.on(DescribeServicesCommand).resolves({ services: [ecsService], failures: [] });

    // Act
    const info = await platform.describeService('tf-shared', 'tf-acme');

    // Assess
    expect(ecs).toHaveReceivedCommandWith(DescribeServicesCommand, {
      cluster: 'tf-shared',
      services: ['tf-acme'],
      include: ['TAGS'],
    });
    expect(info).toEqual({
      arn: serviceArn,
      name: 'tf-acme',
      status: 'ACTIVE',
      desiredCount: 1,
      runningCount: 0,
      taskDefinition: tdArn('tf-acme', 1),
      rolloutState: 'IN_PROGRESS',
      rolloutStateReason: 'ECS deployment in progress.',
      targetGroupArns: ['arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tf-acme/1'],
      tags,
    });
  });

  it('reports a MISSING service as undefined', async () => {
    // Prepare
    ecs
      .on(DescribeServicesCommand)
      .resolves({ services: [], failures: [{ arn: serviceArn, reason: 'MISSING' }] });

    // Act
    const info = await platform.describeService('tf-shared', 'tf-acme');

    // Assess
    expect(info).toBeUndefined();
  });

  it('reports an INACTIVE service as undefined', async () => {
    // Prepare
    ecs.on(DescribeServicesCommand).resolves({ services: [{ ...ecsService, status: 'INACTIVE' }] });

    // Act
    const info = await platform.describeService('tf-shared', 'tf-acme');

    // Assess
    expect(info).toBeUndefined();
  });

  it('reports a service of a missing cluster as undefined', async () => {
    // Prepare
    ecs.on(DescribeServicesCommand).rejects(new ClusterNotFoundException({ message: 'x', ...meta }));

    // Act
    const info = await platform.describeService('tf-acme', 'tf-acme');

    // Assess
    expect(info).toBeUndefined();
  });

  it('maps a server fault while describing to RetryableError', async () => {
    // Prepare
    ecs.on(DescribeServicesCommand).rejects(new ServerException({ message: 'oops', ...meta }));

    // Act
    const result = platform.describeService('tf-shared', 'tf-acme');

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'RetryableError' });
  });

  it('creates a service on a capacity-provider strategy, private, behind its target group, with a circuit breaker', async () => {
    // Prepare
    ecs.on(CreateServiceCommand).resolves({ service: ecsService });

    // Act
    const info = await platform.createService(serviceSpec);

    // Assess
    expect(ecs).toHaveReceivedCommandTimes(CreateServiceCommand, 1);
    expect(ecs.commandCalls(CreateServiceCommand)[0]?.args[0].input).toEqual({
      cluster: 'tf-shared',
      serviceName: 'tf-acme',
      taskDefinition: tdArn('tf-acme', 1),
      desiredCount: 1,
      capacityProviderStrategy: [
        { capacityProvider: 'FARGATE', base: 1, weight: 1 },
        { capacityProvider: 'FARGATE_SPOT', base: 0, weight: 1 },
      ],
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: ['subnet-a', 'subnet-b'],
          securityGroups: ['sg-1'],
          assignPublicIp: 'DISABLED',
        },
      },
      loadBalancers: [
        { targetGroupArn: serviceSpec.targetGroupArn, containerName: 'app', containerPort: 8080 },
      ],
      deploymentConfiguration: {
        deploymentCircuitBreaker: { enable: true, rollback: true },
        minimumHealthyPercent: 100,
        maximumPercent: 200,
      },
      healthCheckGracePeriodSeconds: 60,
      clientToken: 'acme-exec-1',
      tags,
      propagateTags: 'SERVICE',
      enableECSManagedTags: true,
    });
    expect(info.arn).toBe(serviceArn);
    expect(info.rolloutState).toBe('IN_PROGRESS');
  });

  it('is not ready to create a service over one that is still draining', async () => {
    // Prepare
    ecs.on(CreateServiceCommand).rejects(new ServiceNotActiveException({ message: 'draining', ...meta }));

    // Act
    const result = platform.createService(serviceSpec);

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'NotReadyError' });
  });

  it('changes the desired count, the revision, or both', async () => {
    // Prepare
    ecs.on(UpdateServiceCommand).resolves({ service: ecsService });

    // Act
    const count = await platform.updateService('tf-shared', 'tf-acme', { desiredCount: 0 });
    await platform.updateService('tf-shared', 'tf-acme', {
      desiredCount: 2,
      taskDefinitionArn: tdArn('tf-acme', 2),
    });

    // Assess
    expect(ecs).toHaveReceivedNthCommandWith(UpdateServiceCommand, 1, {
      cluster: 'tf-shared',
      service: 'tf-acme',
      desiredCount: 0,
    });
    expect(ecs.commandCalls(UpdateServiceCommand)[1]?.args[0].input).toEqual({
      cluster: 'tf-shared',
      service: 'tf-acme',
      desiredCount: 2,
      taskDefinition: tdArn('tf-acme', 2),
    });
    expect(count).toBe('updated');
  });

  it.each([
    ['ServiceNotFoundException', new ServiceNotFoundException({ message: 'x', ...meta })],
    ['ServiceNotActiveException', new ServiceNotActiveException({ message: 'x', ...meta })],
    ['ClusterNotFoundException', new ClusterNotFoundException({ message: 'x', ...meta })],
  ])('reports a scaled service as absent on %s', async (_name, error) => {
    // Prepare
    ecs.on(UpdateServiceCommand).rejects(error);

    // Act
    const outcome = await platform.updateService('tf-shared', 'tf-acme', { desiredCount: 1 });

    // Assess
    expect(outcome).toBe('absent');
  });

  it('deletes a service with force', async () => {
    // Prepare
    ecs.on(DeleteServiceCommand).resolves({ service: { ...ecsService, status: 'DRAINING' } });

    // Act
    const outcome = await platform.deleteService('tf-shared', 'tf-acme');

    // Assess
    expect(ecs).toHaveReceivedCommandExactlyOnceWith(DeleteServiceCommand, {
      cluster: 'tf-shared',
      service: 'tf-acme',
      force: true,
    });
    expect(outcome).toBe('deleted');
  });

  it.each([
    ['ServiceNotFoundException', new ServiceNotFoundException({ message: 'x', ...meta })],
    ['ClusterNotFoundException', new ClusterNotFoundException({ message: 'x', ...meta })],
    ['ServiceNotActiveException', new ServiceNotActiveException({ message: 'x', ...meta })],
  ])('treats a deleted service as absent on %s', async (_name, error) => {
    // Prepare
    ecs.on(DeleteServiceCommand).rejects(error);

    // Act
    const outcome = await platform.deleteService('tf-shared', 'tf-acme');

    // Assess
    expect(outcome).toBe('absent');
  });
});
