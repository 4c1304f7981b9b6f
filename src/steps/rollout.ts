/**
 * The rollout machine's steps (state-machines/rollout.ts): a release to every tenant of a tier that
 * runs its own service, in waves, each tenant through its own update execution (the update machine,
 * started and read back through Step Functions). A step never waits: it looks, starts what it may,
 * and returns; the machine's Wait states pace the looks. Every step is idempotent: an update's
 * execution name comes from the rollout's, the wave and the tenant, so a step run again after a crash
 * starts nothing twice (Step Functions answers a name it knows with the execution it has).
 */

import { executionName } from '../../events/index.ts';
import { isPooledTier, placementOf, tierRolloutAlarm } from '../domain/catalogue.ts';
import { FatalError, ValidationError } from '../domain/errors.ts';
import { failureReason as sagaFailureReason } from '../domain/reasons.ts';
import { initialRelease, type Release } from '../domain/release.ts';
import {
  haltedReport,
  notUpdatable,
  parseRolloutRequest,
  planRollout,
  type RolloutReport,
  rolloutSummaryKey,
  sameRelease,
} from '../domain/rollout.ts';
import {
  type RolloutState,
  rolloutStateSchema,
  type TenantProgress,
  type TenantProgressState,
} from '../domain/rollout-state.ts';
import { rolloutSummaryEvent } from '../domain/rollout-summary.ts';
import { DELAY_SECONDS, type RolloutStepName } from '../domain/saga.ts';
import type { TenantRecord } from '../domain/tenant-record.ts';
import { advancePool, poolToUpdate, retireStale, rollBackPool } from './pool-release.ts';
import { sendOnce } from './send-once.ts';
import { unvalidatedStateSchema } from './state-schema.ts';
import type { StepContext, StepDeps } from './types.ts';

/** One step of the rollout machine: the next rollout state from the current one. */
type RolloutStep = (state: RolloutState, deps: StepDeps, ctx: StepContext) => Promise<RolloutState>;

/** Execution statuses of an update that has not ended yet. */
const UNFINISHED = ['RUNNING', 'PENDING_REDRIVE'];

/** The ledger owner of the rollout's own summary (the watcher reports a rollout that died). */
const ROLLOUT_OWNER = 'rollout';

/** The name of a tenant's update execution for `purpose` (the wave, forward or back) of a rollout. */
const updateExecution = (state: RolloutState, tenantId: string, purpose: 'forward' | 'back'): string =>
  executionName(
    {
      operation: 'update',
      tenantId,
      eventId: `${state.rolloutId}/${state.progress.retrying ? 'retry' : state.progress.wave}/${purpose}`,
    },
    '',
  );

/** What an update request of the update machine looks like (its console input). */
const updateInput = (tenantId: string, release: Release) => ({ operation: 'update', tenantId, release });

/** The release a tenant of `tier` runs when its record names none (the shared stack's image). */
export const tierInitialRelease = async (
  deps: Pick<StepDeps, 'config' | 'infra'>,
  tier: string,
): Promise<Release> =>
  initialRelease(
    placementOf(deps.config.catalogue, tier, deps.config.health.path),
    (await deps.infra.get()).tenantImage,
  );

/** The tenants of a wave, each with the release it runs now (what its rollback returns it to). */
const waveTenants = async (
  deps: StepDeps,
  tier: string,
  tenantIds: readonly string[],
  known: ReadonlyMap<string, TenantRecord> = new Map(),
): Promise<TenantProgress[]> => {
  let initial: Release | undefined;
  const tenants: TenantProgress[] = [];
  for (const tenantId of tenantIds) {
    const record = known.get(tenantId) ?? (await deps.tenants.get(tenantId));
    let before = record?.release;
    if (record && !before) before = initial ??= await tierInitialRelease(deps, tier);
    tenants.push({ tenantId, state: 'pending', ...(before ? { before } : {}) });
  }
  return tenants;
};

