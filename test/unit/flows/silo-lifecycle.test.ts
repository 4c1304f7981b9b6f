import {
  CreateClusterCommand,
  CreateServiceCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import {
  CreateRuleCommand,
  CreateTargetGroupCommand,
  ModifyTargetGroupAttributesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resourceNames } from '../../../src/domain/naming.ts';
import { ecsTags, elbTags, historyOf, successEvent } from './support/expectations.ts';
import {
  EXECUTION_ROLE_ARN,
  effects,
  IMAGE,
  LISTENER_ARN,
  LOAD_BALANCER_DNS,
  LOG_GROUP,
  leftovers,
  mocks,
  SECURITY_GROUP,
  SHARED_CLUSTER,
  SUBNETS,
  TASK_ROLE_ARN,
  trace,
  VPC_ID,
} from './support/fake-aws.ts';
import { type Flow, offboardingFor, onboardingSample, startFlow } from './support/harness.ts';

let flow: Flow;

beforeEach(async () => {
  flow = await startFlow();
});

afterEach(async () => {
  await flow.stop();
});

const TIERS = [
  {
    tier: 'advanced',
    cpu: '256',
    memory: '512',
    desiredCount: 1,
    strategy: [
      { capacityProvider: 'FARGATE', base: 1, weight: 1 },
      { capacityProvider: 'FARGATE_SPOT', base: 0, weight: 1 },
    ],
    ownCluster: false,
  },
  {
    tier: 'premium',
    cpu: '512',
    memory: '1024',
    desiredCount: 2,
    strategy: [{ capacityProvider: 'FARGATE', base: 1, weight: 1 }],
    ownCluster: true,
  },
] as const;

const onboardingTrace = (ownCluster: boolean) => [
  // AdmitTenant: the shared stack's outputs (read once), the listener's rules, then the shared
  // cluster's service count (advanced) or the account's cluster count (premium).
  'CFN.DescribeStacks',
  'ELB.DescribeRules',
  ownCluster ? 'ECS.ListClusters' : 'ECS.DescribeClusters',
  ...(ownCluster ? ['ECS.DescribeClusters', 'ECS.CreateCluster'] : []),
  'ECS.DescribeTaskDefinition ! ClientException',
  'ECS.RegisterTaskDefinition',
  'ELB.DescribeTargetGroups ! TargetGroupNotFoundException',
  'ELB.CreateTargetGroup',
  'ELB.ModifyTargetGroupAttributes',
  'ELB.DescribeRules',
  'ELB.CreateRule',
  'ECS.DescribeServices',
  'ECS.CreateService',
  // first look: rollout in progress, targets initial; second look: steady and healthy
  'ECS.DescribeServices',
  'ELB.DescribeTargetHealth',
  'ECS.DescribeServices',
  'ELB.DescribeTargetHealth',
  'EVB.PutEvents',
];

const FORWARD_STEPS = [
  'RegisterTaskDefinition',
  'CreateTargetGroup',
  'CreateListenerRule',
  'CreateService',
  'WaitForHealthy',
  'ActivateTenant',
];

describe.each(TIERS)('$tier tier lifecycle over the production adapters', (profile) => {
  const sample = onboardingSample(profile.tier);
  const { tenantId } = sample.detail;
  const names = resourceNames(tenantId, 'tf');
  const name = names.serviceName;
  const tgName = names.targetGroupName;
  const cluster = profile.ownCluster ? name : SHARED_CLUSTER;

  it('onboards: the exact AWS calls, the ACTIVE map item and provisionSuccess', async () => {
    // Prepare
    const execution = `onb-${profile.tier}-1`;

    // Act
    const result = await flow.run('onboarding', sample, execution);

    // Assess
    expect(result.status).toBe('succeeded');
    expect(trace(flow.world)).toEqual(onboardingTrace(profile.ownCluster));
    if (profile.ownCluster) {
      expect(mocks.ecs.commandCalls(CreateClusterCommand)[0]?.args[0].input).toEqual({
        clusterName: name,
        capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
        defaultCapacityProviderStrategy: [
          { capacityProvider: 'FARGATE', base: 1, weight: 1 },
          { capacityProvider: 'FARGATE_SPOT', weight: 1 },
        ],
        settings: [{ name: 'containerInsights', value: 'enabled' }],
        tags: ecsTags(tenantId, profile.tier),
      });
    } else {
      expect(mocks.ecs).not.toHaveReceivedCommand(CreateClusterCommand);
    }
    expect(mocks.ecs.commandCalls(RegisterTaskDefinitionCommand)[0]?.args[0].input).toEqual({
      family: name,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: profile.cpu,
      memory: profile.memory,
      executionRoleArn: EXECUTION_ROLE_ARN,
      taskRoleArn: TASK_ROLE_ARN,
      containerDefinitions: [
        {
          name: 'app',
          image: IMAGE,
          essential: true,
          portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
          environment: [
            { name: 'TENANT_ID', value: tenantId },
            { name: 'TENANT_TIER', value: profile.tier },
          ],
          logConfiguration: {
            logDriver: 'awslogs',
            options: {
              'awslogs-group': LOG_GROUP,
              'awslogs-region': 'us-east-1',
              'awslogs-stream-prefix': tenantId,
            },
          },
        },
      ],
      tags: [
        ...ecsTags(tenantId, profile.tier),
        { key: 'tenantflow:spec-hash', value: expect.stringMatching(/^[0-9a-f]{16}$/) },
      ],
    });
    expect(mocks.elb).toHaveReceivedCommandExactlyOnceWith(CreateTargetGroupCommand, {
      Name: tgName,
      Protocol: 'HTTP',
      Port: 8080,
      VpcId: VPC_ID,
      TargetType: 'ip',
      HealthCheckProtocol: 'HTTP',
      HealthCheckPort: 'traffic-port',
      HealthCheckPath: '/health',
      // The catalogue's tuned defaults (the tier names none): healthy after two checks 5 s apart.
      HealthCheckIntervalSeconds: 5,
      HealthCheckTimeoutSeconds: 4,
      HealthyThresholdCount: 2,
      UnhealthyThresholdCount: 2,
      Matcher: { HttpCode: '200-399' },
      Tags: elbTags(tenantId, profile.tier),
    });
    const [group] = flow.world.targetGroups.filter((candidate) => candidate.name === tgName);
    expect(
      mocks.elb.commandCalls(ModifyTargetGroupAttributesCommand).map((call) => call.args[0].input),
    ).toEqual([
      {
        TargetGroupArn: group?.arn,
        Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }],
      },
    ]);
    expect(group?.drainSeconds).toBe(30);
    const [rule] = flow.world.rules.filter((candidate) => candidate.headerValues.includes(tenantId));
    expect(mocks.elb.commandCalls(CreateRuleCommand)[0]?.args[0].input).toEqual({
      ListenerArn: LISTENER_ARN,
      // priority 1 is held by an earlier tenant's rule: the lowest free one is taken
      Priority: 2,
      Conditions: [
        { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'x-tenant-id', Values: [tenantId] } },
      ],
      Actions: [{ Type: 'forward', TargetGroupArn: group?.arn }],
      Tags: elbTags(tenantId, profile.tier),
    });
    expect(mocks.ecs.commandCalls(CreateServiceCommand)[0]?.args[0].input).toEqual({
      cluster,
      serviceName: name,
      taskDefinition: `arn:aws:ecs:us-east-1:111122223333:task-definition/${name}:1`,
      desiredCount: profile.desiredCount,
      // The placement's strategy, from the tier catalogue.
      capacityProviderStrategy: profile.strategy,
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: SUBNETS,
          securityGroups: [SECURITY_GROUP],
          assignPublicIp: 'DISABLED',
        },
      },
      loadBalancers: [{ targetGroupArn: group?.arn, containerName: 'app', containerPort: 8080 }],
      deploymentConfiguration: {
        deploymentCircuitBreaker: { enable: true, rollback: true },
        minimumHealthyPercent: 100,
        maximumPercent: 200,
      },
      healthCheckGracePeriodSeconds: 60,
      clientToken: expect.stringMatching(/^[0-9a-f]{32}$/),
      tags: ecsTags(tenantId, profile.tier),
      propagateTags: 'SERVICE',
      enableECSManagedTags: true,
    });
    const resources = {
      ...(profile.ownCluster
        ? { cluster: { name, arn: `arn:aws:ecs:us-east-1:111122223333:cluster/${name}` } }
        : {}),
      taskDefinition: { family: name, arn: `arn:aws:ecs:us-east-1:111122223333:task-definition/${name}:1` },
      targetGroup: { name: tgName, arn: group?.arn },
      listenerRule: { listenerArn: LISTENER_ARN, arn: rule?.arn, priority: 2 },
      service: { cluster, name, arn: `arn:aws:ecs:us-east-1:111122223333:service/${cluster}/${name}` },
    };
    const item = await flow.item(tenantId);
    expect(item).toMatchObject({
      lifecycleStatus: 'ACTIVE',
      active: true,
      placement: {
        tier: profile.tier,
        cluster: profile.ownCluster ? 'dedicated' : 'shared',
        service: 'own',
        cpu: profile.cpu,
        memory: profile.memory,
        desiredCount: profile.desiredCount,
        healthCheckPath: '/health',
      },
      resources,
    });
    expect(item?.resources).toEqual(resources);
    expect(item?.routing).toEqual({
      mode: 'silo',
      clusterName: cluster,
      serviceName: name,
      targetGroupArn: group?.arn,
      tenantHeader: tenantId,
      loadBalancerDns: LOAD_BALANCER_DNS,
    });
    expect(item).not.toHaveProperty('lock');
    expect(item?.history).toEqual(
      historyOf('onboard', execution, [...(profile.ownCluster ? ['CreateCluster'] : []), ...FORWARD_STEPS]),
    );
    const tenantConfig = JSON.stringify({
      tier: profile.tier,
      routing: {
        mode: 'silo',
        headerName: 'x-tenant-id',
        headerValue: tenantId,
        listenerRulePriority: 2,
        loadBalancerDns: LOAD_BALANCER_DNS,
      },
      cluster,
      service: name,
      targetGroupArn: group?.arn,
    });
    expect(flow.published()).toEqual([successEvent(sample, 'provision', { tenantConfig })]);
  });

  it('offboards: deletes what onboarding created in reverse order, leaves a DELETED tombstone', async () => {
    // Prepare
    await flow.run('onboarding', sample, `onb-${profile.tier}-1`);
    const created = effects(flow.world, 'created');
    flow.world.log.length = 0;
    mocks.eventbridge.resetHistory();

    // Act
    const result = await flow.run('offboarding', offboardingFor(sample), `off-${profile.tier}-1`);

    // Assess
    expect(result.status).toBe('succeeded');
    // Every deletion first looks at whose the resource is: only one tagged as the tenant's goes.
    expect(trace(flow.world)).toEqual([
      'CFN.DescribeStacks',
      'ECS.DescribeServices',
      'ECS.DeleteService',
      'ELB.DescribeRules',
      'ELB.DescribeTags',
      'ELB.DeleteRule',
      'ELB.DescribeTargetGroups',
      'ELB.DescribeTags',
      'ELB.DeleteTargetGroup',
      'ECS.ListTaskDefinitions',
      'ECS.DescribeTaskDefinition',
      'ECS.DeregisterTaskDefinition',
      'ECS.ListTaskDefinitions',
      'ECS.DeleteTaskDefinitions',
      ...(profile.ownCluster ? ['ECS.DescribeClusters', 'ECS.DeleteCluster'] : []),
      'EVB.PutEvents',
    ]);
    expect(flow.world.log[1]?.input).toEqual({ cluster, services: [name], include: ['TAGS'] });
    expect(flow.world.log[2]?.input).toEqual({ cluster, service: name, force: true });
    expect(flow.world.log[13]?.input).toEqual({
      taskDefinitions: [`arn:aws:ecs:us-east-1:111122223333:task-definition/${name}:1`],
    });
    expect(effects(flow.world, 'deleted')).toEqual([...created].reverse());
    expect(leftovers(flow.world)).toEqual([]);
    const item = await flow.item(tenantId);
    expect(item).toMatchObject({ lifecycleStatus: 'DELETED', active: false, resources: {} });
    expect(item).not.toHaveProperty('routing');
    expect(item).not.toHaveProperty('lock');
    expect(item?.history).toEqual([
      ...historyOf('onboard', `onb-${profile.tier}-1`, [
        ...(profile.ownCluster ? ['CreateCluster'] : []),
        ...FORWARD_STEPS,
      ]),
      ...historyOf('offboard', `off-${profile.tier}-1`, [
        'DeleteService',
        'DeleteListenerRule',
        'DeleteTargetGroup',
        'DeregisterTaskDefinition',
        ...(profile.ownCluster ? ['DeleteCluster'] : []),
        'RemoveTenant',
      ]),
    ]);
    expect(flow.published()).toEqual([successEvent(sample, 'deprovision', {})]);
  });
});
