/**
 * Counters of the reliability suite, summed over every scenario and printed once at the end of the
 * run. They live in memory: the whole suite runs in one test file (see test/reliability/), so one
 * module instance sees every scenario and the summary reports what really ran.
 */
export interface ReliabilityCounters {
  scenarios: number;
  faults: number;
  /** Scenarios whose fault hit a step's later AWS call (call-faults.ts), and the distinct calls they hit. */
  faultsByCall: number;
  callsFaulted: number;
  /** Of those, scenarios whose fault let a status event out and then killed or failed its ledger write. */
  callFaultsInsidePublish: number;
  /** Bad inputs and duplicate deliveries sent to the embedded default (whole runtime, end to end). */
  badInputs: number;
  duplicates: number;
  /** Property runs against the parser and the ingress handler over fakes: counted apart, being cheap. */
  propertyRuns: number;
  /**
   * Executions an interruption left that the restart recovered, and kills that landed between an
   * answer going out and its execution being recorded done (where one resend is tolerated).
   */
  recoveries: number;
  killsInsidePublish: number;
  orphans: number;
  missingEvents: number;
  extraEvents: number;
  missingResources: number;
  heldLocks: number;
  placementChanges: number;
  /** Findings of the independent checker (raw-cloud.ts): resources nothing accounts for, or gone that were no tenant's. */
  independentFindings: number;
  /** World checks the independent checker ran in. */
  independentChecks: number;
  kills: number;
  interrupts: number;
  stuckTenants: number;
  resent: number;
  /** Release update scenarios (fault matrix), and those that ended on the new release. */
  updates: number;
  updatedToNew: number;
  /** Revisions a tidying step that failed for good left, reported by reconcile and removed by its repair. */
  strayRevisions: number;
  /** Rollouts run under a fault of the rollout machine (rollout-faults.ts), and those of a pooled tier. */
  rollouts: number;
  pooledRollouts: number;
  /** Pooled revisions a rollout halted for good left registered (the next pooled rollout removes them). */
  strayPoolRevisions: number;
  /** Scenarios on a sharded stack (shard-faults.ts). */
  shardScenarios: number;
  /** Shard machine runs under a fault (shard-growth-faults.ts), and those that left something for the next run. */
  shardGrowths: number;
  shardGrowthLeftovers: number;
}

const counters: ReliabilityCounters = {
  scenarios: 0,
  faults: 0,
  faultsByCall: 0,
  callsFaulted: 0,
  callFaultsInsidePublish: 0,
  badInputs: 0,
  duplicates: 0,
  propertyRuns: 0,
  recoveries: 0,
  killsInsidePublish: 0,
  orphans: 0,
  missingEvents: 0,
  extraEvents: 0,
  missingResources: 0,
  heldLocks: 0,
  placementChanges: 0,
  independentFindings: 0,
  independentChecks: 0,
  kills: 0,
  interrupts: 0,
  stuckTenants: 0,
  resent: 0,
  updates: 0,
  updatedToNew: 0,
  strayRevisions: 0,
  rollouts: 0,
  pooledRollouts: 0,
  strayPoolRevisions: 0,
  shardScenarios: 0,
  shardGrowths: 0,
  shardGrowthLeftovers: 0,
};

/** Adds `by` (default 1) to one counter. */
export const count = (key: keyof ReliabilityCounters, by = 1): void => {
  counters[key] += by;
};

/** A copy of the counters as they stand. */
export const snapshot = (): ReliabilityCounters => ({ ...counters });

/** The one summary line the issue asks for, from the live counters. */
export const summaryLine = (c: ReliabilityCounters = snapshot()): string =>
  `reliability: ${c.scenarios} scenarios on the embedded default, ${c.faults} faults injected` +
  (c.faultsByCall > 0
    ? ` (${c.faultsByCall} scenarios on ${c.callsFaulted} AWS calls past each step's first, ${c.callFaultsInsidePublish} of them between a status event going out and its ledger write)`
    : '') +
  `, ${c.badInputs} bad inputs, ` +
  `${c.duplicates} duplicate deliveries, ${c.propertyRuns} property runs against the parser and fakes, ${c.orphans} orphaned resources, ` +
  `${c.missingEvents + c.extraEvents} missing/extra status events, ${c.heldLocks} locks left held, ` +
  `${c.placementChanges} placement changes outside onboarding, ` +
  `${c.independentFindings} findings of the independent checker in ${c.independentChecks} checks (the raw cloud against its start), ` +
  `kills ${c.kills}, Ctrl-C runs ${c.interrupts}, executions recovered ${c.recoveries}, stuck tenants ${c.stuckTenants}` +
  (c.killsInsidePublish > 0
    ? `, ${c.killsInsidePublish} kills between an answer going out and its execution recorded done`
    : '') +
  (c.resent > 0
    ? `, ${c.resent} status events sent again (at most one per death inside a publish: such a kill, or a crash or failed ledger write after PutEvents)`
    : '') +
  (c.missingResources > 0 ? `, ${c.missingResources} missing resources` : '') +
  (c.updates > 0
    ? `, release updates ${c.updates} (${c.updatedToNew} ended on the new release, ${c.updates - c.updatedToNew} on the one before)`
    : '') +
  (c.strayRevisions > 0 ? `, ${c.strayRevisions} stray revisions found and removed by reconcile` : '') +
  (c.rollouts > 0
    ? `, rollouts under faults ${c.rollouts} (${c.pooledRollouts} of a pooled tier; every tenant left on one release)`
    : '') +
  (c.shardScenarios > 0 ? `, sharded onboardings/offboardings under faults ${c.shardScenarios}` : '') +
  (c.shardGrowths > 0
    ? `, shards added under faults ${c.shardGrowths} (${c.shardGrowthLeftovers} left a load balancer or reservation that the next run adopted)`
    : '') +
  (c.strayPoolRevisions > 0
    ? `, ${c.strayPoolRevisions} pooled revisions left by a halted rollout (the next pooled rollout removes them)`
    : '');
