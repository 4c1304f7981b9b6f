/**
 * Release updates of one tenant on the embedded default (issue 10, first part): the simulated ECS
 * starts a deployment on UpdateService, and its circuit breaker rolls back a release whose tasks never
 * start (an image tagged `…broken…`). Every case checks the exact ECS calls, the record and what runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  lifecycleEvent,
  newTenant,
  openWorld,
  removeWorldDirs,
  TEST_RELEASE,
  type TestTenant,
  type World,
} from '../support/reliability/world.ts';

const ecsWrites = (world: World, from: number): string[] =>
  world.runtime
    .calls()
    .slice(from)
    .filter((call) => call.service === 'ecs' && !/^(Describe|List)/.test(call.command))
    .map((call) => call.command);

const revisionsOf = (world: World, tenant: TestTenant): string[] =>
  world.runtime
    .inventory()
    .filter((item) => item.tenantId === tenant.tenantId && item.type === 'task-definition')
    .map((item) => `${item.id} ${item.status}`);

const imageOf = (world: World, tenant: TestTenant): string | undefined => {
  const calls = world.runtime.calls().filter((call) => call.command === 'RegisterTaskDefinition');
  const family = revisionsOf(world, tenant)[0]?.split(':')[0];
  const input = calls.map(
    (call) => call.input as { family: string; containerDefinitions: { image: string }[] },
  );
  return input.filter((i) => i.family === family).at(-1)?.containerDefinitions[0]?.image;
};

describe('release update of one tenant', () => {
  let world: World;
  const advanced = newTenant('advanced');
  const premium = newTenant('premium');
  const basic = newTenant('basic');
  const inactive = newTenant('advanced');

  beforeAll(async () => {
    world = await openWorld();
    const setup = await world.send([
      ...[advanced, premium, basic, inactive].map((tenant) => lifecycleEvent('onboard', tenant)),
      lifecycleEvent('deactivate', inactive),
    ]);
    expect(setup.map((r) => r.outcome)).toEqual(setup.map(() => 'succeeded'));
  }, 60_000);

  afterAll(async () => {
    await world?.close();
    removeWorldDirs();
  });

  it.each([
    ['advanced', advanced],
    ['premium', premium],
  ] as const)(
    'puts a %s tenant on the release: new revision deployed, recorded, the old one retired',
    async (_tier, tenant) => {
      const before = world.runtime.calls().length;
      const [oldRevision] = revisionsOf(world, tenant);

      const [result] = await world.send([lifecycleEvent('update', tenant)]);

      expect({ outcome: result?.outcome, error: result?.error, sent: result?.statusEvent }).toEqual({
        outcome: 'succeeded',
        error: undefined,
        sent: null,
      });
      expect(ecsWrites(world, before)).toEqual([
        'RegisterTaskDefinition',
        'UpdateService',
        'DeregisterTaskDefinition',
        'DeleteTaskDefinitions',
      ]);
      const record = await world.runtime.tenant(tenant.tenantId);
      expect(record?.lifecycleStatus).toBe('ACTIVE');
      expect(record?.lock).toBeUndefined();
      expect(record?.release).toEqual(TEST_RELEASE);
      const family = oldRevision?.split(' ')[0]?.split(':')[0];
      expect(record?.resources.taskDefinition?.arn).toMatch(new RegExp(`${family}:2$`));
      expect(revisionsOf(world, tenant)).toEqual([`${family}:2 ACTIVE`]);
      expect(imageOf(world, tenant)).toBe(TEST_RELEASE.image);
      const route = world.runtime.route(tenant.tenantId);
      expect(route.targetGroups.every((group) => group.healthy > 0)).toBe(true);
      expect(record?.history.at(-1)).toMatchObject({
        step: 'CommitRelease',
        reason: 'release initial → 2.0.0',
      });
    },
  );

  it('rolls a failing release back: the circuit breaker returns the service, the new revision goes, the tenant stays ACTIVE', async () => {
    const tenant = {
      ...advanced,
      release: { version: '3.0.0', image: 'public.ecr.aws/example/tenant-app:3.0.0-broken' },
    };
    const before = world.runtime.calls().length;
    const recordBefore = await world.runtime.tenant(tenant.tenantId);

    const [result] = await world.send([lifecycleEvent('update', tenant)]);

    expect(result?.outcome).toBe('failed');
    expect(result?.statusEvent).toBeNull();
    // No second UpdateService: the circuit breaker had put the service back already.
    expect(ecsWrites(world, before)).toEqual([
      'RegisterTaskDefinition',
      'UpdateService',
      'DeregisterTaskDefinition',
      'DeleteTaskDefinitions',
    ]);
    const record = await world.runtime.tenant(tenant.tenantId);
    expect(record?.lifecycleStatus).toBe('ACTIVE');
    expect(record?.release).toEqual(TEST_RELEASE);
    expect(record?.resources.taskDefinition).toEqual(recordBefore?.resources.taskDefinition);
    expect(record?.lastError).toMatchObject({ operation: 'update', step: 'WaitForDeployment' });
    expect(record?.lastError?.reason).toContain('rolled back by the circuit breaker');
    expect(revisionsOf(world, tenant)).toEqual([
      `${recordBefore?.resources.taskDefinition?.arn.split('/').at(-1)} ACTIVE`,
    ]);
    expect(world.runtime.route(tenant.tenantId).targetGroups.every((group) => group.healthy > 0)).toBe(true);
  });

  it('updates a deactivated tenant at zero tasks and leaves it INACTIVE', async () => {
    const [result] = await world.send([lifecycleEvent('update', inactive)]);

    expect(result?.outcome).toBe('succeeded');
    const record = await world.runtime.tenant(inactive.tenantId);
    expect({ status: record?.lifecycleStatus, active: record?.active, release: record?.release }).toEqual({
      status: 'INACTIVE',
      active: false,
      release: TEST_RELEASE,
    });
  });

  it('refuses a pooled tenant, changing nothing: it runs the tier’s pooled service', async () => {
    const before = world.runtime.calls().length;

    const [result] = await world.send([lifecycleEvent('update', basic)]);

    expect(result?.outcome).toBe('failed');
    expect(ecsWrites(world, before)).toEqual([]);
    const record = await world.runtime.tenant(basic.tenantId);
    expect(record?.lifecycleStatus).toBe('ACTIVE');
    expect(record?.lastError?.reason).toContain('runs in the pooled service');
  });

  it('keeps the release through a migration: the new placement runs its image at the new tier’s sizes', async () => {
    const [moved] = await world.send([lifecycleEvent('migrate', { ...advanced, target: 'premium' })]);

    expect(moved?.outcome).toBe('succeeded');
    const record = await world.runtime.tenant(advanced.tenantId);
    expect({ tier: record?.placement?.tier, release: record?.release }).toEqual({
      tier: 'premium',
      release: TEST_RELEASE,
    });
    const registered = world.runtime
      .calls()
      .filter((call) => call.command === 'RegisterTaskDefinition')
      .map((call) => call.input as { family: string; cpu: string; containerDefinitions: { image: string }[] })
      .at(-1);
    expect({ image: registered?.containerDefinitions[0]?.image, cpu: registered?.cpu }).toEqual({
      image: TEST_RELEASE.image,
      cpu: '512',
    });
    expect(revisionsOf(world, advanced)).toHaveLength(1);
  });

  it('rejects an update without a release, naming the field', async () => {
    const event = lifecycleEvent('update', premium);
    delete (event.detail as Record<string, unknown>).release;

    const [result] = await world.send([event]);

    expect(result?.outcome).toBe('rejected');
    expect(result?.error).toContain('detail.release');
  });
});

describe('an update whose way back fails', () => {
  let world: World;
  const tenant = newTenant('advanced');

  beforeAll(async () => {
    // CommitRelease and then RollBackRelease fail for good: the service stays on the new revision.
    world = await openWorld([
      { step: 'CommitRelease', kind: 'fatal', count: 1 },
      { step: 'RollBackRelease', kind: 'fatal', count: 1 },
    ]);
    const [onboarded] = await world.send([lifecycleEvent('onboard', tenant)]);
    expect(onboarded?.outcome).toBe('succeeded');
  }, 60_000);

  afterAll(async () => {
    await world?.close();
    removeWorldDirs();
  });

  it('leaves the tenant FAILED on the release its service runs, and retry settles it there', async () => {
    const [result] = await world.send([lifecycleEvent('update', tenant)]);

    expect(result?.outcome).toBe('failed');
    const failed = await world.runtime.tenant(tenant.tenantId);
    expect({
      status: failed?.lifecycleStatus,
      release: failed?.release,
      step: failed?.lastError?.step,
    }).toEqual({
      status: 'FAILED',
      release: TEST_RELEASE,
      step: 'CommitRelease',
    });
    // One revision left, the one the service runs and the record names.
    expect(revisionsOf(world, tenant)).toEqual([
      `${failed?.resources.taskDefinition?.arn.split('/').at(-1)} ACTIVE`,
    ]);
    expect(world.runtime.route(tenant.tenantId).targetGroups.every((group) => group.healthy > 0)).toBe(true);

    const retried = await world.runtime.retry(tenant.tenantId);

    expect(retried.outcome).toBe('succeeded');
    const settled = await world.runtime.tenant(tenant.tenantId);
    expect({
      status: settled?.lifecycleStatus,
      release: settled?.release,
      lastError: settled?.lastError,
    }).toEqual({
      status: 'ACTIVE',
      release: TEST_RELEASE,
      lastError: undefined,
    });
    expect(settled?.resources.taskDefinition).toEqual(failed?.resources.taskDefinition);
  });
});