/** Why an update execution that ended without succeeding failed: its failed step, from the tenant's record. */
const failureReason = async (
  deps: StepDeps,
  tenantId: string,
  execution: string,
  end: { status: string; error?: string; cause?: string },
): Promise<string> => {
  const record = await deps.tenants.get(tenantId);
  // The record's last error is this execution's while nothing else has written to it since.
  const last = record?.history.at(-1);
  // Its reason names the step already (`<step>: <cause>`, src/domain/reasons.ts).
  if (record?.lastError && last?.execution === execution) return record.lastError.reason;
  return `update ${end.status.toLowerCase()}${end.error ? ` (${end.error}${end.cause ? `: ${end.cause}` : ''})` : ''}`;
};

const count = (tenants: readonly TenantProgress[], ...states: TenantProgressState[]): number =>
  tenants.filter((tenant) => states.includes(tenant.state)).length;

const idsIn = (tenants: readonly TenantProgress[], state: TenantProgressState): string[] =>
  tenants.filter((tenant) => tenant.state === state).map((tenant) => tenant.tenantId);

/**
 * Reads the update executions still running: `running` → `updated` | `failed` (and, going back,
 * `rolling-back` → `rolled-back` | `rollback-failed`). An execution Step Functions does not know
 * (its start was lost with a crashed step) goes back to being started.
 */
const lookAtRunning = async (state: RolloutState, deps: StepDeps): Promise<void> => {
  for (const tenant of state.progress.tenants) {
    const back = tenant.state === 'rolling-back';
    if ((tenant.state !== 'running' && !back) || !tenant.execution) continue;
    const end = await deps.workflows.describe('update', tenant.execution);
    if (!end) {
      tenant.state = back ? 'back-pending' : 'pending';
      delete tenant.execution;
    } else if (UNFINISHED.includes(end.status)) {
      // still going
    } else if (end.status === 'SUCCEEDED') {
      tenant.state = back ? 'rolled-back' : 'updated';
    } else {
      tenant.state = back ? 'rollback-failed' : 'failed';
      tenant.reason = await failureReason(deps, tenant.tenantId, tenant.execution, end);
    }
  }
};

/** The current wave's report, from where its tenants stand. */
const reportWave = (state: RolloutState): void => {
  const wave = state.report.waves[state.progress.wave];
  if (!wave || state.progress.retrying) return;
  const { tenants, pool } = state.progress;
  if (pool) {
    // The pooled service's tenants take (or go back from) the release together.
    const moved = ['updated', 'rolling-back', 'rolled-back', 'rollback-failed'].includes(pool.state);
    wave.updated = moved ? [...wave.tenants] : [];
    wave.rolledBack = pool.state === 'rolled-back' ? [...wave.tenants] : [];
    return;
  }
  wave.updated = tenants
    .filter((tenant) =>
      ['updated', 'back-pending', 'rolling-back', 'rolled-back', 'rollback-failed'].includes(tenant.state),
    )
    .map((tenant) => tenant.tenantId);
  wave.failed = tenants
    .filter((tenant) => tenant.state === 'failed')
    .map((tenant) => ({ tenantId: tenant.tenantId, reason: tenant.reason ?? 'failed' }));
  wave.rolledBack = idsIn(tenants, 'rolled-back');
  wave.skipped = idsIn(tenants, 'skipped');
};

/** A wave (not the retry) is over: its updates count, and who could not take the release is reported. */
const closeWave = (state: RolloutState, updated: number): void => {
  state.report.updated += updated;
  for (const tenant of state.progress.tenants)
    if (tenant.state === 'not-updated')
      state.report.notUpdated.push({ tenantId: tenant.tenantId, reason: tenant.reason ?? 'not updated' });
};

/** The state from a step's input; a state that is not a rollout's is a FatalError naming the field. */
export const parseRolloutState = (raw: unknown): RolloutState => {
  const parsed = rolloutStateSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = ['state', ...(issue?.path.map(String) ?? [])].join('.');
  throw new FatalError(`${field}: ${issue?.message ?? 'is not a rollout state'}`);
};

