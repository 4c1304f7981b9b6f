/**
 * The tenant record decides (issue 8): scenarios where the event disagrees with the record, where a
 * failed placement is left behind, where tenant ids are built to collide, and where a name a tenant
 * needs is already taken. Each ends with the invariant check; the world also notes any placement
 * that changed without an onboarding (see world.ts).
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourceNames } from '../../src/domain/naming.ts';
import type { Operation } from '../../src/domain/operations.ts';
import { testConfig } from '../support/fake-ports.ts';
import { count } from '../support/reliability/counters.ts';
import {
  cloudAt,
  LOCAL_CLIENT,
  lifecycleEvent,
  newTenant,
  openWorld,
  type ReferenceTier,
  type TestTenant,
  typesOf,
  type World,
} from '../support/reliability/world.ts';

const contract = testConfig().contract;
const TIERS: readonly ReferenceTier[] = ['basic', 'advanced', 'premium', 'app'];

const statusEventsFor = (world: World, registrationId: string): string[] =>
  world
    .published()
    .filter((event) => JSON.stringify(event.detail).includes(`"tenantRegistrationId":"${registrationId}"`))
    .map((event) => event.detailType);

/** How a later event disagrees with what the tenant was onboarded with. */
interface Variant {
  name: string;
  detail(operation: Operation, tenant: TestTenant, detail: Record<string, unknown>): Record<string, unknown>;
}

const OTHER_TIER: Record<ReferenceTier, string> = {
  basic: 'premium',
  advanced: 'platinum', // an alias of premium
  premium: 'basic',
  suite: 'advanced',
  app: 'suite',
};

const VARIANTS: readonly Variant[] = [
  { name: 'a different tier', detail: (_op, t, d) => ({ ...d, tier: OTHER_TIER[t.tier] }) },
  {
    name: 'no tier',
    detail: (_op, _t, { tier: _dropped, ...rest }) => rest,
  },
  { name: 'a tier the catalogue does not know', detail: (_op, _t, d) => ({ ...d, tier: 'gold' }) },
  {
    // What a billing system sends: the tenant id alone (offboarding still names its registration).
    name: 'the tenant id alone',
    detail: (op, t) =>
      op === 'offboard'
        ? { tenantId: t.tenantId, tenantRegistrationId: t.tenantRegistrationId }
        : { tenantId: t.tenantId },
  },
];

const eventWith = (operation: Operation, tenant: TestTenant, variant: Variant): Record<string, unknown> => {
  const event = lifecycleEvent(operation, tenant);
  return { ...event, detail: variant.detail(operation, tenant, event.detail as Record<string, unknown>) };
};

/** The UpdateService calls that set a desired count since call `from` of the runtime's log. */
const scalings = (world: World, from: number): unknown[] =>
  world.runtime
    .calls()
    .slice(from)
    .filter((call) => call.command === 'UpdateService' && !call.error)
    .map((call) => call.input)
    .filter((input) => typeof input === 'object' && input !== null && 'desiredCount' in input);

/** The old naming scheme (before issue 8): 20 characters of the id and 8 hex digits of its hash. */
const oldTargetGroupName = (tenantId: string): string =>
  `tf-${tenantId.toLowerCase().slice(0, 20)}-${createHash('sha256').update(tenantId).digest('hex').slice(0, 8)}`;

/** Two tenant ids the old scheme gave one target group (a birthday search over 32 bits). */
const collidingIds = (prefix: string): [string, string] => {
  const seen = new Map<string, string>();
  for (let n = 0; n < 2_000_000; n += 1) {
    const id = `${prefix}${n.toString(36)}`;
    const name = oldTargetGroupName(id);
    const earlier = seen.get(name);
    if (earlier) return [earlier, id];
    seen.set(name, id);
  }
  throw new Error('no collision found');
};

