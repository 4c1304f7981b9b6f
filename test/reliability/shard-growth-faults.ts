/**
 * The shard machine under faults: every Task state of it × every fault plan of the matrix, on the
 * committed ASL over the simulated cloud and dynalite, adding a shard to a one-shard stack
 * (`addShard`, as `tenantflow shards add` does). The undo steps are reached by a second fault: a
 * fatal one at RecordShard (before its write), after the load balancer and listener exist.
 *
 * Documented outcomes, whatever the fault:
 * - the execution ends (never hangs); the cloud and the shard registry agree: every load balancer
 *   named as an added shard is recorded ACTIVE with its one listener, or the run failed;
 * - within the budget (and after one crash) the shard is added; a forward step failing for good
 *   leaves nothing (no load balancer, listener or reservation), unless its write had gone through
 *   (RecordShard crashed after it): then the shard is kept and the run succeeds;
 * - an undo step failing for good may leave its load balancer or reservation: the next run adopts
 *   them (the same name, tagged as the shard; a reservation of a dead execution is taken over) and
 *   ends with exactly one shard more, nothing else left.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { StepName } from '../../src/domain/saga.ts';
import type { FaultSpec } from '../../src/local/index.ts';
import { count } from '../support/reliability/counters.ts';
import {
  FAULT_PLANS,
  type FaultPlan,
  faultSpec,
  INJECTED_NAMES,
  taskStates,
  within,
} from '../support/reliability/matrix.ts';
import { openFrom, openWorld, type Snapshot, snapshotOf, type World } from '../support/reliability/world.ts';

const SCENARIO_LIMIT_MS = 20_000;
const UNDO_STEPS: readonly StepName[] = ['DeleteShardListener', 'DeleteShardLoadBalancer', 'ReleaseShard'];

interface Scenario {
  step: StepName;
  plan: FaultPlan;
  trigger?: FaultSpec;
}

/** What exists of added shards: their load balancers and listeners in the cloud, and the registry. */
const addedShards = async (world: World) => {
  const items = world.runtime.inventory();
  const balancers = items.filter((item) => item.type === 'load-balancer' && /^tf-shard-\d+$/.test(item.id));
  const listeners = items.filter(
    (item) => item.type === 'listener' && /:listener\/app\/tf-shard-\d+\//.test(item.arn),
  );
  const registry = (await world.runtime.shards()).filter((shard) => shard.source === 'added');
  return { balancers, listeners, registry };
};

/** Every added load balancer is an ACTIVE shard of the registry with exactly its one listener. */
const expectAgreement = async (world: World) => {
  const { balancers, listeners, registry } = await addedShards(world);
  const active = registry.filter((shard) => shard.status === 'ACTIVE');
  expect(balancers.map((lb) => lb.id).sort()).toEqual(
    active.map((shard) => `tf-shard-${shard.number}`).sort(),
  );
  expect(listeners.map((l) => l.arn).sort()).toEqual(active.map((shard) => shard.listenerArn).sort());
  return active.length;
};

export const describeShardGrowthFaults = (): void => {
  describe('adding a load balancer shard under faults', () => {
    let snapshot: Snapshot;

    beforeAll(async () => {
      const world = await openWorld([], { shards: 1 });
      snapshot = await snapshotOf(world, world.requests);
      await world.close();
    }, 60_000);

    const forward = taskStates('shard').filter((step) => !UNDO_STEPS.includes(step));
    const scenarios: Scenario[] = [
      ...forward.flatMap((step) => FAULT_PLANS.map((plan) => ({ step, plan }))),
      ...UNDO_STEPS.flatMap((step) =>
        FAULT_PLANS.map((plan) => ({
          step,
          plan,
          trigger: { step: 'RecordShard' as const, kind: 'fatal' as const, count: 1 },
        })),
      ),
    ];

    it.each(scenarios.map((s) => [`${s.step}${s.trigger ? ' (undoing)' : ''}, ${s.plan.label}`, s] as const))(
      '%s',
      async (_label, s) => {
        count('scenarios');
        let world = await openFrom(snapshot, [faultSpec(s.step, s.plan), ...(s.trigger ? [s.trigger] : [])]);
        try {
          const run = await within(
            world.runtime.addShard('fault scenario'),
            SCENARIO_LIMIT_MS,
            'the shard run',
          );
          const fired = world.progress.filter(
            (p) => p.step === s.step && p.error !== undefined && INJECTED_NAMES.includes(p.error),
          ).length;
          count('faults', fired);
          expect(fired).toBeGreaterThan(0);

          const left = await addedShards(world);
          let added = 0;
          if (run.status === 'SUCCEEDED') {
            added = await expectAgreement(world);
            expect(added).toBe(1);
            expect(s.trigger === undefined && (s.plan.succeeds || s.step === 'RecordShard')).toBe(true);
          } else {
            expect(s.plan.succeeds && s.trigger === undefined).toBe(false);
            expect(left.registry.filter((shard) => shard.status === 'ACTIVE')).toEqual([]);
            // A forward step failing for good undoes everything (its undo steps run clean); an undo
            // step failing for good may leave its load balancer (tagged as the shard) or reservation.
            if (s.trigger === undefined || s.plan.succeeds)
              expect(left).toEqual({ balancers: [], listeners: [], registry: [] });
            else if (left.registry.length + left.balancers.length + left.listeners.length > 0)
              count('shardGrowthLeftovers');
          }

          // The next run, without faults, adds one shard more, adopting whatever was left.
          world = await world.reopen([]);
          const next = await within(
            world.runtime.addShard('after the fault'),
            SCENARIO_LIMIT_MS,
            'the next run',
          );
          expect(next.status).toBe('SUCCEEDED');
          expect(await expectAgreement(world)).toBe(added + 1);
          expect((await addedShards(world)).registry.every((shard) => shard.status === 'ACTIVE')).toBe(true);
          count('shardGrowths');
        } finally {
          await world.close();
        }
      },
    );
  });
};
