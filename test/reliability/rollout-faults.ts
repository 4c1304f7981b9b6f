/**
 * The rollout machine under faults: every Task state of it × every fault plan of the matrix
 * (transient and throttle once and past the Retry budget, fatal, crash once and past the budget), on
 * the committed ASL over the simulated cloud and dynalite, with three advanced tenants in two waves
 * (a canary, then the rest) and a bake between them. RollBackWave is reached by a fourth fault: one
 * tenant's update failing at its deployment in the second wave.
 *
 * Documented outcomes, whatever the fault:
 * - the rollout execution ends (never hangs), and exactly one summary event goes out for it: its last
 *   step's, or the watcher's when that step failed for good;
 * - every tenant is served on exactly one release, which its record names: unlocked, ACTIVE, one
 *   revision, its service healthy, and reconcile finds nothing to report;
 * - within the budget (and after one crash) the rollout ends as a clean run does: completed with every
 *   tenant on the release, or (RollBackWave) halted with the failed wave back on the release before;
 * - past the budget, or fatal: halted, the reason naming the step; tenants whose updates had started
 *   finish them (each update is a saga of its own).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ROLLOUT_SUMMARY } from '../../src/app/rollout.ts';
import type { Release } from '../../src/domain/release.ts';
import type { RolloutRequest } from '../../src/domain/rollout.ts';
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

const RELEASE: Release = { version: '4.0.0', image: 'public.ecr.aws/example/tenant-app:4.0.0' };
const REQUEST: RolloutRequest = {
  tier: 'advanced',
  release: RELEASE,
  waves: '1,100%',
  // One poll of the machine's bake: BakeWave runs twice between the waves.
  bakeSeconds: 20,
  concurrency: 4,
};
const SCENARIO_LIMIT_MS = 20_000;

/** The steps a clean rollout runs; RollBackWave only runs once a wave failed its gate. */
const FORWARD = ['PlanRollout', 'RunWave', 'BakeWave', 'ReportRollout'] as const;

/** Each tenant's status and release version, in tenant order. */
const releasesOf = async (world: World, tenants: readonly TestTenant[]): Promise<string[]> =>
  Promise.all(
    tenants.map(async (tenant) => {
      const record = await world.runtime.tenant(tenant.tenantId);
      return `${record?.lifecycleStatus}${record?.lock ? ' locked' : ''} ${record?.release?.version ?? 'initial'}`;
    }),
  );

/**
 * Every tenant served on exactly one release its record names: one revision of its own, the service
 * healthy behind its target group, and reconcile (no repair) finding nothing.
 */
const expectWhole = async (world: World, tenants: readonly TestTenant[]): Promise<void> => {
  for (const tenant of tenants) {
    const record = await world.runtime.tenant(tenant.tenantId);
    expect({ status: record?.lifecycleStatus, lock: record?.lock }).toEqual({
      status: 'ACTIVE',
      lock: undefined,
    });
    const revisions = world.runtime
      .inventory()
      .filter((item) => item.type === 'task-definition' && item.tenantId === tenant.tenantId)
      .map((item) => item.arn);
    expect(revisions).toEqual([record?.resources.taskDefinition?.arn]);
    const route = world.runtime.route(tenant.tenantId);
    expect(route.targetGroups.length).toBeGreaterThan(0);
    for (const group of route.targetGroups) expect(group.healthy).toBeGreaterThan(0);
  }
  const report = await world.runtime.reconcile({ repair: false });
  expect(report.drifts.map((drift) => `${drift.kind} ${drift.resource}`)).toEqual([]);
  // And by the invariant checker, which reads the simulated cloud and the table without the product's
  // reconcile: nothing orphaned or untagged, no lock held, no status event missing or extra.
  const checked = await world.check();
  expect(checked.fresh).toEqual([]);
};

interface Scenario {
  step: string;
  plan: FaultPlan;
  /** The second wave fails its gate (one tenant's update fails at its deployment): RollBackWave runs. */
  failingWave: boolean;
}

/**
 * Runs `request` in `world` (whose fault plan is `s`'s) to its end, and checks what every scenario
 * must show: the fault's step really ran and its fault fired (or the scenario proves nothing), and one
 * summary went out however the rollout ended (the watcher's, halted, naming the execution's end, when
 * the report itself failed for good: the work done all the same).
 */
