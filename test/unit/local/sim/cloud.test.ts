import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CloudFormationServiceException, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  ClusterNotFoundException,
  CreateClusterCommand,
  DescribeServicesCommand,
  ECSServiceException,
  ListServicesCommand,
} from '@aws-sdk/client-ecs';
import {
  CreateTargetGroupCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2ServiceException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedCloud } from '../../../../src/local/sim/index.ts';
import { createAppService, registerApp, routedTargetGroup, seed, simulatedAws } from './helpers.ts';

const dirs: string[] = [];
const tempFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'tf-sim-'));
  dirs.push(dir);
  return join(dir, 'nested', 'cloud.json');
};

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('SimulatedCloud: seeding, CloudFormation, inventory', () => {
  it('seeds the shared stack with the exact outputs, once', async () => {
    // Prepare
    const aws = simulatedAws();

    // Act
    const outputs = await seed(aws);
    aws.cloud.seedSharedInfrastructure('tenantflow-shared');
    const stacks = await aws.cfn.send(new DescribeStacksCommand({}));

    // Assess
    expect(Object.keys(outputs).sort()).toEqual(
      [
        'VpcId',
        'PrivateSubnetIds',
        'ServiceSecurityGroupId',
        'PublicSubnetIds',
        'LoadBalancerSecurityGroupId',
        'LoadBalancerArn',
        'ListenerArn',
        'LoadBalancerDnsName',
        'ClusterName',
        'PooledServiceName',
        'PooledTargetGroupArn',
        'TaskExecutionRoleArn',
        'TaskRoleArn',
        'LogGroupName',
        'TenantImage',
        'ContainerPort',
        // Exported for every further shard (the first listener while it is not declared).
        ...[2, 3, 4, 5, 6].map((n) => `Shard${n}ListenerArn`),
      ].sort(),
    );
    expect(outputs.Shard6ListenerArn).toBe(outputs.ListenerArn);
    expect(outputs.ClusterName).toBe('tenantflow-shared');
    expect(outputs.PrivateSubnetIds?.split(',')).toHaveLength(2);
    expect(outputs.PublicSubnetIds?.split(',')).toHaveLength(2);
    expect(outputs.LoadBalancerSecurityGroupId).toMatch(/^sg-[0-9a-f]{17}$/);
    expect(outputs.ContainerPort).toBe('80');
    expect(outputs.TenantImage).toBe('public.ecr.aws/nginx/nginx:stable');
    expect(outputs.VpcId).toMatch(/^vpc-[0-9a-f]{17}$/);
    expect(stacks.Stacks).toHaveLength(1);
    expect(stacks.Stacks?.[0]?.StackStatus).toBe('CREATE_COMPLETE');
  });

  it('fails DescribeStacks for an unknown stack with a ValidationError', async () => {
    // Prepare
    const aws = simulatedAws();

    // Act
    const error = await aws.cfn
      .send(new DescribeStacksCommand({ StackName: 'ghost' }))
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(CloudFormationServiceException);
    expect(error).toHaveProperty('name', 'ValidationError');
    expect(error).toHaveProperty('message', 'Stack with id ghost does not exist');
  });

  it('lists shared resources as shared and tenant resources with their tenant and tier tags', async () => {
    // Prepare
    const aws = simulatedAws();
    const shared = await seed(aws);
    const td = await registerApp(aws);
    const { targetGroupArn } = await routedTargetGroup(aws, 'tf-acme-1234', 5, shared.ListenerArn ?? '');
    await createAppService(aws, 'tenantflow-shared', 'tf-acme', td, targetGroupArn);

    // Act
    const items = aws.cloud.inventory();

    // Assess
    expect(items.find((i) => i.type === 'service' && i.id === 'tenantflow-shared/tf-acme')).toEqual({
      service: 'ecs',
      type: 'service',
      id: 'tenantflow-shared/tf-acme',
      arn: 'arn:aws:ecs:us-east-1:000000000000:service/tenantflow-shared/tf-acme',
      tenantId: 'acme',
      tier: 'advanced',
      status: 'ACTIVE',
    });
    expect(items.find((i) => i.type === 'cluster')).toMatchObject({
      id: 'tenantflow-shared',
      tier: 'shared',
    });
    expect(
      items.find((i) => i.type === 'target-group' && i.id === 'tenantflow-pooled')?.tenantId,
    ).toBeUndefined();
    expect(
      items
        .filter((i) => i.tier === 'shared')
        .map((i) => i.type)
        .sort(),
    ).toEqual(
      [
        'cluster',
        'listener',
        'listener-rule',
        'load-balancer',
        'security-group',
        'service',
        'stack',
        'subnet',
        'subnet',
        'target-group',
        'task-definition',
        'vpc',
      ].sort(),
    );
    expect(aws.cloud.describe()).toMatch(
      /^simulated AWS \(no AWS account\): region us-east-1, account 000000000000, state in memory; 1 cluster, 2 services/,
    );
  });
});

