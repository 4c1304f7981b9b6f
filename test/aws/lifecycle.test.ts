/**
 * Every saga of every tier through `--target aws` (the real SDK clients and adapters, the sagas on
 * the in-process interpreter) against moto: what exists after each operation, what the status events
 * say, and that nothing tenantflow made is left after the offboardings.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import {
  CreateTargetGroupCommand,
  DeleteTargetGroupCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { awsExecutionsSchema, inventorySchema, shardRunSchema } from '../../src/cli/json-output.ts';
import { loadConfig } from '../../src/config.ts';
import { deployedStateMachineName } from '../../src/domain/deployment.ts';
import type { Operation } from '../../src/domain/operations.ts';
import type { TenantRecord } from '../../src/domain/tenant-record.ts';
import {
  type Clients,
  cli,
  clientsFor,
  deploy,
  newTenant,
  REGION,
  SBT_BUS,
  STAGE,
  sbtEvent,
  startDeployedExecution,
  startTargetRegistrar,
  type Tenant,
} from './fixture.ts';

const endpoint = inject('motoEndpoint');
const contract = loadConfig({ SBT_EVENT_BUS: SBT_BUS }).contract;

let clients: Clients;
let outputs: Map<string, string>;
let stopRegistrar: () => Promise<void>;
let work: string;

interface ReplayLine {
  outcome: string;
  tenantId: string;
  statusEvent?: {
    'detail-type': string;
    detail: { tenantRegistrationId: string; jobOutput?: unknown };
  } | null;
}

const tenants = {
  basic: newTenant('basic'),
  advanced: newTenant('advanced'),
  premium: newTenant('premium'),
};

/** Replays `events` (one file) through `--target aws`; returns each event's JSON result. */
const replay = async (events: unknown[], extra: string[] = []): Promise<ReplayLine[]> => {
  const file = join(work, `events-${Date.now()}-${Math.random().toString(16).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(events));
  const run = await cli(endpoint, join(work, 'state'), [
    'replay',
    file,
    '--sbt-bus',
    SBT_BUS,
    '--json',
    ...extra,
  ]);
  expect(run.code, run.stderr).toBe(0);
  return run.json as ReplayLine[];
};

const status = async (tenant: Tenant): Promise<TenantRecord> => {
  const run = await cli(endpoint, join(work, 'state'), ['status', tenant.tenantId, '--json']);
  expect(run.code, run.stderr).toBe(0);
  return run.json[0] as TenantRecord;
};

const expectAnswered = (
  line: ReplayLine | undefined,
  tenant: Tenant,
  operation: Operation,
  outcome: 'success' | 'failure',
) => {
  expect(line?.outcome).toBe(outcome === 'success' ? 'succeeded' : 'failed');
  expect(line?.statusEvent?.['detail-type']).toBe(contract.outbound[operation][outcome]);
  expect(line?.statusEvent?.detail.tenantRegistrationId).toBe(tenant.registrationId);
};

const serviceOf = async (record: TenantRecord) => {
  const service = record.resources.service;
  if (!service) return undefined;
  const found = await clients.ecs.send(
    new DescribeServicesCommand({ cluster: service.cluster, services: [service.name] }),
  );
  return found.services?.find((item) => item.status === 'ACTIVE');
};

/** The tenant's resources tenantflow's inventory (the Tagging API, managed-by tag) finds. */
const taggedFor = async (tenant: Tenant) => {
  const run = await cli(endpoint, join(work, 'state'), ['inventory', '--json']);
  expect(run.code, run.stderr).toBe(0);
  expect(inventorySchema.safeParse(run.json[0]).error?.issues).toBeUndefined();
  const { resources } = run.json[0] as { resources: Array<{ type: string; arn: string; tenantId?: string }> };
  return resources.filter((item) => item.tenantId === tenant.tenantId);
};

beforeAll(async () => {
  clients = clientsFor(endpoint);
  outputs = await deploy(clients);
  stopRegistrar = startTargetRegistrar(clients, outputs.get('PooledTargetGroupArn') ?? '');
  work = mkdtempSync(join(tmpdir(), 'tenantflow-aws-'));
});

afterAll(async () => {
  await stopRegistrar?.();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('tenantflow --target aws against moto', () => {
  it('onboards a tenant of every tier: resources made, record written, success sent', async () => {
    const results = await replay([
      sbtEvent('onboard', tenants.basic),
      sbtEvent('onboard', tenants.advanced),
      sbtEvent('onboard', tenants.premium),
    ]);

    expect(results).toHaveLength(3);
    expectAnswered(results[0], tenants.basic, 'onboard', 'success');
    expectAnswered(results[1], tenants.advanced, 'onboard', 'success');
    expectAnswered(results[2], tenants.premium, 'onboard', 'success');
    // A stack of two load balancer shards: the tenants fill the first, and SBT hears its DNS name.
    expect(outputs.get('Shard2ListenerArn')).toMatch(/^arn:aws:elasticloadbalancing:/);
    for (const result of results) {
      const detail = result.statusEvent?.detail as { jobOutput?: { tenantData?: { tenantConfig?: string } } };
      const config = JSON.parse(detail?.jobOutput?.tenantData?.tenantConfig ?? '{}');
      expect(config.routing?.loadBalancerDns).toBe(outputs.get('LoadBalancerDnsName'));
    }

    const basic = await status(tenants.basic);
    expect(basic).toMatchObject({
      lifecycleStatus: 'ACTIVE',
      placement: { tier: 'basic', service: 'pooled' },
    });
    expect(basic.resources).toEqual({});

    const listener = outputs.get('ListenerArn') ?? '';
    const rules = (await clients.elb.send(new DescribeRulesCommand({ ListenerArn: listener }))).Rules ?? [];
    for (const tenant of [tenants.advanced, tenants.premium]) {
      const record = await status(tenant);
      expect(record.lifecycleStatus).toBe('ACTIVE');
      expect(record.placement?.tier).toBe(tenant.tier);
      const service = await serviceOf(record);
      expect(service?.desiredCount).toBe(tenant.tier === 'premium' ? 2 : 1);
      expect(service?.loadBalancers?.[0]?.targetGroupArn).toBe(record.resources.targetGroup?.arn);
      // (moto 5.2.1 keeps no healthCheckGracePeriodSeconds: the flow tests hold CreateService's input.)
      // The catalogue's tuned health check and drain (the bundled tiers name none of their own).
      const groupArn = record.resources.targetGroup?.arn ?? '';
      const group = (await clients.elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [groupArn] })))
        .TargetGroups?.[0];
      expect(group).toMatchObject({
        HealthCheckIntervalSeconds: 5,
        HealthCheckTimeoutSeconds: 4,
        HealthyThresholdCount: 2,
        UnhealthyThresholdCount: 2,
        Matcher: { HttpCode: '200-399' },
      });
      const attributes = await clients.elb.send(
        new DescribeTargetGroupAttributesCommand({ TargetGroupArn: groupArn }),
      );
      expect(attributes.Attributes).toContainEqual({
        Key: 'deregistration_delay.timeout_seconds',
        Value: '30',
      });
      const rule = rules.find((item) => item.RuleArn === record.resources.listenerRule?.arn);
      expect(rule?.Conditions?.[0]?.HttpHeaderConfig?.Values).toEqual([tenant.tenantId]);
      // ELBv2 answers a single-group forward with TargetGroupArn, ForwardConfig or both.
      const action = rule?.Actions?.[0];
      expect(action?.TargetGroupArn ?? action?.ForwardConfig?.TargetGroups?.[0]?.TargetGroupArn).toBe(
        record.resources.targetGroup?.arn,
      );
    }
    const premium = await status(tenants.premium);
    expect(premium.resources.cluster?.name).toBeDefined();
    expect(premium.resources.service?.cluster).toBe(premium.resources.cluster?.name);
    const cluster = await clients.ecs.send(
      new DescribeClustersCommand({ clusters: [premium.resources.cluster?.name ?? ''] }),
    );
    expect(cluster.clusters?.[0]?.status).toBe('ACTIVE');
  });

  it('lists the tenants and finds their resources by tenantflow tags', async () => {
    const run = await cli(endpoint, join(work, 'state'), ['list', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const ids = (run.json[0] as TenantRecord[]).map((record) => record.tenantId);
    expect(ids).toEqual(expect.arrayContaining(Object.values(tenants).map((tenant) => tenant.tenantId)));

    const premium = await status(tenants.premium);
    const found = (await taggedFor(tenants.premium)).map((item) => item.arn);
    expect(found).toEqual(
      expect.arrayContaining(
        [
          premium.resources.cluster?.arn,
          premium.resources.service?.arn,
          premium.resources.taskDefinition?.arn,
        ].filter((arn): arn is string => arn !== undefined),
      ),
    );
  });

  it('deactivates and activates the advanced tenant: its service scaled to 0 and back', async () => {
    const [off] = await replay([sbtEvent('deactivate', tenants.advanced)]);
    expectAnswered(off, tenants.advanced, 'deactivate', 'success');
    expect((await status(tenants.advanced)).lifecycleStatus).toBe('INACTIVE');
    expect((await serviceOf(await status(tenants.advanced)))?.desiredCount).toBe(0);

    const [on] = await replay([sbtEvent('activate', tenants.advanced)]);
    expectAnswered(on, tenants.advanced, 'activate', 'success');
    expect((await status(tenants.advanced)).lifecycleStatus).toBe('ACTIVE');
    expect((await serviceOf(await status(tenants.advanced)))?.desiredCount).toBe(1);
  });

  it('migrates the basic tenant to advanced: its own service, rule and record', async () => {
    const run = await cli(endpoint, join(work, 'state'), [
      'migrate',
      tenants.basic.tenantId,
      '--to',
      'advanced',
      '--sbt-bus',
      SBT_BUS,
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expectAnswered(run.json[0] as ReplayLine, tenants.basic, 'migrate', 'success');
    const record = await status(tenants.basic);
    expect(record).toMatchObject({
      lifecycleStatus: 'ACTIVE',
      placement: { tier: 'advanced', service: 'own' },
    });
    expect(record.migration).toBeUndefined();
    expect((await serviceOf(record))?.status).toBe('ACTIVE');
    tenants.basic.tier = 'advanced';
  });

  it('rolls a release out to the advanced tier: each service on its new revision, the old one gone', async () => {
    const advanced = [tenants.advanced, tenants.basic];
    // One at a time: a state dir serves one process at once.
    const before: TenantRecord[] = [];
    for (const tenant of advanced) before.push(await status(tenant));

    const run = await cli(endpoint, join(work, 'state'), [
      'update',
      '--tier',
      'advanced',
      '--image',
      'public.ecr.aws/nginx/nginx:1.27',
      '--wave',
      '1,100%',
      '--sbt-bus',
      SBT_BUS,
      '--json',
    ]);

    expect(run.code, run.stderr).toBe(0);
    expect(run.json[0]).toMatchObject({ status: 'completed', updated: 2, rolledBack: 0 });
    for (const [index, tenant] of advanced.entries()) {
      const record = await status(tenant);
      expect(record).toMatchObject({
        lifecycleStatus: 'ACTIVE',
        release: { version: '1.27', image: 'public.ecr.aws/nginx/nginx:1.27' },
      });
      const revision = record.resources.taskDefinition;
      expect(revision?.arn).not.toBe(before[index]?.resources.taskDefinition?.arn);
      expect((await serviceOf(record))?.taskDefinition).toBe(revision?.arn);
      const active = await clients.ecs.send(
        new ListTaskDefinitionsCommand({ familyPrefix: revision?.family, status: 'ACTIVE' }),
      );
      expect(active.taskDefinitionArns).toEqual([revision?.arn]);
      const described = await clients.ecs.send(
        new DescribeTaskDefinitionCommand({ taskDefinition: revision?.arn }),
      );
      expect(described.taskDefinition?.containerDefinitions?.[0]?.image).toBe(
        'public.ecr.aws/nginx/nginx:1.27',
      );
    }
  });

  it("rolls a release out to the basic tier: the shared stack's pooled service on a revision of its family", async () => {
    const cluster = outputs.get('ClusterName') ?? '';
    const pooled = outputs.get('PooledServiceName') ?? '';
    const stackRevision = (
      await clients.ecs.send(new DescribeServicesCommand({ cluster, services: [pooled] }))
    ).services?.[0]?.taskDefinition;

    const run = await cli(endpoint, join(work, 'state'), [
      'update',
      '--tier',
      'basic',
      '--image',
      'public.ecr.aws/nginx/nginx:1.27',
      '--sbt-bus',
      SBT_BUS,
      '--json',
    ]);

    expect(run.code, run.stderr).toBe(0);
    expect(run.json[0]).toMatchObject({ status: 'completed', pooled: true, rolledBack: 0 });
    const service = (await clients.ecs.send(new DescribeServicesCommand({ cluster, services: [pooled] })))
      .services?.[0];
    expect(service?.taskDefinition).not.toBe(stackRevision);
    const described = await clients.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: service?.taskDefinition, include: ['TAGS'] }),
    );
    expect(described.taskDefinition?.containerDefinitions?.[0]?.image).toBe(
      'public.ecr.aws/nginx/nginx:1.27',
    );
    expect(described.tags).toContainEqual({ key: 'tenantflow:release', value: '1.27' });
    // The stack's own revision stays (CloudFormation's), beside the release's.
    const active = await clients.ecs.send(
      new ListTaskDefinitionsCommand({ familyPrefix: described.taskDefinition?.family, status: 'ACTIVE' }),
    );
    expect(active.taskDefinitionArns).toEqual(
      expect.arrayContaining([stackRevision, service?.taskDefinition]),
    );
  });

  it('undoes a failed onboarding on the real API (failure sent, nothing left), then a retry onboards it', async () => {
    const doomed = newTenant('advanced');
    const [result] = await replay([sbtEvent('onboard', doomed)], ['--fault', 'CreateService:fatal']);
    expectAnswered(result, doomed, 'onboard', 'failure');
    expect((await status(doomed)).lifecycleStatus).toBe('FAILED');
    expect(await taggedFor(doomed)).toEqual([]);
    const groups = await clients.elb.send(new DescribeTargetGroupsCommand({}));
    expect(
      (groups.TargetGroups ?? []).filter((group) =>
        group.TargetGroupName?.includes(doomed.tenantId.slice(0, 8)),
      ),
    ).toEqual([]);
    // The control plane's retry, as an operator starts it: the recorded registration, a new execution.
    const retried = await cli(endpoint, join(work, 'state'), [
      'retry',
      doomed.tenantId,
      '--sbt-bus',
      SBT_BUS,
      '--json',
    ]);
    expect(retried.code, retried.stderr).toBe(0);
    expectAnswered(retried.json[0] as ReplayLine, doomed, 'onboard', 'success');
    const record = await status(doomed);
    expect(record.lifecycleStatus).toBe('ACTIVE');
    expect((await serviceOf(record))?.status).toBe('ACTIVE');
    const [cleared] = await replay([sbtEvent('offboard', doomed)]);
    expectAnswered(cleared, doomed, 'offboard', 'success');
    expect(await taggedFor(doomed)).toEqual([]);
  });

  it('holds the records against the cloud: no drift', async () => {
    const run = await cli(endpoint, join(work, 'state'), ['reconcile', '--json']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect((run.json[0] as { drifts: unknown[] }).drifts).toEqual([]);
  });

  it('finds a service deleted behind its back and recreates it with --repair', async () => {
    const record = await status(tenants.premium);
    const service = record.resources.service;
    if (!service) throw new Error('the premium tenant has no service');
    await clients.ecs.send(
      new DeleteServiceCommand({ cluster: service.cluster, service: service.name, force: true }),
    );

    const found = await cli(endpoint, join(work, 'state'), ['reconcile', '--json']);
    const repaired = await cli(endpoint, join(work, 'state'), ['reconcile', '--repair', '--json']);
    const after = await cli(endpoint, join(work, 'state'), ['reconcile', '--json']);

    expect(found.code).toBe(1);
    expect(
      (found.json[0] as { drifts: Array<{ kind: string; resource: string; tenantId: string }> }).drifts,
    ).toEqual([
      expect.objectContaining({ kind: 'missing', resource: 'service', tenantId: tenants.premium.tenantId }),
    ]);
    expect(repaired.code, repaired.stdout + repaired.stderr).toBe(0);
    expect(after.code, after.stdout + after.stderr).toBe(0);
    expect((await serviceOf(await status(tenants.premium)))?.status).toBe('ACTIVE');
  });

  it("lists the deployed stage's Step Functions executions beside the ones run here", async () => {
    await startDeployedExecution(clients, 'started-by-the-suite');
    const run = await cli(endpoint, join(work, 'state'), ['executions', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(awsExecutionsSchema.safeParse(run.json[0]).error?.issues).toBeUndefined();
    const { deployed, inProcess } = run.json[0] as {
      deployed: Array<{ name: string; machine: string }>;
      inProcess: Array<{ name: string; machine: string; status: string }>;
    };
    expect(deployed).toContainEqual(
      expect.objectContaining({ name: 'started-by-the-suite', machine: 'onboarding' }),
    );
    expect(
      inProcess.filter((entry) => entry.machine === 'onboarding' && entry.status === 'SUCCEEDED').length,
    ).toBeGreaterThanOrEqual(3);
  });

  it('refuses to run a saga in this process unless asked, where the stage has no deployed function', async () => {
    // Prepare
    const file = join(work, 'refused.json');
    writeFileSync(file, JSON.stringify([sbtEvent('onboard', newTenant('advanced'))]));

    // Act
    const run = await cli(endpoint, join(work, 'state'), ['replay', file, '--sbt-bus', SBT_BUS, '--no-wait']);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`stage ${STAGE} has no deployed function tenantflow-${STAGE}-step here`);
    expect(run.stderr).toContain('--in-process');
  });

  it('aborts an execution of the deployed stage from a machine that did not start it', async () => {
    // Prepare
    await startDeployedExecution(clients, 'to-be-stopped');
    const elsewhere = join(work, 'another-machine');

    // Act
    const stopped = await cli(endpoint, elsewhere, ['abort', 'to-be-stopped', '--json']);
    const again = await cli(endpoint, elsewhere, ['abort', 'to-be-stopped', '--json']);
    const unknown = await cli(endpoint, elsewhere, ['abort', 'nobody-started-this']);

    // Assess
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.json[0]).toMatchObject({ execution: 'to-be-stopped', status: 'ABORTED' });
    const arn = `arn:aws:states:${REGION}:123456789012:execution:${deployedStateMachineName(STAGE, 'onboarding')}:to-be-stopped`;
    expect((await clients.sfn.send(new DescribeExecutionCommand({ executionArn: arn }))).status).toBe(
      'ABORTED',
    );
    expect(again.code).toBe(1);
    expect(again.json[0]).toMatchObject({ status: 'ABORTED', detail: 'not running: it ended ABORTED' });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`no execution nobody-started-this on stage ${STAGE}'s state machines`);
  });

  it('offboards every tenant and leaves nothing tenantflow made', async () => {
    const before: TenantRecord[] = [];
    for (const tenant of Object.values(tenants)) before.push(await status(tenant));
    const results = await replay(Object.values(tenants).map((tenant) => sbtEvent('offboard', tenant)));
    Object.values(tenants).forEach((tenant, index) => {
      expectAnswered(results[index], tenant, 'offboard', 'success');
    });
    for (const tenant of Object.values(tenants)) {
      expect((await status(tenant)).lifecycleStatus).toBe('DELETED');
      expect(await taggedFor(tenant)).toEqual([]);
    }
    for (const record of before) expect(await serviceOf(record)).toBeUndefined();
    const premiumCluster = before.find((record) => record.resources.cluster)?.resources.cluster?.name ?? '';
    const cluster = await clients.ecs.send(new DescribeClustersCommand({ clusters: [premiumCluster] }));
    expect(cluster.clusters?.find((item) => item.status === 'ACTIVE')).toBeUndefined();
    const listener = outputs.get('ListenerArn') ?? '';
    const rules = (await clients.elb.send(new DescribeRulesCommand({ ListenerArn: listener }))).Rules ?? [];
    const ruleArns = before.flatMap((record) =>
      record.resources.listenerRule ? [record.resources.listenerRule.arn] : [],
    );
    expect(rules.filter((rule) => ruleArns.includes(rule.RuleArn ?? ''))).toEqual([]);
    // moto's tagging API lists no rules and may lag on groups: each recorded group is asked for by ARN.
    const groupArns = before.flatMap((record) =>
      record.resources.targetGroup ? [record.resources.targetGroup.arn] : [],
    );
    expect(groupArns.length).toBeGreaterThan(0);
    const groups = (await clients.elb.send(new DescribeTargetGroupsCommand({}))).TargetGroups ?? [];
    expect(groups.filter((group) => groupArns.includes(group.TargetGroupArn ?? ''))).toEqual([]);
  });

  it('adds a load balancer shard (shards add): an internet-facing ALB in the public subnets with its 404 listener, recorded', async () => {
    // Act
    const run = await cli(endpoint, join(work, 'state'), ['shards', 'add', '--reason', 'moto', '--json']);

    // Assess
    expect(run.code, run.stderr).toBe(0);
    const parsed = shardRunSchema.safeParse(run.json[0]);
    expect(parsed.error?.issues).toBeUndefined();
    expect([parsed.data?.status, parsed.data?.outcome, parsed.data?.shard]).toEqual([
      'SUCCEEDED',
      'added',
      'tf-shard-7',
    ]);
    const added = parsed.data?.shards.find((shard) => shard.source === 'added');
    const found = await clients.elb.send(new DescribeLoadBalancersCommand({ Names: ['tf-shard-7'] }));
    const lb = found.LoadBalancers?.[0];
    expect(lb?.Scheme).toBe('internet-facing');
    expect(lb?.DNSName).toBe(added?.dnsName);
    expect([...(lb?.AvailabilityZones ?? []).map((zone) => zone.SubnetId)].sort()).toEqual(
      (outputs.get('PublicSubnetIds') ?? '').split(',').sort(),
    );
    expect(lb?.SecurityGroups).toEqual([outputs.get('LoadBalancerSecurityGroupId')]);
    const listeners = await clients.elb.send(
      new DescribeListenersCommand({ LoadBalancerArn: lb?.LoadBalancerArn }),
    );
    expect(
      listeners.Listeners?.map((listener) => [
        listener.ListenerArn,
        listener.Port,
        listener.DefaultActions?.[0]?.FixedResponseConfig?.StatusCode,
      ]),
    ).toEqual([[added?.listenerArn, 80, '404']]);
    const tags = await clients.elb.send(
      new DescribeTagsCommand({ ResourceArns: [lb?.LoadBalancerArn ?? ''] }),
    );
    expect(tags.TagDescriptions?.[0]?.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'tenantflow:managed-by', Value: 'tenantflow' },
        { Key: 'tenantflow:shard', Value: '7' },
      ]),
    );
  });

  it('a tenant of three services (suite): made, reconciled after a companion was deleted, migrated to one service and back, offboarded leaving nothing', async () => {
    // Onboarding: the web service behind the route, orders and products beside it.
    const suite = newTenant('suite');
    const [made] = await replay([sbtEvent('onboard', suite)]);
    expectAnswered(made, suite, 'onboard', 'success');
    const record = await status(suite);
    const companions = record.resources.companions?.services ?? {};
    expect(Object.keys(companions)).toEqual(['orders', 'products']);
    for (const companion of Object.values(companions)) {
      const found = await clients.ecs.send(
        new DescribeServicesCommand({ cluster: companion.cluster, services: [companion.name] }),
      );
      const service = found.services?.[0];
      expect([service?.status, service?.desiredCount, service?.taskDefinition]).toEqual([
        'ACTIVE',
        1,
        companion.taskDefinitionArn,
      ]);
      expect(service?.loadBalancers ?? []).toEqual([]);
    }
    const arns = (await taggedFor(suite)).map((item) => item.arn).sort();
    expect(arns).toEqual(
      expect.arrayContaining(
        Object.values(companions).flatMap((companion) => [companion.arn, companion.taskDefinitionArn]),
      ),
    );

    // A companion deleted by hand: missing, then made again on the same revision.
    const orders = companions.orders;
    if (!orders) throw new Error('no orders companion');
    await clients.ecs.send(
      new DeleteServiceCommand({ cluster: orders.cluster, service: orders.name, force: true }),
    );
    const found = await cli(endpoint, join(work, 'state'), [
      'reconcile',
      '--tenant',
      suite.tenantId,
      '--json',
    ]);
    expect(found.code).toBe(1);
    expect((found.json[0] as { drifts: Array<{ kind: string; resource: string }> }).drifts).toEqual([
      expect.objectContaining({ kind: 'missing', resource: 'companions' }),
    ]);
    const repaired = await cli(endpoint, join(work, 'state'), [
      'reconcile',
      '--tenant',
      suite.tenantId,
      '--repair',
      '--json',
    ]);
    expect(repaired.code, repaired.stdout + repaired.stderr).toBe(0);
    const again = await status(suite);
    expect(again.resources.companions?.services.orders?.taskDefinitionArn).toBe(orders.taskDefinitionArn);

    // To a one-service tier and back: the companions go, then come again.
    const migrate = async (to: string) => {
      const run = await cli(endpoint, join(work, 'state'), [
        'migrate',
        suite.tenantId,
        '--to',
        to,
        '--sbt-bus',
        SBT_BUS,
        '--json',
      ]);
      expect(run.code, run.stderr).toBe(0);
      expectAnswered(run.json[0] as ReplayLine, suite, 'migrate', 'success');
    };
    await migrate('advanced');
    const one = await status(suite);
    expect([one.placement?.tier, one.resources.companions]).toEqual(['advanced', undefined]);
    const left = (await taggedFor(suite)).map((item) => item.arn);
    for (const companion of Object.values(companions)) expect(left).not.toContain(companion.arn);
    await migrate('suite');
    expect(Object.keys((await status(suite)).resources.companions?.services ?? {})).toEqual([
      'orders',
      'products',
    ]);

    // Offboarding: nothing tenantflow made for it is left.
    const [gone] = await replay([sbtEvent('offboard', suite, 'suite')]);
    expectAnswered(gone, suite, 'offboard', 'success');
    expect(await taggedFor(suite)).toEqual([]);
  });

  it("the suite's target registrar stands in for ECS only where ECS could: a binding to a port the task does not map gets no target", async () => {
    // Prepare: one task definition mapping port 80, and two services on it, bound to port 80 and 8080.
    const cluster = outputs.get('ClusterName') ?? '';
    const registered = await clients.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'registrar-check',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'app', image: 'nginx', portMappings: [{ containerPort: 80 }] }],
      }),
    );
    const group = async (name: string) =>
      (
        await clients.elb.send(
          new CreateTargetGroupCommand({
            Name: name,
            Protocol: 'HTTP',
            Port: 80,
            VpcId: outputs.get('VpcId'),
            TargetType: 'ip',
          }),
        )
      ).TargetGroups?.[0]?.TargetGroupArn ?? '';
    const wired = await group('registrar-wired');
    const miswired = await group('registrar-miswired');
    for (const [name, targetGroupArn, containerPort] of [
      ['registrar-wired', wired, 80],
      ['registrar-miswired', miswired, 8080],
    ] as const)
      await clients.ecs.send(
        new CreateServiceCommand({
          cluster,
          serviceName: name,
          taskDefinition: registered.taskDefinition?.taskDefinitionArn,
          desiredCount: 1,
          loadBalancers: [{ targetGroupArn, containerName: 'app', containerPort }],
        }),
      );

    // Act: the registrar sweeps every 100 ms.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const targets = async (arn: string) =>
      (
        (await clients.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn })))
          .TargetHealthDescriptions ?? []
      ).length;
    const found = { wired: await targets(wired), miswired: await targets(miswired) };
    for (const service of ['registrar-wired', 'registrar-miswired'])
      await clients.ecs.send(new DeleteServiceCommand({ cluster, service, force: true }));
    for (const arn of [wired, miswired])
      await clients.elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: arn }));

    // Assess
    expect(found).toEqual({ wired: 1, miswired: 0 });
  });
});