const rolloutUnderFault = async (world: World, s: Scenario, request: RolloutRequest, label: string) => {
  const summariesBefore = world.runtime
    .publishedEvents()
    .filter((event) => event.detailType === ROLLOUT_SUMMARY).length;
  const run = await within(world.runtime.rollout(request), SCENARIO_LIMIT_MS, label);
  const fired = world.progress.filter(
    (p) => p.step === s.step && p.error !== undefined && INJECTED_NAMES.includes(p.error),
  ).length;
  count('faults', fired);
  expect(fired).toBeGreaterThan(0);
  const summaries = world.runtime
    .publishedEvents()
    .filter((event) => event.detailType === ROLLOUT_SUMMARY)
    .slice(summariesBefore)
    .map((event) => event.detail as { status: string; reason?: string });
  const reportLost = s.step === 'ReportRollout' && !s.plan.succeeds;
  expect(summaries.map((summary) => summary.status)).toEqual([reportLost ? 'halted' : run.report.status]);
  return { run, summaries, reportLost };
};

export const describeRolloutFaults = (): void => {
  describe('the rollout machine under faults', () => {
    let snapshot: Snapshot;
    let tenants: TestTenant[];

    beforeAll(async () => {
      tenants = Array.from({ length: 3 }, () => newTenant('advanced')).sort((a, b) =>
        a.tenantId.localeCompare(b.tenantId),
      );
      const world = await openWorld();
      const setup = await world.send(tenants.map((tenant) => lifecycleEvent('onboard', tenant)));
      if (setup.some((result) => result.outcome !== 'succeeded'))
        throw new Error(`setup failed: ${JSON.stringify(setup)}`);
      snapshot = await snapshotOf(world, world.requests);
    }, 60_000);

    it('covers every Task state of the rollout machine', () => {
      const covered = new Set<string>([...FORWARD, 'RollBackWave']);
      expect(taskStates('rollout').filter((step) => !covered.has(step))).toEqual([]);
    });

    const scenarios: Scenario[] = [
      ...FORWARD.flatMap((step) => FAULT_PLANS.map((plan) => ({ step, plan, failingWave: false }))),
      ...FAULT_PLANS.map((plan) => ({ step: 'RollBackWave', plan, failingWave: true })),
    ];

    it.each(scenarios.map((s) => [`${s.step}, ${s.plan.label}`, s] as const))('%s', async (label, s) => {
      count('scenarios');
      const [canary, failing, other] = tenants as [TestTenant, TestTenant, TestTenant];
      const faults: FaultSpec[] = [
        faultSpec(s.step as FaultSpec['step'], s.plan),
        ...(s.failingWave
          ? [
              {
                step: 'WaitForDeployment' as const,
                kind: 'fatal' as const,
                count: 1,
                execution: failing.tenantId,
              },
            ]
          : []),
      ];
      const world = await openFrom(snapshot, faults);
      try {
        const { run, summaries, reportLost } = await rolloutUnderFault(world, s, REQUEST, label);

        const releases = await releasesOf(world, tenants);
        if (s.plan.succeeds) {
          expect(run.report.status).toBe(s.failingWave ? 'halted' : 'completed');
          expect(run.status).toBe(s.failingWave ? 'FAILED' : 'SUCCEEDED');
          // The failed wave went back to the release each of its tenants ran before; the canary stays.
          expect(releases).toEqual(
            s.failingWave
              ? ['ACTIVE 4.0.0', 'ACTIVE initial', 'ACTIVE initial']
              : tenants.map(() => 'ACTIVE 4.0.0'),
          );
          if (s.failingWave) expect(run.report.rolledBack).toBe(1);
        } else {
          expect({ status: run.status, report: run.report.status }).toEqual({
            status: 'FAILED',
            report: reportLost ? 'completed' : 'halted',
          });
          // The reason names the step that failed for good (the watcher's names the execution's end).
          expect(summaries[0]?.reason).toContain(
            s.step === 'ReportRollout' ? 'the rollout execution failed' : s.step,
          );
          const expected: Record<string, string[][]> = {
            // Nothing planned: nobody touched.
            PlanRollout: [tenants.map(() => 'ACTIVE initial')],
            // The first look never got anywhere: nobody started; or (crash) it may have started the canary.
            RunWave: [
              tenants.map(() => 'ACTIVE initial'),
              ['ACTIVE 4.0.0', 'ACTIVE initial', 'ACTIVE initial'],
            ],
            // Halted in the bake: the canary is on the release, the rest not.
            BakeWave: [['ACTIVE 4.0.0', 'ACTIVE initial', 'ACTIVE initial']],
            // Everything done; only the report failed (the watcher sent it).
            ReportRollout: [tenants.map(() => 'ACTIVE 4.0.0')],
            // The wave's rollback did not finish: the one that went through stays on whichever release.
            RollBackWave: [
              ['ACTIVE 4.0.0', 'ACTIVE initial', 'ACTIVE 4.0.0'],
              ['ACTIVE 4.0.0', 'ACTIVE initial', 'ACTIVE initial'],
            ],
          };
          expect(expected[s.step]).toContainEqual(releases);
        }
        await expectWhole(world, [canary, failing, other]);
        count('rollouts');
      } finally {
        await world.close();
      }
    });
  });
};