describe('SimulatedCloud: EventBridge', () => {
  it('records each valid entry and fails malformed ones on their own', async () => {
    // Prepare
    const aws = simulatedAws();
    const entries = [
      {
        Source: 'sbt.application.plane',
        DetailType: 'sbt_aws_provisionSuccess',
        Detail: '{"tenantRegistrationId":"r1"}',
        EventBusName: 'sbt-bus',
      },
      { Source: 'sbt.application.plane', DetailType: 'x', Detail: 'not json' },
    ];

    // Act
    const out = await aws.events.send(new PutEventsCommand({ Entries: entries }));

    // Assess
    expect(out.FailedEntryCount).toBe(1);
    expect(out.Entries?.[0]?.EventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    expect(out.Entries?.[1]).toEqual({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
    expect(aws.cloud.publishedEvents()).toEqual([
      {
        source: 'sbt.application.plane',
        detailType: 'sbt_aws_provisionSuccess',
        detail: { tenantRegistrationId: 'r1' },
        eventBusName: 'sbt-bus',
        time: new Date(aws.clock.now()).toISOString(),
      },
    ]);
  });
});

describe('SimulatedCloud: hooks, call log, unsupported commands', () => {
  it('runs hooks before each call; a throwing hook fails the call and is logged; unsubscribing stops it', async () => {
    // Prepare
    const aws = simulatedAws();
    const seen: string[] = [];
    const stop = aws.cloud.onCall((call) => {
      seen.push(`${call.service}:${call.command}`);
      if (call.command === 'CreateCluster')
        throw new ClusterNotFoundException({ message: 'injected', $metadata: {} });
    });

    // Act
    const injected = await aws.ecs
      .send(new CreateClusterCommand({ clusterName: 'a' }))
      .catch((e: unknown) => e);
    stop();
    await aws.ecs.send(new CreateClusterCommand({ clusterName: 'a' }));

    // Assess
    expect(injected).toBeInstanceOf(ClusterNotFoundException);
    expect(seen).toEqual(['ecs:CreateCluster']);
    expect(aws.cloud.calls().map((c) => [c.command, c.error])).toEqual([
      ['CreateCluster', 'ClusterNotFoundException'],
      ['CreateCluster', undefined],
    ]);
    expect(aws.cloud.calls()[0]?.input).toEqual({ clusterName: 'a' });
  });

  it('fails a command it does not implement with an error saying so', async () => {
    // Prepare
    const aws = simulatedAws();

    // Act
    const error = await aws.ecs.send(new ListServicesCommand({})).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ECSServiceException);
    expect(error).toHaveProperty('message', 'simulated AWS does not implement ecs ListServices');
  });

  it('leaves the state untouched when a call fails half-way', async () => {
    // Prepare
    const aws = simulatedAws();
    await aws.elb.send(new CreateTargetGroupCommand({ Name: 'tg', Protocol: 'HTTP', Port: 80, VpcId: 'v' }));
    const before = aws.cloud.inventory();

    // Act
    await aws.elb
      .send(new CreateTargetGroupCommand({ Name: 'tg', Protocol: 'HTTP', Port: 81, VpcId: 'v' }))
      .catch(() => undefined);

    // Assess
    expect(aws.cloud.inventory()).toEqual(before);
  });
});

describe('SimulatedCloud: throttling', () => {
  it('lets ECS CreateCluster burst 20 calls, then throttles with ThrottlingException until a token refills (1/s)', async () => {
    // Prepare
    const aws = simulatedAws({ throttle: true });
    for (let i = 0; i < 20; i += 1) await aws.ecs.send(new CreateClusterCommand({ clusterName: `c${i}` }));

    // Act
    const throttled = await aws.ecs
      .send(new CreateClusterCommand({ clusterName: 'c20' }))
      .catch((e: unknown) => e);
    aws.clock.advance(999);
    const stillThrottled = await aws.ecs
      .send(new CreateClusterCommand({ clusterName: 'c20' }))
      .catch((e: unknown) => e);
    aws.clock.advance(1);
    const refilled = await aws.ecs.send(new CreateClusterCommand({ clusterName: 'c20' }));

    // Assess
    expect(throttled).toBeInstanceOf(ECSServiceException);
    expect(throttled).toHaveProperty('name', 'ThrottlingException');
    expect(stillThrottled).toHaveProperty('name', 'ThrottlingException');
    expect(refilled.cluster?.clusterName).toBe('c20');
  });

  it('throttles an ELBv2 mutating action at 20 then 3/s with the error name Throttling', async () => {
    // Prepare
    const aws = simulatedAws({ throttle: true });
    const create = (i: number) =>
      aws.elb.send(new CreateTargetGroupCommand({ Name: `tg-${i}`, Protocol: 'HTTP', Port: 80, VpcId: 'v' }));
    for (let i = 0; i < 20; i += 1) await create(i);

    // Act
    const throttled = await create(20).catch((e: unknown) => e);
    aws.clock.advance(1000);
    const refill = [];
    for (let i = 21; i < 25; i += 1)
      refill.push(
        await create(i).then(
          () => 'ok',
          (e: unknown) => (e instanceof Error ? e.name : 'x'),
        ),
      );

    // Assess
    expect(throttled).toHaveProperty('name', 'Throttling');
    expect(refill).toEqual(['ok', 'ok', 'ok', 'Throttling']);
  });

  it('shares one account-wide ELBv2 bucket (40, then 10/s) among all ELB calls', async () => {
    // Prepare
    const aws = simulatedAws({ throttle: true });
    const describeAll = () => aws.elb.send(new DescribeTargetGroupsCommand({}));
    for (let i = 0; i < 40; i += 1) await describeAll();

    // Act
    const throttled = await describeAll().catch((e: unknown) => e);
    aws.clock.advance(100);
    const refilled = await describeAll();

    // Assess
    expect(throttled).toBeInstanceOf(ElasticLoadBalancingV2ServiceException);
    expect(throttled).toHaveProperty('name', 'Throttling');
    expect(refilled.TargetGroups).toEqual([]);
  });

  it('does not throttle when throttling is off', async () => {
    // Prepare
    const aws = simulatedAws();

    // Act
    for (let i = 0; i < 30; i += 1) await aws.ecs.send(new CreateClusterCommand({ clusterName: `c${i}` }));

    // Assess
    expect(aws.cloud.inventory().filter((i) => i.type === 'cluster')).toHaveLength(30);
  });
});

describe('SimulatedCloud: persistence', () => {
  it('a second instance on the same file sees the same cloud, with time-based progress from stored instants', async () => {
    // Prepare
    const stateFile = tempFile();
    const first = simulatedAws({ stateFile, serviceStartMs: 300 });
    const shared = await seed(first);
    const td = await registerApp(first);
    const { targetGroupArn } = await routedTargetGroup(first, 'tf-acme-1234', 5, shared.ListenerArn ?? '');
    await createAppService(first, 'tenantflow-shared', 'tf-acme', td, targetGroupArn, 1);

    // Act
    const second = simulatedAws({ stateFile, serviceStartMs: 5000 });
    second.clock.advance(300);
    const out = await second.ecs.send(
      new DescribeServicesCommand({ cluster: 'tenantflow-shared', services: ['tf-acme'] }),
    );
    const outputs = await seed(second);

    // Assess
    expect(out.services?.[0]).toMatchObject({ status: 'ACTIVE', runningCount: 1 });
    expect(outputs).toEqual(shared);
    expect(second.cloud.inventory()).toEqual(first.cloud.inventory());
    // The snapshot and the log of the calls since (no temp file left behind).
    expect(readdirSync(join(stateFile, '..')).sort()).toEqual(['cloud.json', 'cloud.json.log']);
  });

  it('writes the file only when given one', () => {
    // Prepare
    const stateFile = tempFile();
    const memory = simulatedAws();
    memory.cloud.seedSharedInfrastructure('s');

    // Act
    memory.cloud.save();
    const file = simulatedAws({ stateFile });
    file.cloud.save();

    // Assess
    expect(existsSync(stateFile)).toBe(true);
    expect(file.cloud.inventory()).toEqual([]);
  });

  it('refuses a state file that does not parse instead of replacing it', () => {
    // Prepare
    const stateFile = tempFile();
    mkdirSync(dirname(stateFile), { recursive: true });
    writeFileSync(stateFile, JSON.stringify({ version: 1, clusters: 'nope' }));

    // Act
    const build = () => new SimulatedCloud({ stateFile });

    // Assess
    expect(build).toThrow(/simulated AWS state file .* is not valid/);
  });
});
