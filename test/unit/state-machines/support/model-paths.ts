import { getSimplePaths } from 'xstate/graph';
import type { MachineId } from '../../../../src/domain/saga.ts';
import type { CaughtError } from '../../../../src/domain/saga-state.ts';
import { toCaughtError } from '../../../../state-machines/caught-error.ts';
import { MACHINES } from '../../../../state-machines/index.ts';

/** What one step did on a path: returned a new document, or failed. */
export type Outcome =
  | { step: string; kind: 'done'; output: unknown }
  | { step: string; kind: 'error'; error: CaughtError; thrown: Error };

/** One complete run of a model: the outcomes fed in, the steps it ran, where it ended. */
export interface ModelPath {
  outcomes: Outcome[];
  steps: string[];
  final: string;
  state: unknown;
}

export const INPUT = { detail: { tenantId: 't-1' } };
/** One placement of each shape the guards tell apart: pooled, own service, own cluster. */
export const PLACEMENTS = [
  { tier: 'basic', cluster: 'shared', service: 'pooled' },
  { tier: 'advanced', cluster: 'shared', service: 'own' },
  { tier: 'premium', cluster: 'dedicated', service: 'own' },
] as const;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const fatal = (step: string): Error => {
  const error = new Error(`${step} broke`);
  error.name = 'FatalError';
  return error;
};

/** Each step leaves a trace in the document, so a lost or misplaced output shows up in the final state. */
const outputsOf = (step: string, state: unknown): unknown[] => {
  if (step === 'ValidateRequest')
    return PLACEMENTS.map((placement) => ({
      request: { tier: placement.tier },
      placement,
      resources: {},
      trail: [],
    }));
  const document = isRecord(state) ? state : {};
  const trail = Array.isArray(document.trail) ? document.trail : [];
  const next = { ...document, trail: [...trail, step] };
  // After a final step failed, its write went through (nothing to undo), or it did not.
  if (step === 'ConfirmCommitted') return [true, false].map((committed) => ({ ...next, committed }));
  // The switch says how long requests to the source may take (DrainPrevious waits that long).
  if (step === 'SwitchRouting')
    return [
      {
        ...next,
        migration: { ...(isRecord(document.migration) ? document.migration : {}), drainSeconds: 30 },
      },
    ];
  // The loops (health polls, waits for another execution's lock, a release's deployment and its
  // rollback) are taken once at most: enough to walk each wait, and it keeps the graph finite.
  const rollout = ROLLOUT_OUTPUTS[step] ?? SHARD_OUTPUTS[step];
  if (rollout) return rollout(document).map((change) => ({ ...next, ...change }));
  const loop = LOOPS[step];
  if (!loop) return [next];
  const attempts = loop.attempts(document);
  const verdicts = attempts === 0 ? [true, false] : [true];
  return verdicts.map((yes) => ({ ...next, ...loop.next(document, attempts + 1, yes) }));
};

const attemptsOf = (value: unknown): number =>
  isRecord(value) && typeof value.attempts === 'number' ? value.attempts : 0;
const updateOf = (document: Record<string, unknown>): Record<string, unknown> =>
  isRecord(document.update) ? document.update : {};

const progressOf = (document: Record<string, unknown>): Record<string, unknown> =>
  isRecord(document.progress) ? document.progress : {};
const countOf = (value: unknown): number => (typeof value === 'number' ? value : 0);

/**
 * The rollout's steps, by what the machine's choices read of them: a wave settles (or not yet) and
 * passes (or not); a bake goes on, leads to the next wave, or ends the rollout; a rollback settles.
 * Each loop is taken once at most, and one next wave at most, to keep the graph finite.
 */
const ROLLOUT_OUTPUTS: Record<string, (document: Record<string, unknown>) => Record<string, unknown>[]> = {
  PlanRollout: () => [
    { progress: { phase: 'running', looks: 0, bakes: 0, waves: 0 } },
    { progress: { phase: 'done' }, report: { status: 'completed' } },
  ],
  RunWave: (document) => {
    const progress = progressOf(document);
    const looks = countOf(progress.looks) + 1;
    const settled = [true, false].map((passed) => ({
      progress: { ...progress, looks, settled: true, passed },
    }));
    return looks === 1 ? [{ progress: { ...progress, looks, settled: false } }, ...settled] : settled;
  },
  BakeWave: (document) => {
    const progress = progressOf(document);
    const bakes = countOf(progress.bakes);
    const waves = countOf(progress.waves);
    return [
      { progress: { ...progress, phase: 'done' }, report: { status: 'completed' } },
      ...(waves === 0 ? [{ progress: { ...progress, phase: 'running', settled: false, waves: 1 } }] : []),
      ...(bakes === 0 ? [{ progress: { ...progress, phase: 'baking', bakes: 1 } }] : []),
      // The alarm went into ALARM: once, so the graph stays finite.
      ...(bakes === 0 && waves === 0
        ? [{ progress: { ...progress, alarm: 'alarm x went into ALARM' } }]
        : []),
    ];
  },
  RollBackWave: (document) => {
    const progress = progressOf(document);
    const looks = countOf(progress.backLooks) + 1;
    const done = {
      progress: { ...progress, backLooks: looks, settled: true, phase: 'done' },
      report: { status: 'halted' },
    };
    return looks === 1 ? [{ progress: { ...progress, backLooks: looks, settled: false } }, done] : [done];
  },
  // What it read decides: a completed report, or (a step failed for good) a halted one.
  ReportRollout: (document) => [
    isRecord(document.report) && !document.failure ? {} : { report: { status: 'halted' } },
  ],
};