const BROKEN: Release = { version: '4.1.0', image: 'public.ecr.aws/example/tenant-app:4.1.0-broken' };
const POOLED: RolloutRequest = { ...REQUEST, tier: 'basic' };

/** The pooled family's ACTIVE revisions (ARNs, sorted). */
const poolRevisions = (world: World): string[] =>
  world.runtime
    .inventory()
    .filter((item) => item.type === 'task-definition' && /-pooled:\d+$/.test(item.id))
    .filter((item) => item.status === 'ACTIVE')
    .map((item) => item.arn)
    .sort();

/**
 * A pooled tier's rollout (the shared stack's pooled service, one wave) under the same matrix, with
 * one basic tenant in the pool. RollBackWave is reached with a release the simulated circuit breaker
 * rolls back. Whatever the fault: the pool serves on exactly one release (the stack's or the new
 * one), its tenant's route healthy, the stack's own revision kept; a revision left registered but not
 * running only when the rollout halted for good (counted: the next pooled rollout removes it).
 */
export const describePooledRolloutFaults = (): void => {
  describe('a pooled tier’s rollout under faults', () => {
    let snapshot: Snapshot;
    let tenant: TestTenant;
    let stackRevisions: string[];

    beforeAll(async () => {
      tenant = newTenant('basic');
      const world = await openWorld();
      const setup = await world.send([lifecycleEvent('onboard', tenant)]);
      if (setup.some((result) => result.outcome !== 'succeeded'))
        throw new Error(`setup failed: ${JSON.stringify(setup)}`);
      stackRevisions = poolRevisions(world);
      snapshot = await snapshotOf(world, world.requests);
    }, 60_000);

    const scenarios: Scenario[] = [
      ...FORWARD.flatMap((step) => FAULT_PLANS.map((plan) => ({ step, plan, failingWave: false }))),
      ...FAULT_PLANS.map((plan) => ({ step: 'RollBackWave', plan, failingWave: true })),
    ];

    it.each(scenarios.map((s) => [`${s.step}, ${s.plan.label}`, s] as const))('%s', async (label, s) => {
      count('scenarios');
      const world = await openFrom(snapshot, [faultSpec(s.step as FaultSpec['step'], s.plan)]);
      try {
        const request = s.failingWave ? { ...POOLED, release: BROKEN } : POOLED;
        const { run, summaries } = await rolloutUnderFault(world, s, request, label);

        const pool = await world.runtime.poolRelease();
        if (s.plan.succeeds) {
          expect(run.report.status).toBe(s.failingWave ? 'halted' : 'completed');
          // The broken release was rolled back by the circuit breaker: the pool is on the stack's again.
          expect(pool?.version).toBe(s.failingWave ? 'initial' : '4.0.0');
          if (s.failingWave) expect(run.report.rolledBack).toBe(1);
        } else {
          expect(run.status).toBe('FAILED');
          expect(summaries[0]?.reason).toContain(
            s.step === 'ReportRollout' ? 'the rollout execution failed' : s.step,
          );
          const expected: Record<string, string[]> = {
            PlanRollout: ['initial'],
            // The first look failed before it deployed, or (crash) after.
            RunWave: ['initial', '4.0.0'],
            BakeWave: ['4.0.0'],
            ReportRollout: ['4.0.0'],
            RollBackWave: ['initial'],
          };
          expect(expected[s.step]).toContain(pool?.version);
        }
        // One working release: the pool ACTIVE on it, its tenant served (through at least one group).
        expect(pool).toBeDefined();
        const groups = world.runtime.route(tenant.tenantId).targetGroups;
        expect(groups.length).toBeGreaterThan(0);
        for (const group of groups) expect(group.healthy).toBeGreaterThan(0);
        const revisions = poolRevisions(world);
        expect(revisions).toEqual(expect.arrayContaining([...stackRevisions, pool?.taskDefinition]));
        const stray = revisions.filter(
          (arn) => !stackRevisions.includes(arn) && arn !== pool?.taskDefinition,
        ).length;
        if (s.plan.succeeds) expect(stray).toBe(0);
        count('strayPoolRevisions', stray);
        count('rollouts');
        count('pooledRollouts');
      } finally {
        await world.close();
      }
    });
  });
};