export const describeRecordAndPlacement = (): void => {
  describe('the record decides: events that disagree with it', () => {
    let world: World;
    beforeAll(async () => {
      world = await openWorld();
    });
    afterAll(async () => {
      await world.close();
    });

    const cases = TIERS.flatMap((tier) => VARIANTS.map((variant) => [tier, variant.name, variant] as const));

    it.each(cases)(
      '%s tenant: deactivated, activated and offboarded by events with %s, keeps its placement and leaves nothing',
      async (tier, _name, variant) => {
        // Prepare
        count('scenarios');
        const tenant = newTenant(tier);
        await world.send([lifecycleEvent('onboard', tenant)]);
        const onboarded = await world.runtime.tenant(tenant.tenantId);
        const calls = world.runtime.calls().length;

        // Act
        const [deactivated] = await world.send([eventWith('deactivate', tenant, variant)]);
        const inactive = await world.runtime.tenant(tenant.tenantId);
        const [activated] = await world.send([eventWith('activate', tenant, variant)]);
        const active = await world.runtime.tenant(tenant.tenantId);
        const scaled = scalings(world, calls);
        const [offboarded] = await world.send([eventWith('offboard', tenant, variant)]);

        const report = await world.check();

        // Assess
        expect([deactivated?.outcome, activated?.outcome, offboarded?.outcome]).toEqual([
          'succeeded',
          'succeeded',
          'succeeded',
        ]);
        expect([deactivated, activated, offboarded].map((r) => r?.statusEvent?.['detail-type'])).toEqual([
          contract.outbound.deactivate.success,
          contract.outbound.activate.success,
          contract.outbound.offboard.success,
        ]);
        expect(deactivated?.tenantRegistrationId).toBe(tenant.tenantRegistrationId);
        expect(inactive?.placement).toEqual(onboarded?.placement);
        expect(inactive?.lifecycleStatus).toBe('INACTIVE');
        expect(active?.placement).toEqual(onboarded?.placement);
        expect(active?.resources).toEqual(onboarded?.resources);
        const own = onboarded?.resources.service;
        const placement = onboarded?.placement;
        // Its own service, then each companion: to zero, then each back to its count.
        const services =
          own && placement?.service === 'own'
            ? [
                { cluster: own.cluster, name: own.name, count: placement.desiredCount },
                ...(placement.companions ?? []).map((companion) => {
                  const made = onboarded?.resources.companions?.services[companion.name];
                  return { cluster: made?.cluster, name: made?.name, count: companion.desiredCount };
                }),
              ]
            : [];
        expect(scaled).toEqual(
          [0, 1].flatMap((up) =>
            services.map((service) =>
              expect.objectContaining({
                cluster: service.cluster,
                service: service.name,
                desiredCount: up ? service.count : 0,
              }),
            ),
          ),
        );
        const gone = await world.runtime.tenant(tenant.tenantId);
        expect(gone?.lifecycleStatus).toBe('DELETED');
        expect(gone?.placement).toEqual(onboarded?.placement);
        expect(typesOf(world, tenant.tenantId)).toEqual([]);
        expect(statusEventsFor(world, tenant.tenantRegistrationId)).toEqual([
          contract.outbound.onboard.success,
          contract.outbound.deactivate.success,
          contract.outbound.activate.success,
          contract.outbound.offboard.success,
        ]);
        expect(report.fresh).toEqual([]);
      },
    );

    it('a request started by hand without a registration runs and sends no status event', async () => {
      // Prepare
      count('scenarios');
      const tenant = newTenant('advanced');
      await world.send([lifecycleEvent('onboard', tenant)]);
      const events = world.published().length;

      // Act
      const [deactivated] = await world.send([{ operation: 'deactivate', tenantId: tenant.tenantId }]);
      const inactive = await world.runtime.tenant(tenant.tenantId);
      const [activated] = await world.send([{ operation: 'activate', tenantId: tenant.tenantId }]);

      const report = await world.check();

      // Assess
      expect([deactivated?.outcome, activated?.outcome]).toEqual(['succeeded', 'succeeded']);
      expect(inactive?.lifecycleStatus).toBe('INACTIVE');
      expect((await world.runtime.tenant(tenant.tenantId))?.lifecycleStatus).toBe('ACTIVE');
      expect(world.published().slice(events)).toEqual([]);
      expect(report.fresh).toEqual([]);
    });
  });

  describe('a failed placement left behind', () => {
    it('re-onboarding a failed premium tenant as advanced removes its cluster; offboarding then leaves nothing', async () => {
      // Prepare: premium onboarding fails at CreateService, and its DeleteCluster compensation fails
      // too, as does the watcher's cleanup after it, so the FAILED record still names the cluster.
      count('scenarios');
      count('faults', 3);
      const world = await openWorld([
        { step: 'CreateService', kind: 'fatal', count: 1 },
        { step: 'DeleteCluster', kind: 'fatal', count: 2 },
      ]);
      try {
        const premium = newTenant('premium');
        const [first] = await world.send([lifecycleEvent('onboard', premium)]);
        const failed = await world.runtime.tenant(premium.tenantId);
        const advanced = { ...premium, tier: 'advanced' as const, tenantRegistrationId: randomUUID() };

        // Act
        const [second] = await world.send([lifecycleEvent('onboard', advanced)]);
        const placed = await world.runtime.tenant(premium.tenantId);
        const afterOnboarding = typesOf(world, premium.tenantId);
        const [third] = await world.send([lifecycleEvent('offboard', advanced)]);

        const report = await world.check();

        // Assess
        expect(first?.outcome).toBe('failed');
        expect(failed?.lifecycleStatus).toBe('FAILED');
        expect(failed?.resources.cluster).toBeDefined();
        expect(second?.outcome).toBe('succeeded');
        expect(placed?.placement).toMatchObject({ tier: 'advanced', cluster: 'shared', service: 'own' });
        expect(placed?.resources.cluster).toBeUndefined();
        expect(afterOnboarding).toEqual(['listener-rule', 'service', 'target-group', 'task-definition']);
        expect(third?.outcome).toBe('succeeded');
        expect(typesOf(world, premium.tenantId)).toEqual([]);
        expect(statusEventsFor(world, premium.tenantRegistrationId)).toEqual([
          contract.outbound.onboard.failure,
        ]);
        expect(statusEventsFor(world, advanced.tenantRegistrationId)).toEqual([
          contract.outbound.onboard.success,
          contract.outbound.offboard.success,
        ]);
        expect(report.fresh).toEqual([]);
      } finally {
        await world.close();
      }
    });
  });

  describe('isolation between tenants', () => {
    let world: World;
    beforeAll(async () => {
      world = await openWorld();
    });
    afterAll(async () => {
      await world.close();
    });

    it('two ids that shared a target group under the old names each get their own, and offboard alone', async () => {
      // Prepare
      count('scenarios');
      const [idA, idB] = collidingIds(`crafted-${randomUUID().slice(0, 8)}-shared-prefix-`);
      expect(oldTargetGroupName(idA)).toBe(oldTargetGroupName(idB));
      const a = newTenant('advanced', idA);
      const b = newTenant('advanced', idB);

      // Act
      const onboarded = await world.send([lifecycleEvent('onboard', a), lifecycleEvent('onboard', b)]);
      const recordA = await world.runtime.tenant(a.tenantId);
      const recordB = await world.runtime.tenant(b.tenantId);
      const [offboardedA] = await world.send([lifecycleEvent('offboard', a)]);
      const bAfter = await world.runtime.tenant(b.tenantId);
      const bTypes = typesOf(world, b.tenantId);
      const [offboardedB] = await world.send([lifecycleEvent('offboard', b)]);

      const report = await world.check();

      // Assess
      expect(onboarded.map((r) => r.outcome)).toEqual(['succeeded', 'succeeded']);
      expect(recordA?.resources.targetGroup?.name).toBe(resourceNames(a.tenantId).targetGroupName);
      expect(recordB?.resources.targetGroup?.name).toBe(resourceNames(b.tenantId).targetGroupName);
      expect(recordA?.resources.targetGroup?.arn).not.toBe(recordB?.resources.targetGroup?.arn);
      expect(offboardedA?.outcome).toBe('succeeded');
      expect(bAfter?.lifecycleStatus).toBe('ACTIVE');
      expect(bAfter?.resources).toEqual(recordB?.resources);
      expect(bTypes).toEqual(['listener-rule', 'service', 'target-group', 'task-definition']);
      expect(offboardedB?.outcome).toBe('succeeded');
      expect(typesOf(world, a.tenantId)).toEqual([]);
      expect(typesOf(world, b.tenantId)).toEqual([]);
      expect(report.fresh).toEqual([]);
    });

    it('ids that differ only in case: the second onboarding is refused until the first tenant is gone', async () => {
      // Prepare
      count('scenarios');
      const base = `acme-${randomUUID().slice(0, 8)}`;
      const lower = newTenant('advanced', base);
      const upper = newTenant('premium', base.toUpperCase());
      await world.send([lifecycleEvent('onboard', lower)]);
      const before = await world.runtime.tenant(lower.tenantId);

      // Act
      const [refused] = await world.send([lifecycleEvent('onboard', upper)]);
      const lowerAfter = await world.runtime.tenant(lower.tenantId);
      await world.send([lifecycleEvent('offboard', lower)]);
      const retry = { ...upper, tenantRegistrationId: randomUUID() };
      const [accepted] = await world.send([lifecycleEvent('onboard', retry)]);
      const upperTypes = typesOf(world, upper.tenantId);
      await world.send([lifecycleEvent('offboard', retry)]);

      const report = await world.check();

      // Assess
      expect(refused?.outcome).toBe('failed');
      expect(refused?.error).toContain(lower.tenantId);
      expect(statusEventsFor(world, upper.tenantRegistrationId)).toEqual([contract.outbound.onboard.failure]);
      expect(lowerAfter?.resources).toEqual(before?.resources);
      expect(lowerAfter?.lifecycleStatus).toBe('ACTIVE');
      expect(accepted?.outcome).toBe('succeeded');
      expect(upperTypes).toEqual(['cluster', 'listener-rule', 'service', 'target-group', 'task-definition']);
      expect(typesOf(world, upper.tenantId)).toEqual([]);
      expect(report.fresh).toEqual([]);
    });

    it('a target group name already taken by something else fails the onboarding, naming it, and is left alone', async () => {
      // Prepare: a target group of the tenant's name, made outside tenantflow (no tenantflow tags).
      count('scenarios');
      const tenant = newTenant('advanced');
      const name = resourceNames(tenant.tenantId).targetGroupName;
      let squatter: string | undefined;
      world = await world.reopen([], async (stateDir) => {
        const sim = cloudAt(stateDir);
        const elb = sim.attach(new ElasticLoadBalancingV2Client(LOCAL_CLIENT));
        const made = await elb.send(
          new CreateTargetGroupCommand({
            Name: name,
            Protocol: 'HTTP',
            Port: 80,
            VpcId: 'vpc-1',
            TargetType: 'ip',
          }),
        );
        squatter = made.TargetGroups?.[0]?.TargetGroupArn;
        sim.save();
      });

      // Act
      const [result] = await world.send([lifecycleEvent('onboard', tenant)]);

      // The squatter is someone else's: it must still be there, untouched.
      const report = await world.check({ foreign: new Set(squatter ? [squatter] : []) });

      // Assess
      expect(result?.outcome).toBe('failed');
      expect(result?.error).toContain(name);
      expect(statusEventsFor(world, tenant.tenantRegistrationId)).toEqual([
        contract.outbound.onboard.failure,
      ]);
      const record = await world.runtime.tenant(tenant.tenantId);
      expect(record?.lifecycleStatus).toBe('FAILED');
      expect(typesOf(world, tenant.tenantId)).toEqual([]);
      expect(squatter).toBeDefined();
      expect(world.runtime.inventory().filter((item) => item.arn === squatter)).toHaveLength(1);
      expect(report.fresh).toEqual([]);
    });
  });
};