/**
 * The shard machine's steps, by what its choices read: a shard to add or nothing to add; the load
 * balancer active at once, or after one more look; an undo step finding the shard recorded ACTIVE.
 */
const SHARD_OUTPUTS: Record<string, (document: Record<string, unknown>) => Record<string, unknown>[]> = {
  PlanShard: () => [
    { outcome: 'adding', shard: { index: 6, name: 'tf-shard-7' } },
    { outcome: 'not-needed' },
  ],
  WaitForLoadBalancer: (document) =>
    countOf(document.looks) === 0
      ? [
          { looks: 1, ready: true },
          { looks: 1, ready: false },
        ]
      : [{ looks: 2, ready: true }],
  ReleaseShard: () => [{}, { committed: true }],
};

/** The steps that are looked at again until they say yes, and how each says it. */
const LOOPS: Record<
  string,
  {
    attempts: (document: Record<string, unknown>) => number;
    next: (document: Record<string, unknown>, attempts: number, yes: boolean) => Record<string, unknown>;
  }
> = {
  WaitForHealthy: {
    attempts: (document) => attemptsOf(document.health),
    next: (_, attempts, yes) => ({ health: { attempts, healthy: yes, detail: '' } }),
  },
  LockTenant: {
    attempts: (document) => attemptsOf(document.lockWait),
    next: (_, attempts, yes) => ({ lockWait: { held: yes, attempts } }),
  },
  WaitForDeployment: {
    attempts: (document) => attemptsOf(updateOf(document).deployment),
    next: (document, attempts, yes) => ({
      update: { ...updateOf(document), deployment: { attempts, done: yes, detail: '' } },
    }),
  },
  RollBackRelease: {
    attempts: (document) => attemptsOf(updateOf(document).rollback),
    next: (document, attempts, yes) => ({
      update: { ...updateOf(document), rollback: { attempts, done: yes, detail: '' } },
    }),
  },
};

/**
 * Every path of the model from start to a final state (xstate/graph simple paths), driving each
 * step actor with its done events and a fatal error. At most one compensation fails per path: the
 * chain's behaviour after a failed compensation is the same wherever it happens.
 */
const computed = new Map<MachineId, ModelPath[]>();

/** Every path of `machine`'s model (enumerated once per machine and test file: the larger models take seconds). */
export const modelPaths = (machine: MachineId): ModelPath[] => {
  const known = computed.get(machine);
  if (known) return known;
  const paths = enumeratePaths(machine);
  computed.set(machine, paths);
  return paths;
};

const enumeratePaths = (machine: MachineId): ModelPath[] => {
  const logic = MACHINES[machine];
  const paths = getSimplePaths(logic, {
    input: { execution: 'exec-1', input: INPUT },
    toState: (snapshot) => snapshot.status === 'done',
    events: (snapshot) => {
      const name = String(snapshot.value);
      const node = logic.root.states[name];
      if (!node) return [];
      if (node.after.length > 0) return node.after.map((after) => ({ type: after.eventType }));
      const [invoke] = node.invoke;
      if (!invoke) return [];
      const state = snapshot.context.state;
      const isCompensation = (node.transitions.get(`xstate.error.actor.${invoke.id}`) ?? []).some((t) =>
        t.actions.some((action) => isRecord(action) && action.type === 'recordCompensationError'),
      );
      const mayFail = !(isCompensation && isRecord(state) && state.compensationErrors);
      const done = outputsOf(name, state).map((output) => ({
        type: `xstate.done.actor.${invoke.id}`,
        output,
      }));
      return mayFail ? [...done, { type: `xstate.error.actor.${invoke.id}`, error: fatal(name) }] : done;
    },
  });
  return paths.map((path) => {
    const outcomes: Outcome[] = [];
    for (const { event } of path.steps) {
      const match = /^xstate\.(done|error)\.actor\.(.+)$/.exec(event.type);
      if (!match?.[2]) continue;
      const step = match[2];
      if (match[1] === 'done') outcomes.push({ step, kind: 'done', output: event.output });
      else {
        const thrown = event.error instanceof Error ? event.error : fatal(step);
        outcomes.push({ step, kind: 'error', error: toCaughtError(thrown), thrown });
      }
    }
    return {
      outcomes,
      steps: outcomes.map((outcome) => outcome.step),
      final: String(path.state.value),
      state: path.state.context.state,
    };
  });
};
