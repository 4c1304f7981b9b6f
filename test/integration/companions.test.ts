/**
 * A tenant of several services on the embedded default: the bundled `suite` tier is a web service
 * behind the tenant's route with two companions (orders, products) beside it. It onboards with every
 * service running, undoes all three after a failure, is reconciled after a companion was deleted by
 * hand, deactivates and activates all three, migrates to a one-service tier and back, and offboards
 * leaving nothing.
 */
import {
  DeleteServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantText } from '../../src/cli/output.ts';
import {
  cloudAt,
  LOCAL_CLIENT,
  lifecycleEvent,
  newTenant,
  openWorld,
  removeWorldDirs,
  type TestTenant,
  TIER_RESOURCES,
  typesOf,
  type World,
} from '../support/reliability/world.ts';

const SUITE_TYPES = TIER_RESOURCES.suite;
const ADVANCED_TYPES = TIER_RESOURCES.advanced;

/** The tenant's ECS services as the simulated cloud describes them: name → [desired, running]. */
const servicesOf = async (world: World, tenantId: string): Promise<Record<string, [number, number]>> => {
  const record = await world.runtime.tenant(tenantId);
  const named = [
    record?.resources.service,
    ...Object.values(record?.resources.companions?.services ?? {}),
  ].filter((s): s is { cluster: string; name: string; arn: string } => s !== undefined);
  const sim = cloudAt(world.stateDir);
  const ecs = sim.attach(new ECSClient(LOCAL_CLIENT));
  const found: Record<string, [number, number]> = {};
  for (const { cluster, name } of named) {
    const out = await ecs.send(new DescribeServicesCommand({ cluster, services: [name] }));
    const service = out.services?.[0];
    if (service?.serviceName)
      found[service.serviceName] = [service.desiredCount ?? -1, service.runningCount ?? -1];
  }
  return found;
};

/** The image of the one container of task definition `arn`, as the simulated cloud has it. */
const imageOf = async (world: World, arn: string | undefined): Promise<string | undefined> => {
  const sim = cloudAt(world.stateDir);
  const ecs = sim.attach(new ECSClient(LOCAL_CLIENT));
  const out = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
  return out.taskDefinition?.containerDefinitions?.[0]?.image;
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
    // `tenantflow status` names each service.
    const shown = record ? tenantText(record, false).join('\n') : '';
    expect(shown).toContain('companions orders (256 cpu / 512 MiB × 1), products (256 cpu / 512 MiB × 1)');
    expect(shown).toContain(`companion orders=${record?.resources.companions?.services.orders?.arn}`);
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
      const sim = cloudAt(stateDir);
      const ecs = sim.attach(new ECSClient(LOCAL_CLIENT));
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

  it('takes a release naming the orders image through a rollout: web and orders on new revisions, products as it was', async () => {
    // Prepare
    const before = await world.runtime.tenant(tenant.tenantId);
    const release = {
      version: '2.0.0',
      image: 'public.ecr.aws/example/web:2.0.0',
      services: { orders: { image: 'public.ecr.aws/example/orders:2.0.0' } },
    };

    const productsBefore = await imageOf(
      world,
      before?.resources.companions?.services.products?.taskDefinitionArn,
    );

    // Act
    const run = await world.runtime.rollout({
      tier: 'suite',
      release,
      waves: '100%',
      bakeSeconds: 0,
      concurrency: 2,
    });
    const after = await world.runtime.tenant(tenant.tenantId);
    const ordersImage = await imageOf(world, after?.resources.companions?.services.orders?.taskDefinitionArn);
    const productsImage = await imageOf(
      world,
      after?.resources.companions?.services.products?.taskDefinitionArn,
    );

    // Assess
    expect([run.status, run.report.status]).toEqual(['SUCCEEDED', 'completed']);
    expect(after?.release?.version).toBe('2.0.0');
    expect(after?.resources.taskDefinition?.arn).not.toBe(before?.resources.taskDefinition?.arn);
    expect(after?.resources.companions?.services.orders?.taskDefinitionArn).not.toBe(
      before?.resources.companions?.services.orders?.taskDefinitionArn,
    );
    expect(after?.resources.companions?.services.products?.taskDefinitionArn).toBe(
      before?.resources.companions?.services.products?.taskDefinitionArn,
    );
    expect([ordersImage, productsImage]).toEqual([release.services.orders.image, productsBefore]);
    // One revision per service: the ones they ran before were retired.
    expect(typesOf(world, tenant.tenantId)).toEqual(SUITE_TYPES);
    expect((await world.runtime.reconcile({ repair: false })).drifts).toEqual([]);
  });

  it('puts every service back when the circuit breaker rolls a companion back, and says why', async () => {
    // Prepare
    const before = await world.runtime.tenant(tenant.tenantId);
    const release = {
      version: '3.0.0',
      image: 'public.ecr.aws/example/web:3.0.0',
      services: { products: { image: 'public.ecr.aws/example/products:3.0-broken' } },
    };

    // Act
    const [result] = await world.send([lifecycleEvent('update', { ...tenant, release })]);
    const after = await world.runtime.tenant(tenant.tenantId);

    // Assess
    expect(result?.outcome).toBe('failed');
    expect(after?.lifecycleStatus).toBe('ACTIVE');
    expect(after?.release?.version).toBe('2.0.0');
    expect(after?.lastError?.reason).toMatch(/companion products/);
    expect(after?.resources).toEqual(before?.resources);
    expect(typesOf(world, tenant.tenantId)).toEqual(SUITE_TYPES);
    expect((await world.runtime.reconcile({ repair: false })).drifts).toEqual([]);
  });

  it('refuses a release naming a service the tier does not have, naming it', async () => {
    // Act
    const release = {
      version: '4.0.0',
      image: 'public.ecr.aws/example/web:4.0.0',
      services: { users: { image: 'x/users:4' } },
    };
    const [result] = await world.send([lifecycleEvent('update', { ...tenant, release })]);
    const after = await world.runtime.tenant(tenant.tenantId);

    // Assess
    expect(result?.outcome).toBe('failed');
    expect(after?.lastError?.reason).toMatch(/release\.services\.users: tier suite has no companion users/);
    expect(after?.release?.version).toBe('2.0.0');
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
    // Made again from the release the record names: orders on its released image.
    expect(await imageOf(world, three?.resources.companions?.services.orders?.taskDefinitionArn)).toBe(
      'public.ecr.aws/example/orders:2.0.0',
    );
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
