/**
 * Load balancer shards under faults: a shared stack of two shards of one tenant each (SHARD_CAPACITY
 * 1), the first taken, so every silo onboarding here goes to the second. Every fault plan of the
 * matrix at the steps that place, or remove, the tenant's rule: CreateListenerRule and what comes
 * after it in an onboarding (a fault there undoes the rule on the second shard), DeleteListenerRule
 * on the way back (after ActivateTenant failed for good), and DeleteListenerRule in an offboarding.
 *
 * Documented outcomes, whatever the fault: the invariants of the suite (one status event answering
 * each request, no orphan, no lock left held); a tenant that ended ACTIVE has its rule on the second
 * shard, served through it; one whose onboarding failed has nothing left, the second shard's slot
 * free again (the next onboarding takes it); an offboarded tenant frees it the same way.
 */

import { beforeAll, describe, expect, it } from 'vitest';
import { OPERATION_TABLE } from '../../src/domain/operations.ts';
import type { StepName } from '../../src/domain/saga.ts';
import type { FaultSpec } from '../../src/local/index.ts';
import { count } from '../support/reliability/counters.ts';
import {
  FAULT_PLANS,
  type FaultPlan,
  faultSpec,
  INJECTED_NAMES,
  taskStates,
} from '../support/reliability/matrix.ts';
import {
  lifecycleEvent,
  newTenant,
  openFrom,
  openWorld,
  type Snapshot,
  snapshotOf,
  type TestTenant,
  type World,
} from '../support/reliability/world.ts';

const OPTIONS = { shards: 2, shardCapacity: 1 };

interface Scenario {
  label: string;
  operation: 'onboard' | 'offboard';
  step: StepName;
  plan: FaultPlan;
  /** A fault of its own that sends the saga back (the fault under test is then on the way back). */
  trigger?: FaultSpec;
}

/**
 * The forward steps of an onboarding from CreateListenerRule to NotifySuccess (those that run with
 * the rule on a shard); ConfirmCommitted only runs when a final step failed.
 */
const onboardingFromRule = (): StepName[] => {
  const steps = taskStates('onboarding');
  return steps
    .slice(steps.indexOf('CreateListenerRule'), steps.indexOf('NotifySuccess') + 1)
    .filter((step) => step !== 'ConfirmCommitted');
};

/** The listener each of the tenant's rules is on, by its load balancer's index in the inventory. */
const shardsOfRules = (world: World, tenantId: string): number[] => {
  const items = world.runtime.inventory();
  const balancers = items
    .filter((item) => item.type === 'load-balancer')
    .map((item) => item.arn.replace(':loadbalancer/', ':listener-rule/'));
  return items
    .filter((item) => item.type === 'listener-rule' && item.tenantId === tenantId)
    .map((item) => balancers.findIndex((prefix) => item.arn.startsWith(`${prefix}/`)));
};

export const describeShardFaults = (): void => {
  describe('load balancer shards under faults', () => {
    let snapshot: Snapshot;
    let resident: TestTenant;
    let second: TestTenant;

    beforeAll(async () => {
      resident = newTenant('advanced');
      second = newTenant('premium');
      const world = await openWorld([], OPTIONS);
      const setup = await world.send([
        lifecycleEvent('onboard', resident),
        lifecycleEvent('onboard', second),
      ]);
      if (setup.some((result) => result.outcome !== 'succeeded'))
        throw new Error(`setup failed: ${JSON.stringify(setup)}`);
      if (shardsOfRules(world, second.tenantId).join() !== '1')
        throw new Error('setup: the second tenant is not on the second shard');
      snapshot = await snapshotOf(world, world.requests);
    }, 60_000);

    const scenarios: Scenario[] = [
      ...onboardingFromRule().flatMap((step) =>
        FAULT_PLANS.map((plan) => ({
          label: `onboarding at ${step}`,
          operation: 'onboard' as const,
          step,
          plan,
        })),
      ),
      ...FAULT_PLANS.map((plan) => ({
        label: 'onboarding, going back at DeleteListenerRule',
        operation: 'onboard' as const,
        step: 'DeleteListenerRule' as const,
        plan,
        trigger: { step: 'ActivateTenant' as const, kind: 'fatal' as const, count: 1 },
      })),
      ...FAULT_PLANS.map((plan) => ({
        label: 'offboarding at DeleteListenerRule',
        operation: 'offboard' as const,
        step: 'DeleteListenerRule' as const,
        plan,
      })),
    ];

    it.each(scenarios.map((s) => [`${s.label}, ${s.plan.label}`, s] as const))('%s', async (_label, s) => {
      count('scenarios');
      const faults = [faultSpec(s.step, s.plan), ...(s.trigger ? [s.trigger] : [])];
      // The offboarding scenarios take the second shard's tenant away; the onboarding ones bring a
      // new tenant, whose only room is the second shard once the second tenant left it.
      let world = await openFrom(snapshot, []);
      try {
        const newcomer = newTenant('advanced');
        if (s.operation === 'onboard') {
          const [left] = await world.send([lifecycleEvent('offboard', second)]);
          expect(left?.outcome).toBe('succeeded');
        }
        const subject = s.operation === 'onboard' ? newcomer : second;
        world = await world.reopen(faults);
        const [result] = await world.send([lifecycleEvent(s.operation, subject)]);
        const fired = world.progress.filter(
          (p) => p.step === s.step && p.error !== undefined && INJECTED_NAMES.includes(p.error),
        ).length;
        count('faults', fired);
        expect(fired).toBeGreaterThan(0);

        const record = await world.runtime.tenant(subject.tenantId);
        const active = record?.lifecycleStatus === 'ACTIVE';
        // The outcome the plan decides: a fault within the retry budget is outlived, one past it (or a
        // failing trigger) fails the operation; a NotifySuccess that fails for good leaves the work
        // done (the watcher answers), and a crash after the final step's one write goes through or not
        // as that write did. Whatever it is, the record agrees with it.
        const finalCrash = s.step === OPERATION_TABLE[s.operation].finalStep && s.plan.kind === 'crash';
        const through = !s.trigger && (s.plan.succeeds || s.step === 'NotifySuccess');
        if (!finalCrash) expect(result?.outcome).toBe(through ? 'succeeded' : 'failed');
        const succeeded = result?.outcome === 'succeeded';
        if (s.operation === 'onboard') expect(active).toBe(succeeded);
        else expect(record?.lifecycleStatus).toBe(succeeded ? 'DELETED' : 'FAILED');
        if (s.operation === 'onboard' && active) {
          expect(shardsOfRules(world, subject.tenantId)).toEqual([1]);
          const groups = world.runtime.route(subject.tenantId).targetGroups;
          expect(groups.length).toBeGreaterThan(0);
          for (const group of groups) expect(group.healthy).toBeGreaterThan(0);
        }
        // Whatever happened, the watcher's cleanup included: the suite's invariants hold, and nothing
        // of a tenant that is not ACTIVE stays.
        const checked = await world.check();
        expect(checked.fresh).toEqual([]);
        if (!active) {
          expect(shardsOfRules(world, subject.tenantId)).toEqual([]);
          // The second shard's slot is free again: the next silo tenant takes it.
          const next = newTenant('advanced');
          world = await world.reopen([]);
          const [taken] = await world.send([lifecycleEvent('onboard', next)]);
          expect(taken?.outcome).toBe('succeeded');
          expect(shardsOfRules(world, next.tenantId)).toEqual([1]);
        }
        count('shardScenarios');
      } finally {
        await world.close();
      }
    });
  });
};
