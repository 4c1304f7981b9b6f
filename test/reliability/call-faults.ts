/**
 * Faults by call: the fault matrix puts each plan on a step's FIRST AWS call (usually a lookup), so a
 * write never failed there, and a crash followed the create in some steps and only the read in
 * others. Here every later call of every forward step of the saga cases gets its own scenarios: the
 * call fails for good (fatal), or takes effect and the handler dies (once: retried; past the budget:
 * the failure path must find what the call made by name and remove it).
 *
 * Which calls a step makes is read from a probe: one clean run of the case, whose injector reports
 * each step run's calls in order. The scenarios then assert what the fault matrix asserts of the same
 * plan (`assessSaga`): the outcome, the tenant map, the status event, and exactly the tier's resources
 * (or none) left.
 */
import { randomUUID } from 'node:crypto';
import { describe, it } from 'vitest';
import type { StepName } from '../../src/domain/saga.ts';
import type { StepCalls } from '../../src/local/index.ts';
import { count } from '../support/reliability/counters.ts';
import {
  FAULT_PLANS,
  type FaultPlan,
  SAGA_CASES,
  type SagaCase,
  within,
} from '../support/reliability/matrix.ts';
import {
  lifecycleEvent,
  newTenant,
  openFrom,
  openWorld,
  type Snapshot,
  type TestTenant,
} from '../support/reliability/world.ts';
import { assessSaga, prepare, runScenario } from './fault-matrix.ts';

/** One AWS call of a step, as the probe saw it: its place in the step's run, and what it was. */
export interface CallPoint {
  step: StepName;
  call: number;
  /** `service:Command` */
  what: string;
  /** Every call of that step run, in order. */
  calls: readonly string[];
}

/** A saga case, its prepared tenant (when it needs one), and the later calls of its forward steps. */
export interface ProbedCase {
  c: SagaCase;
  base: { snapshot: Snapshot; tenant: TestTenant } | undefined;
  points: CallPoint[];
}

/** The plans tried on each call: it fails for good (every call), or takes effect and the handler dies (a call that changes something). */
const FATAL = FAULT_PLANS.filter((plan) => plan.label === 'fatal');
const CRASHES = FAULT_PLANS.filter((plan) => ['crash', 'crash past the retry budget'].includes(plan.label));

/** A call that only reads: dying right after it is no different from failing at the next one. */
const READS = /:(Describe|List|Get|Query|Scan|BatchGet)/;

/** The plans for one call. */
export const plansFor = (point: CallPoint): readonly FaultPlan[] =>
  READS.test(point.what) ? FATAL : [...FATAL, ...CRASHES];

/**
 * How many times the status event of the scenario's request may go out again: a plan that lets the
 * notify step's PutEvents through and then kills it (or fails its ledger write after) leaves nothing
 * that could tell whether the event went out, so the retry (or the watcher) sends it again, once per
 * such kill: at-least-once by design, as in the kill scenarios.
 */
export const resendsAllowed = (point: CallPoint, plan: FaultPlan, calls: readonly string[]): number => {
  if (point.step !== 'NotifySuccess' && point.step !== 'NotifyFailure') return 0;
  const put = calls.indexOf('eventbridge:PutEvents') + 1;
  if (put === 0) return 0;
  const afterPut = plan.kind === 'crash' ? point.call >= put : point.call > put;
  return afterPut ? plan.count : 0;
};

const PROBE_LIMIT_MS = 20_000;

/**
 * Runs `c` once without faults and returns, for each of its forward steps, the calls of the step's
 * first run from the second on (the first is the fault matrix's).
 */
export const probe = async (c: SagaCase): Promise<ProbedCase> => {
  const base = c.needsTenant ? await prepare(c) : undefined;
  const runs: StepCalls[] = [];
  const onStepCalls = (run: StepCalls): void => {
    runs.push(run);
  };
  const world = base
    ? await openFrom(base.snapshot, [], { onStepCalls })
    : await openWorld([], { onStepCalls });
  const tenant = base?.tenant ?? newTenant(c.tier);
  try {
    const [result] = await within(
      world.send([lifecycleEvent(c.operation, tenant, randomUUID())]),
      PROBE_LIMIT_MS,
      `${c.label} probe`,
    );
    if (result?.outcome !== 'succeeded') throw new Error(`probe of ${c.label}: ${JSON.stringify(result)}`);
  } finally {
    await world.close();
  }
  const points: CallPoint[] = [];
  const seen = new Set<StepName>();
  for (const run of runs) {
    if (!c.steps.includes(run.step) || seen.has(run.step)) continue;
    seen.add(run.step);
    run.calls.forEach((what, index) => {
      if (index > 0) points.push({ step: run.step, call: index + 1, what, calls: run.calls });
    });
  }
  return { c, base, points };
};

export const describeCallFaults = (probed: readonly ProbedCase[]): void => {
  // A case none of whose calls is new (its operation's other cases made them all) has no scenario.
  const cases = probed.filter((p) => p.points.length > 0).map((p) => ({ ...p, label: p.c.label }));
  describe.each(cases)('faults by call: $label', ({ c, base, points }) => {
    it.each(
      points.flatMap((point) => plansFor(point).map((plan) => ({ ...point, plan, label: plan.label }))),
    )('$step call $call ($what): $label', async (point) => {
      const { step, call, what, plan } = point;
      const resends = resendsAllowed(point, plan, point.calls);
      count('faultsByCall');
      if (resends > 0) count('callFaultsInsidePublish');
      await runScenario(
        c,
        base,
        [{ step, kind: plan.kind, count: plan.count, call }],
        `${c.label} ${step} call ${call} (${what}) ${plan.label}`,
        (seen) => assessSaga(c, step, plan, seen),
        resends,
      );
    });
  });
};

/**
 * The saga cases probed: every one the fault matrix runs. Their calls are tried once per operation:
 * a step's call that another case of the operation already made at the same place, as the same
 * command, is not tried again (an advanced tenant's CreateTargetGroup is a premium one's).
 */
export const CALL_FAULT_CASES: readonly SagaCase[] = SAGA_CASES;

/** Leaves out of each case the call points an earlier case of its operation already has. */
export const distinctPoints = (probed: readonly ProbedCase[]): ProbedCase[] => {
  const seen = new Set<string>();
  return probed.map((p) => ({
    ...p,
    points: p.points.filter((point) => {
      const key = `${p.c.operation} ${point.step} ${point.calls.join(',')} ${point.call}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    }),
  }));
};
