/**
 * The saga's decisions, declared once as data: the xstate guards evaluate these conditions and the
 * ASL compiler turns the same entries into Choice rules, so both engines branch on identical tests.
 */

/** An equality test on one field of the saga state (a JSON document). */
export interface Condition {
  /** Field names from the document root, e.g. `['request', 'tier']`. */
  path: readonly string[];
  equals: string | boolean;
}

/** Every guard a model may name. */
export const GUARD_CONDITIONS = {
  isPremium: { path: ['request', 'tier'], equals: 'premium' },
  isAdvanced: { path: ['request', 'tier'], equals: 'advanced' },
  isBasic: { path: ['request', 'tier'], equals: 'basic' },
  isHealthy: { path: ['health', 'healthy'], equals: true },
} as const satisfies Record<string, Condition>;

export type GuardName = keyof typeof GUARD_CONDITIONS;

/** Every delay a model may name, in seconds (the ASL Wait `Seconds`). */
export const DELAY_SECONDS = {
  /** Pause between two readiness checks of a new service. */
  healthPoll: 15,
} as const;

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
  valueAt(document, condition.path) === condition.equals;

/** The condition as an ASL Choice rule (without `Next`). */
export const toChoiceRule = (
  condition: Condition,
): { Variable: string; StringEquals?: string; BooleanEquals?: boolean } => {
  const Variable = `$.${condition.path.join('.')}`;
  return typeof condition.equals === 'string'
    ? { Variable, StringEquals: condition.equals }
    : { Variable, BooleanEquals: condition.equals };
};
