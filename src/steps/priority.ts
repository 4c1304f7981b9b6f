/** Listener rule priorities AWS allows (unique per listener). */
export const PRIORITY_MIN = 1;
export const PRIORITY_MAX = 50_000;

/** How many claims a step tries before giving up for this attempt (the ASL retries the step). */
export const MAX_PRIORITY_ATTEMPTS = 10;

/**
 * The lowest priority in 1..`max` (at most 50000) that is not in `taken` (claimed in the registry, used by a rule
 * on the listener, or already tried by this step), or `undefined` when every one is taken.
 */
export const lowestFreePriority = (
  taken: ReadonlySet<number>,
  max: number = PRIORITY_MAX,
): number | undefined => {
  for (let priority = PRIORITY_MIN; priority <= Math.min(max, PRIORITY_MAX); priority += 1) {
    if (!taken.has(priority)) return priority;
  }
  return undefined;
};

/**
 * The priority to try next for `tenantId`: its own earlier claim when one is still usable (a retried
 * step keeps what it claimed), else the lowest priority neither claimed, used by a rule, nor tried.
 */
export const choosePriority = (input: {
  tenantId: string;
  usedByRules: ReadonlySet<number>;
  claims: ReadonlyArray<{ priority: number; tenantId: string }>;
  tried: ReadonlySet<number>;
  /** The highest priority to use: the shard's capacity (its slots are priorities 1..max). */
  max?: number;
}): number | undefined => {
  const usable = (priority: number): boolean =>
    !input.usedByRules.has(priority) && !input.tried.has(priority) && priority <= (input.max ?? PRIORITY_MAX);
  const own = input.claims
    .filter((claim) => claim.tenantId === input.tenantId && usable(claim.priority))
    .map((claim) => claim.priority)
    .sort((a, b) => a - b);
  if (own[0] !== undefined) return own[0];
  return lowestFreePriority(
    new Set([...input.usedByRules, ...input.claims.map((claim) => claim.priority), ...input.tried]),
    input.max,
  );
};
