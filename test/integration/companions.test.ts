/**
 * A tenant of several services on the embedded default: the bundled `suite` tier is a web service
 * behind the tenant's route with two companions (orders, products) beside it. It onboards with every
 * service running, undoes all three after a failure, is reconciled after a companion was deleted by
 * hand, deactivates and activates all three, migrates to a one-service tier and back, and offboards
 * leaving nothing.
 */
import { join } from 'node:path';
import { DeleteServiceCommand, DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedCloud } from '../../src/local/sim/index.ts';
import {
  lifecycleEvent,
  newTenant,
  openWorld,
  removeWorldDirs,
  type TestTenant,
  type World,
} from '../support/reliability/world.ts';

const client = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

const SUITE_TYPES = [
  'listener-rule',
  'service',
  'service',
  'service',
  'target-group',
  'task-definition',
  'task-definition',
  'task-definition',
];
const ADVANCED_TYPES = ['listener-rule', 'service', 'target-group', 'task-definition'];

const typesOf = (world: World, tenantId: string): string[] =>
  world.runtime
    .inventory()
    .filter((item) => item.tenantId === tenantId)
    .map((item) => item.type)
    .sort();

/** The tenant's ECS services as the simulated cloud describes them: name → [desired, running]. */
const servicesOf = async (world: World, tenantId: string): Promise<Record<string, [number, number]>> => {
  const record = await world.runtime.tenant(tenantId);
  const named = [
    record?.resources.service,
    ...Object.values(record?.resources.companions?.services ?? {}),
  ].filter((s): s is { cluster: string; name: string; arn: string } => s !== undefined);
  const sim = new SimulatedCloud({ stateFile: join(world.stateDir, 'cloud.json'), drainMs: 0 });
  const ecs = sim.attach(new ECSClient(client));
  const found: Record<string, [number, number]> = {};
  for (const { cluster, name } of named) {
    const out = await ecs.send(new DescribeServicesCommand({ cluster, services: [name] }));
    const service = out.services?.[0];
    if (service?.serviceName)
      found[service.serviceName] = [service.desiredCount ?? -1, service.runningCount ?? -1];
  }
  return found;
};