/**
 * PlanRollout (the raw execution input: a rollout request): checks it, naming the field, and plans
 * the waves from the tier's records (src/domain/rollout.ts); the first wave's tenants are read as
 * they stand. Nothing to update: the rollout is done at once.
 */
export const planRolloutStep = async (
  raw: unknown,
  deps: StepDeps,
  ctx: StepContext,
): Promise<RolloutState> => {
  const given = parseRolloutRequest(raw, deps.config.catalogue);
  const tierAlarm = tierRolloutAlarm(deps.config.catalogue, given.tier);
  const request = given.alarm === undefined && tierAlarm ? { ...given, alarm: tierAlarm } : given;
  if (request.alarm !== undefined && (await deps.alarms.state(request.alarm)) === undefined)
    throw new ValidationError(
      given.alarm === undefined ? `tiers.${request.tier}.rolloutAlarm (the tier catalogue)` : 'alarm',
      `no CloudWatch alarm named ${JSON.stringify(request.alarm)}`,
    );
  const records = await deps.tenants.list();
  const pooled = isPooledTier(deps.config.catalogue, request.tier);
  const report = planRollout(records, request, pooled);
  const first = report.waves[0];
  report.status = first ? 'running' : 'completed';
  const byId = new Map(records.map((record) => [record.tenantId, record]));
  const pool = pooled ? await poolToUpdate(deps) : undefined;
  return {
    request,
    rolloutId: ctx.execution,
    report,
    progress: {
      phase: first ? 'running' : 'done',
      wave: 0,
      retrying: false,
      settled: false,
      passed: false,
      tenants: first && !pool ? await waveTenants(deps, request.tier, first.tenants, byId) : [],
      ...(pool ? { pool } : {}),
      deferred: [],
    },
  };
};

/**
 * RunWave: reads the wave's update executions, then starts the next tenants' (at most `concurrency`
 * running): a tenant another operation holds is passed over (tried again after the last wave), one
 * that can no longer take a release (deleted, failed) is not updated. Settled once every tenant has
 * an outcome; passed when none failed (the retry at the end has no gate: what fails there is reported).
 */
export const runWave: RolloutStep = async (state, deps) => {
  const { progress, request } = state;
  if (progress.pool) {
    await advancePool(deps, request.tier, request.release, progress.pool);
    progress.settled = progress.pool.state === 'updated' || progress.pool.state === 'failed';
    progress.passed = progress.pool.state === 'updated';
    reportWave(state);
    return state;
  }
  await lookAtRunning(state, deps);
  let running = count(progress.tenants, 'running');
  for (const tenant of progress.tenants) {
    if (running >= request.concurrency) break;
    if (tenant.state !== 'pending') continue;
    const record = await deps.tenants.get(tenant.tenantId);
    const execution = updateExecution(state, tenant.tenantId, 'forward');
    const heldBy = record?.lock && record.lock.execution !== execution ? record.lock : undefined;
    const why = !record ? 'gone' : heldBy || record.lock ? undefined : notUpdatable(record);
    if (heldBy && !progress.retrying) {
      tenant.state = 'skipped';
      tenant.reason = `held by ${heldBy.execution} (${heldBy.operation})`;
      if (!progress.deferred.includes(tenant.tenantId)) progress.deferred.push(tenant.tenantId);
    } else if (heldBy || why) {
      tenant.state = 'not-updated';
      tenant.reason = heldBy ? `still held by ${heldBy.execution} (${heldBy.operation})` : (why ?? 'gone');
    } else if (
      !record?.lock &&
      record?.lifecycleStatus !== 'FAILED' &&
      sameRelease(record?.release, request.release)
    ) {
      // Put on it meanwhile (another rollout of the same release: a second delivery of its request).
      tenant.state = 'updated';
      tenant.reason = 'on the release already';
    } else {
      await deps.workflows.start('update', execution, updateInput(tenant.tenantId, request.release));
      tenant.state = 'running';
      tenant.execution = execution;
      running += 1;
    }
  }
  progress.settled = count(progress.tenants, 'pending', 'running') === 0;
  progress.passed = progress.settled && (progress.retrying || count(progress.tenants, 'failed') === 0);
  reportWave(state);
  return state;
};

