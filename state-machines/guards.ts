import { DELAY_SECONDS, type DelayLength } from '../src/domain/saga.ts';

/**
 * The saga's decisions, declared once as data: the xstate guards evaluate these conditions and the
 * ASL compiler turns the same entries into Choice rules, so both engines branch on identical tests.
 */

/** A test on one field of the saga state (a JSON document): its value, or that it is there at all. */
export type Condition =
  | {
      /** Field names from the document root, e.g. `['request', 'tier']`. */
      path: readonly string[];
      equals: string | boolean;
    }
  | { path: readonly string[]; present: true };

/**
 * Every guard a model may name. They test what the placement can do, never a tier's name: a new
 * tier is a catalogue row, not a change here.
 */
export const GUARD_CONDITIONS = {
  /** The tenant runs its own service (silo service or silo cluster). */
  ownsService: { path: ['placement', 'service'], equals: 'own' },
  /** The tenant runs in a cluster of its own. */
  hasDedicatedCluster: { path: ['placement', 'cluster'], equals: 'dedicated' },
  isHealthy: { path: ['health', 'healthy'], equals: true },
  /** LockTenant got the tenant (otherwise another execution still holds it). */
  holdsLock: { path: ['lockWait', 'held'], equals: true },
  /** The final step failed, but its write had gone through (ConfirmCommitted): nothing to undo. */
  committed: { path: ['committed'], equals: true },
  /** The migration's source could not be removed whole: the execution ends failed, for its cleanup. */
  sourceLeft: { path: ['compensationErrors', 'RemoveMigrationSource'], present: true },
  /** The saga carries a failure past which it went on (a migration's end failed after its commit). */
  carriesFailure: { path: ['failure'], present: true },
  /** A migration past its switch (committed): only forward from here, removing the source. */
  rollsForward: { path: ['migration', 'phase'], equals: 'removing' },
  /** The release's deployment completed with healthy targets (WaitForDeployment). */
  isDeployed: { path: ['update', 'deployment', 'done'], equals: true },
  /** The service is back on the revision it ran before the update (RollBackRelease). */
  isRolledBack: { path: ['update', 'rollback', 'done'], equals: true },
  /** The rollout has a wave to run (or the retry of the tenants it passed over). */
  waveRunning: { path: ['progress', 'phase'], equals: 'running' },
  /** Every tenant of the rollout's wave (or of its rollback) has an outcome. */
  waveSettled: { path: ['progress', 'settled'], equals: true },
  /** The wave settled with no tenant failed: its gate passed. */
  wavePassed: { path: ['progress', 'passed'], equals: true },
  /** The rollout's alarm went into ALARM after a wave: the wave is rolled back. */
  alarmRaised: { path: ['progress', 'alarm'], present: true },
  /** Nothing left for the rollout to do: it reports. */
  rolloutDone: { path: ['progress', 'phase'], equals: 'done' },
  /** The rollout reported itself completed (otherwise the execution ends failed: halted). */
  rolloutCompleted: { path: ['report', 'status'], equals: 'completed' },
  /** The shard machine reserved a shard to add (otherwise there is nothing to add). */
  shardPlanned: { path: ['outcome'], equals: 'adding' },
  /** The new shard's load balancer is active: it may take its listener. */
  shardReady: { path: ['ready'], equals: true },
  /** The offboarding cleans up after an execution that died (it first waits out that one's steps). */
  isCleanup: { path: ['request', 'cleanup'], present: true },
} as const satisfies Record<string, Condition>;

export type GuardName = keyof typeof GUARD_CONDITIONS;

export { DELAY_SECONDS };

export type DelayName = keyof typeof DELAY_SECONDS;

export const isGuardName = (value: string): value is GuardName => Object.hasOwn(GUARD_CONDITIONS, value);
export const isDelayName = (value: string): value is DelayName => Object.hasOwn(DELAY_SECONDS, value);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The value at `path` in `document`, or `undefined` when any part is missing. */
export const valueAt = (document: unknown, path: readonly string[]): unknown => {
  let current: unknown = document;
  for (const key of path) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
};

/** True when `condition` holds on the saga state `document`. */
export const conditionHolds = (condition: Condition, document: unknown): boolean =>
  'present' in condition
    ? valueAt(document, condition.path) !== undefined
    : valueAt(document, condition.path) === condition.equals;

/** One comparison of an ASL Choice rule. */
export type ChoiceTest =
  | { Variable: string; IsPresent: boolean }
  | { Variable: string; StringEquals: string }
  | { Variable: string; BooleanEquals: boolean };

/**
 * The condition as an ASL Choice rule (without `Next`). An equality first tests that the field is
 * there: Step Functions fails the execution (States.Runtime) on a comparison with a missing field,
 * where the xstate guard simply does not hold.
 */
export const toChoiceRule = (condition: Condition): ChoiceTest | { And: ChoiceTest[] } => {
  const Variable = `$.${condition.path.join('.')}`;
  if ('present' in condition) return { Variable, IsPresent: true };
  const equals: ChoiceTest =
    typeof condition.equals === 'string'
      ? { Variable, StringEquals: condition.equals }
      : { Variable, BooleanEquals: condition.equals };
  return { And: [{ Variable, IsPresent: true }, equals] };
};

/**
 * A wait's milliseconds in an xstate run: its fixed seconds, or the seconds the state holds where it
 * says (as the ASL `SecondsPath`, which fails the execution when they are not a whole number ≥ 0).
 */
export const delayMs = (length: DelayLength, state: unknown): number => {
  if (typeof length === 'number') return length * 1000;
  const seconds = valueAt(state, length.secondsAt);
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0)
    throw new Error(`States.Runtime: $.${length.secondsAt.join('.')} is not a whole number of seconds`);
  return seconds * 1000;
};