describe('a tenant of three services (the suite tier)', () => {
  let world: World;
  const tenant: TestTenant = newTenant('suite');

  beforeAll(async () => {
    world = await openWorld();
  });

  afterAll(async () => {
    await world?.close();
    removeWorldDirs();
  });

  it('onboards with its web service routed and both companions running, each recorded', async () => {
    // Act
    const [result] = await world.send([lifecycleEvent('onboard', tenant)]);
    const record = await world.runtime.tenant(tenant.tenantId);
    const services = await servicesOf(world, tenant.tenantId);

    // Assess
    expect(result?.outcome).toBe('succeeded');
    expect(record?.lifecycleStatus).toBe('ACTIVE');
    expect(Object.keys(record?.resources.companions?.services ?? {})).toEqual(['orders', 'products']);
    const web = record?.resources.service?.name ?? '';
    expect(services).toEqual({
      [web]: [1, 1],
      [`${web}-orders`]: [1, 1],
      [`${web}-products`]: [1, 1],
    });
    expect(typesOf(world, tenant.tenantId)).toEqual(SUITE_TYPES);
    expect(world.runtime.route(tenant.tenantId).targetGroups.every((g) => g.healthy > 0)).toBe(true);
    expect((await world.runtime.reconcile({ repair: false })).drifts).toEqual([]);
    expect((await world.check()).fresh).toEqual([]);
  });

  it('undoes every service, companions included, when the web service cannot be created', async () => {
    // Prepare
    const failing = newTenant('suite');
    world = await world.reopen([{ step: 'CreateService', kind: 'fatal', count: 1 }]);

    // Act
    const [result] = await world.send([lifecycleEvent('onboard', failing)]);
    const record = await world.runtime.tenant(failing.tenantId);

    // Assess
    expect(result?.outcome).toBe('failed');
    expect(record?.lifecycleStatus).toBe('FAILED');
    expect(record?.resources).toEqual({});
    expect(typesOf(world, failing.tenantId)).toEqual([]);
    expect(world.progress.map((p) => p.step)).toContain('DeleteCompanions');
    world = await world.reopen([]);
  });

  it('finds a companion deleted by hand missing, and makes it again', async () => {
    // Prepare
    const before = await world.runtime.tenant(tenant.tenantId);
    const orders = before?.resources.companions?.services.orders;
    if (!orders) throw new Error('no orders companion recorded');
    world = await world.reopen([], async (stateDir) => {
      const sim = new SimulatedCloud({ stateFile: join(stateDir, 'cloud.json'), drainMs: 0 });
      const ecs = sim.attach(new ECSClient(client));
      await ecs.send(
        new DeleteServiceCommand({ cluster: orders.cluster, service: orders.name, force: true }),
      );
      sim.save();
    });

    // Act
    const report = await world.runtime.reconcile({ repair: false });
    const repair = await world.runtime.reconcile({ repair: true });
    const again = await world.runtime.reconcile({ repair: false });
    const after = await world.runtime.tenant(tenant.tenantId);

    // Assess
    expect(report.drifts.map((d) => `${d.kind} ${d.resource} ${d.tenantId}`)).toEqual([
      `missing companions ${tenant.tenantId}`,
    ]);
    expect(repair.drifts.map((d) => d.repair)).toEqual(['repaired']);
    expect(again.drifts).toEqual([]);
    // The same revision serves it again: nothing registered anew, nothing left for a later orphan.
    expect(after?.resources.companions?.services.orders?.taskDefinitionArn).toBe(orders.taskDefinitionArn);
    expect(after?.resources.companions?.services.orders?.arn).toBe(orders.arn);
    expect(typesOf(world, tenant.tenantId)).toEqual(SUITE_TYPES);
  });

  it('deactivates all three services to zero and activates them back', async () => {
    // Act
    const [off] = await world.send([lifecycleEvent('deactivate', tenant)]);
    const down = Object.values(await servicesOf(world, tenant.tenantId)).map(([desired]) => desired);
    const [on] = await world.send([lifecycleEvent('activate', tenant)]);
    const up = Object.values(await servicesOf(world, tenant.tenantId)).map(([desired]) => desired);

    // Assess
    expect([off?.outcome, on?.outcome]).toEqual(['succeeded', 'succeeded']);
    expect(down).toEqual([0, 0, 0]);
    expect(up).toEqual([1, 1, 1]);
    expect((await world.runtime.reconcile({ repair: false })).drifts).toEqual([]);
  });

  it('migrates to a one-service tier (the companions go) and back (they come again)', async () => {
    // Act
    const [down] = await world.send([lifecycleEvent('migrate', { ...tenant, target: 'advanced' })]);
    const one = await world.runtime.tenant(tenant.tenantId);
    const typesOnOne = typesOf(world, tenant.tenantId);
    const [up] = await world.send([
      lifecycleEvent('migrate', { ...tenant, tier: 'advanced', target: 'suite' }),
    ]);
    const three = await world.runtime.tenant(tenant.tenantId);

    // Assess
    expect([down?.outcome, up?.outcome]).toEqual(['succeeded', 'succeeded']);
    expect(one?.placement?.tier).toBe('advanced');
    expect(one?.resources.companions).toBeUndefined();
    expect(typesOnOne).toEqual(ADVANCED_TYPES);
    expect(three?.placement?.tier).toBe('suite');
    expect(Object.keys(three?.resources.companions?.services ?? {})).toEqual(['orders', 'products']);
    expect(typesOf(world, tenant.tenantId)).toEqual(SUITE_TYPES);
    expect((await world.runtime.reconcile({ repair: false })).drifts).toEqual([]);
  });

  it('offboards leaving nothing of any of its services', async () => {
    // Act
    const [result] = await world.send([lifecycleEvent('offboard', tenant)]);

    // Assess
    expect(result?.outcome).toBe('succeeded');
    expect(typesOf(world, tenant.tenantId)).toEqual([]);
    expect((await world.check()).fresh).toEqual([]);
  });
});