/** The retry at the end is over: what it updated counts, what it did not is reported. */
const closeRetry = (state: RolloutState): void => {
  for (const tenant of state.progress.tenants) {
    if (tenant.state === 'updated') state.report.updated += 1;
    else state.report.notUpdated.push({ tenantId: tenant.tenantId, reason: tenant.reason ?? tenant.state });
  }
};

/**
 * BakeWave: after a wave passed its gate, waits out the bake (counted in the machine's polls, so a
 * local run's shortened waits shorten it too; no bake after the last wave), watching the request's
 * alarm, then sets up the next wave, the retry of the tenants passed over, or the end. The alarm in
 * ALARM sends the machine to RollBackWave instead.
 */
export const bakeWave: RolloutStep = async (state, deps) => {
  const { progress, request, report } = state;
  // The gate's second half: the alarm, looked at on every poll of the bake (and once after the last
  // wave). Gone is no better than in ALARM: the rollout cannot tell the wave is fine.
  if (request.alarm !== undefined && !progress.retrying) {
    const alarm = await deps.alarms.state(request.alarm);
    if (alarm === 'ALARM' || alarm === undefined) {
      progress.alarm = `alarm ${request.alarm} ${alarm === 'ALARM' ? 'went into ALARM' : 'is gone'}`;
      delete progress.bakePollsLeft;
      delete progress.alarmSeen;
      return state;
    }
    progress.alarmSeen = alarm;
  }
  const lastWave = progress.retrying || progress.wave >= report.waves.length - 1;
  if (!lastWave && request.bakeSeconds > 0) {
    progress.bakePollsLeft ??= Math.ceil(request.bakeSeconds / DELAY_SECONDS.rolloutPoll);
    if (progress.bakePollsLeft > 0) {
      progress.bakePollsLeft -= 1;
      progress.phase = 'baking';
      return state;
    }
  }
  delete progress.bakePollsLeft;
  delete progress.alarmSeen;
  if (progress.retrying) closeRetry(state);
  else closeWave(state, report.waves[progress.wave]?.updated.length ?? 0);
  const next = progress.retrying ? undefined : report.waves[progress.wave + 1];
  const retry = !progress.retrying && !next && progress.deferred.length > 0;
  if (next || retry) {
    if (next) progress.wave += 1;
    progress.retrying = retry;
    progress.tenants = await waveTenants(deps, request.tier, next ? next.tenants : progress.deferred);
    Object.assign(progress, { phase: 'running', settled: false, passed: false });
    return state;
  }
  if (progress.pool?.state === 'updated') await retireStale(deps, progress.pool);
  progress.phase = 'done';
  report.status = 'completed';
  return state;
};

/**
 * RollBackWave: the wave failed its gate. Each of its tenants the rollout moved goes back to the
 * release it ran before, by an update of its own (at most `concurrency` at once); earlier waves stay
 * on the release. Settled once every one is back (or failed to go back); the rollout then halts with
 * the reason.
 */
