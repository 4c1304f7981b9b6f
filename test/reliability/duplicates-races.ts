/**
 * Duplicates and races on one world (fresh tenant ids per scenario), with the invariants checked
 * after each. Documented outcomes of the conflicts:
 * - a redelivered event (same id), one after another or at once: one execution, one set of
 *   resources, one status event; the extra deliveries come back `duplicate`;
 * - offboarding while the same tenant's onboarding runs: the offboarding waits at LockTenant until
 *   the onboarding releases the lock, then removes everything; the control plane hears created,
 *   then deleted, never a failure;
 * - onboarding an ACTIVE tenant again from its own registration: deferred (no status event: that
 *   registration was already answered), the tenant untouched; from another registration: refused at
 *   ReserveTenant with one failure event to that registration, the tenant and its resources untouched;
 * - onboarding again after a FAILED attempt: succeeds;
 * - many onboardings at once: all succeed, each on its own listener-rule priority.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../support/fake-ports.ts';
import { count } from '../support/reliability/counters.ts';
import {
  lifecycleEvent,
  newTenant,
  openWorld,
  type ReferenceTier,
  typesOf,
  type World,
} from '../support/reliability/world.ts';

const contract = testConfig().contract;
const SILO_RESOURCES = ['listener-rule', 'service', 'target-group', 'task-definition'];

const statusEventsFor = (world: World, registrationId: string): string[] =>
  world
    .published()
    .filter((event) => JSON.stringify(event.detail).includes(`"tenantRegistrationId":"${registrationId}"`))
    .map((event) => event.detailType);

const waitFor = async (condition: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 2_000; i += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`never saw ${what}`);
};

export const describeDuplicatesAndRaces = (): void => {
  describe('duplicates and races', () => {
    let world: World;
    beforeAll(async () => {
      world = await openWorld();
    });
    afterAll(async () => {
      await world.close();
    });

    it.each([2, 3, 5])(
      'the same onboarding event delivered %i times one after another: one execution',
      async (times) => {
        // Prepare
        count('scenarios');
        count('duplicates', times - 1);
        const tenant = newTenant('advanced');
        const event = lifecycleEvent('onboard', tenant);

        // Act
        const results = await world.send(Array.from({ length: times }, () => event));

        const report = await world.check();

        // Assess
        expect(results.map((r) => r.outcome)).toEqual([
          'succeeded',
          ...Array.from({ length: times - 1 }, () => 'duplicate'),
        ]);
        expect(new Set(results.map((r) => r.execution)).size).toBe(1);
        expect(statusEventsFor(world, tenant.tenantRegistrationId)).toEqual([
          contract.outbound.onboard.success,
        ]);
        expect(typesOf(world, tenant.tenantId)).toEqual(SILO_RESOURCES);
        expect(report.fresh).toEqual([]);
      },
    );

    it.each([2, 4, 5])(
      'the same onboarding event delivered %i times at once: one execution',
      async (times) => {
        // Prepare
        count('scenarios');
        count('duplicates', times - 1);
        const tenant = newTenant('premium');
        const event = lifecycleEvent('onboard', tenant);

        // Act
        const results = await world.sendConcurrently(Array.from({ length: times }, () => event));

        const report = await world.check();

        // Assess
        expect(results.map((r) => r.outcome).sort()).toEqual([
          ...Array.from({ length: times - 1 }, () => 'duplicate'),
          'succeeded',
        ]);
        expect(statusEventsFor(world, tenant.tenantRegistrationId)).toEqual([
          contract.outbound.onboard.success,
        ]);
        expect(typesOf(world, tenant.tenantId)).toEqual(['cluster', ...SILO_RESOURCES]);
        expect(report.fresh).toEqual([]);
      },
    );

    it('a malformed event naming its registration, delivered 3 times at once: one failure event', async () => {
      // Prepare
      count('scenarios');
      count('duplicates', 2);
      count('badInputs');
      const tenant = newTenant('advanced');
      const event = lifecycleEvent('onboard', tenant);
      const malformed = {
        ...event,
        detail: { tenantRegistrationId: tenant.tenantRegistrationId, tenantId: 'no spaces allowed' },
      };

      // Act
      const results = await world.sendConcurrently([malformed, malformed, malformed]);

      const report = await world.check();

      // Assess
      expect(results.map((r) => r.outcome)).toEqual(['rejected', 'rejected', 'rejected']);
      expect(statusEventsFor(world, tenant.tenantRegistrationId)).toEqual([
        contract.outbound.onboard.failure,
      ]);
      expect(report.fresh).toEqual([]);
    });

    it('offboarding that arrives while the onboarding runs waits for the lock, then removes the tenant', async () => {
      // Prepare
      count('scenarios');
      const tenant = newTenant('advanced');
      const onboard = lifecycleEvent('onboard', tenant);

      // Act
      const onboarding = world.send([onboard]);
      await waitFor(
        () =>
          world.progress.some(
            (p) => p.step === 'CreateTargetGroup' && p.execution.includes(tenant.tenantRegistrationId),
          ),
        'CreateTargetGroup',
      );
      const [offboarded] = await world.send([lifecycleEvent('offboard', tenant)]);
      const [onboarded] = await onboarding;

      const report = await world.check();

      // Assess: the control plane hears created, then deleted; never a failure in between.
      expect(onboarded?.outcome).toBe('succeeded');
      expect(offboarded?.outcome).toBe('succeeded');
      const waited = world.progress.filter(
        (p) => p.step === 'LockTenant' && p.execution === offboarded?.execution,
      );
      expect(waited.length).toBeGreaterThan(1);
      expect(typesOf(world, tenant.tenantId)).toEqual([]);
      expect((await world.runtime.tenant(tenant.tenantId))?.lifecycleStatus).toBe('DELETED');
      expect(statusEventsFor(world, tenant.tenantRegistrationId)).toEqual([
        contract.outbound.onboard.success,
        contract.outbound.offboard.success,
      ]);
      expect(report.fresh).toEqual([]);
    });

    it('onboarding an ACTIVE tenant again from its own registration is refused without marking that registration failed', async () => {
      // Prepare
      count('scenarios');
      const tenant = newTenant('advanced');
      await world.send([lifecycleEvent('onboard', tenant)]);
      const before = await world.runtime.tenant(tenant.tenantId);

      // Act: SBT (or a person) sends the onboarding of the same registration again, as a new event.
      const [again] = await world.send([lifecycleEvent('onboard', tenant)]);

      const report = await world.check();

      // Assess
      const after = await world.runtime.tenant(tenant.tenantId);
      expect(again?.outcome).toBe('deferred');
      expect(again?.error).toContain('already onboarded');
      expect(statusEventsFor(world, tenant.tenantRegistrationId)).toEqual([
        contract.outbound.onboard.success,
      ]);
      expect(after?.lifecycleStatus).toBe('ACTIVE');
      expect(after?.resources).toEqual(before?.resources);
      expect(typesOf(world, tenant.tenantId)).toEqual(SILO_RESOURCES);
      expect(report.fresh).toEqual([]);
    });

    it('onboarding an ACTIVE tenant from another registration is refused with that registration told why', async () => {
      // Prepare
      count('scenarios');
      const tenant = newTenant('advanced');
      await world.send([lifecycleEvent('onboard', tenant)]);
      const other = { ...tenant, tenantRegistrationId: randomUUID() };

      // Act
      const [again] = await world.send([lifecycleEvent('onboard', other)]);

      const report = await world.check();

      // Assess
      expect(again?.outcome).toBe('failed');
      expect(again?.error).toContain('ReserveTenant');
      expect(statusEventsFor(world, other.tenantRegistrationId)).toEqual([contract.outbound.onboard.failure]);
      expect((await world.runtime.tenant(tenant.tenantId))?.tenantRegistrationId).toBe(
        tenant.tenantRegistrationId,
      );
      expect(typesOf(world, tenant.tenantId)).toEqual(SILO_RESOURCES);
      expect(report.fresh).toEqual([]);
    });

    it('many onboardings at once all succeed, never two tenants on one listener-rule priority', async () => {
      // Prepare
      count('scenarios');
      const tiers: ReferenceTier[] = ['advanced', 'premium', 'app'];
      const tenants = Array.from({ length: 12 }, (_, i) => newTenant(tiers[i % tiers.length] ?? 'advanced'));

      // Act
      const results = await world.sendConcurrently(tenants.map((t) => lifecycleEvent('onboard', t)));

      const report = await world.check();

      // Assess
      expect(results.map((r) => r.outcome)).toEqual(tenants.map(() => 'succeeded'));
      const records = await world.runtime.tenants();
      const priorities = records
        .filter((r) => tenants.some((t) => t.tenantId === r.tenantId))
        .map((r) => r.resources.listenerRule?.priority);
      expect(new Set(priorities).size).toBe(tenants.length);
      expect(report.fresh).toEqual([]);
    });
  });

  describe('retry after a failed onboarding', () => {
    it('onboarding again after a FAILED attempt succeeds', async () => {
      // Prepare
      count('scenarios');
      count('faults');
      const world = await openWorld([{ step: 'CreateService', kind: 'fatal', count: 1 }]);
      const tenant = newTenant('premium');
      try {
        const [first] = await world.send([lifecycleEvent('onboard', tenant, randomUUID())]);
        const failed = await world.runtime.tenant(tenant.tenantId);

        // Act
        const [second] = await world.send([lifecycleEvent('onboard', tenant, randomUUID())]);

        const report = await world.check();

        // Assess
        expect(first?.outcome).toBe('failed');
        expect(failed?.lifecycleStatus).toBe('FAILED');
        expect(second?.outcome).toBe('succeeded');
        expect((await world.runtime.tenant(tenant.tenantId))?.lifecycleStatus).toBe('ACTIVE');
        expect(typesOf(world, tenant.tenantId)).toEqual(['cluster', ...SILO_RESOURCES]);
        expect(report.fresh).toEqual([]);
      } finally {
        await world.close();
      }
    });
  });
};