export const rollBackWave: RolloutStep = async (state, deps) => {
  const { progress, request } = state;
  if (progress.phase !== 'rolling-back') {
    progress.phase = 'rolling-back';
    for (const tenant of progress.tenants) if (tenant.state === 'updated') tenant.state = 'back-pending';
  }
  const { pool } = progress;
  if (pool) {
    await rollBackPool(deps, pool);
    progress.settled = pool.state === 'rolled-back' || pool.state === 'rollback-failed';
    reportWave(state);
    if (!progress.settled) return state;
    const stuck = pool.rollbackFailure ? [`${pool.service} (${pool.rollbackFailure})`] : [];
    return halt(state, pool.reason ?? `${pool.service} failed`, stuck);
  }
  await lookAtRunning(state, deps);
  let running = count(progress.tenants, 'rolling-back');
  for (const tenant of progress.tenants) {
    if (running >= request.concurrency) break;
    if (tenant.state !== 'back-pending') continue;
    if (!tenant.before) {
      tenant.state = 'rollback-failed';
      tenant.reason = 'no release to go back to (its record was gone when the wave began)';
      continue;
    }
    const execution = updateExecution(state, tenant.tenantId, 'back');
    await deps.workflows.start('update', execution, updateInput(tenant.tenantId, tenant.before));
    tenant.state = 'rolling-back';
    tenant.execution = execution;
    running += 1;
  }
  progress.settled = count(progress.tenants, 'back-pending', 'rolling-back') === 0;
  reportWave(state);
  if (!progress.settled) return state;
  const failed = progress.tenants.filter((tenant) => tenant.state === 'failed');
  const stuck = progress.tenants
    .filter((tenant) => tenant.state === 'rollback-failed')
    .map((tenant) => `${tenant.tenantId} (${tenant.reason ?? 'failed'})`);
  const first = failed[0];
  const why =
    `${failed.length} of ${progress.tenants.length} tenants failed` +
    (first ? ` (${first.tenantId}: ${first.reason ?? 'failed'})` : '');
  return halt(state, why, stuck);
};

/** The wave rolled back (but `stuck`): its counts closed, the rollout halted with why, the reason. */
const halt = (state: RolloutState, why: string, stuck: readonly string[]): RolloutState => {
  const { progress, report } = state;
  const wave = report.waves[progress.wave];
  report.rolledBack += wave?.rolledBack.length ?? 0;
  closeWave(state, (wave?.updated.length ?? 0) - (wave?.rolledBack.length ?? 0));
  report.status = 'halted';
  report.reason =
    `wave ${progress.wave + 1} of ${report.waves.length}: ${progress.alarm ? `${progress.alarm} after it` : why}` +
    `; the wave was rolled back${stuck.length ? `, except ${stuck.join(', ')}` : ''}`;
  progress.phase = 'done';
  return state;
};

/**
 * ReportRollout: the rollout's summary event on the control plane's bus, once (the watcher sends it
 * for a rollout that died). Also reached when a step failed for good: the rollout halts with that
 * step's error; update executions it had started end on their own, each tenant whole.
 */
export const reportRollout = async (raw: unknown, deps: StepDeps, ctx: StepContext): Promise<unknown> => {
  const parsed = rolloutStateSchema.safeParse(raw);
  const failure = unvalidatedStateSchema.safeParse(raw).data?.failure;
  // `<step>: <error>: <message>`, Lambda's JSON cause read as the status events read it.
  const why = failure ? sagaFailureReason(failure) : undefined;
  let state: Record<string, unknown>;
  let report: RolloutReport;
  if (parsed.success) {
    report = parsed.data.report;
    if (why && report.status !== 'halted') {
      report.status = 'halted';
      report.reason = `${why} (updates already started end on their own)`;
    }
    state = parsed.data;
  } else {
    const document =
      typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
    report = haltedReport(document, why ?? 'not a rollout request');
    state = { ...document, report };
  }
  const event = rolloutSummaryEvent(deps.config.contract.applicationPlaneSource, report);
  await sendOnce(deps, rolloutSummaryKey(ctx.execution), ROLLOUT_OWNER, event);
  return state;
};

/** Every rollout step but PlanRollout and ReportRollout, which read what they get loosely. */
const STATE_STEPS: Record<Exclude<RolloutStepName, 'PlanRollout' | 'ReportRollout'>, RolloutStep> = {
  RunWave: runWave,
  BakeWave: bakeWave,
  RollBackWave: rollBackWave,
};

/** Runs one step of the rollout machine on what the Task handed over. */
export const dispatchRolloutStep = (
  step: RolloutStepName,
  raw: unknown,
  deps: StepDeps,
  ctx: StepContext,
): Promise<unknown> => {
  if (step === 'PlanRollout') return planRolloutStep(raw, deps, ctx);
  if (step === 'ReportRollout') return reportRollout(raw, deps, ctx);
  return STATE_STEPS[step](parseRolloutState(raw), deps, ctx);
};
