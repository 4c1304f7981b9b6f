import { ConflictError } from '../domain/errors.ts';
import type { Operation } from '../domain/operations.ts';
import type { StepName } from '../domain/saga.ts';
import type { SagaState } from '../domain/saga-state.ts';
import type { HistoryEntry, TenantRecord } from '../domain/tenant-record.ts';
import type { ReleaseRequest } from '../ports/tenant-map.ts';
import type { StepContext, StepDeps } from './types.ts';

/** One history line for `step`, timed from `startedAt` to `at`. */
export const historyEntry = (input: {
  operation: Operation;
  ctx: StepContext;
  step: StepName;
  outcome: HistoryEntry['outcome'];
  startedAt: Date;
  at: Date;
  reason?: string;
}): HistoryEntry => ({
  operation: input.operation,
  execution: input.ctx.execution,
  step: input.step,
  outcome: input.outcome,
  at: input.at.toISOString(),
  durationMs: Math.max(0, input.at.getTime() - input.startedAt.getTime()),
  ...(input.reason === undefined ? {} : { reason: input.reason }),
});

/**
 * The history line of `step` of the saga in `state`, ending now: `compensated` on the way back after
 * a failure, `succeeded` otherwise.
 */
export const stepEntry = (
  state: SagaState,
  deps: StepDeps,
  ctx: StepContext,
  step: StepName,
  startedAt: Date,
  reason?: string,
): HistoryEntry =>
  historyEntry({
    operation: state.request.operation,
    ctx,
    step,
    outcome: state.failure ? 'compensated' : 'succeeded',
    startedAt,
    at: deps.now(),
    ...(reason ? { reason } : {}),
  });

/**
 * Writes `state.resources` to the tenant map with a history line, so the map always names what
 * exists. Under a compensation (`state.failure` set) a lost lock is not an error: the resource work
 * is done and MarkFailed writes the final record, so failing here would only report a false leftover.
 */
export const checkpoint = async (
  deps: StepDeps,
  ctx: StepContext,
  state: SagaState,
  step: StepName,
  startedAt: Date,
  reason?: string,
): Promise<void> => {
  const compensating = state.failure !== undefined;
  const entry = historyEntry({
    operation: state.request.operation,
    ctx,
    step,
    outcome: compensating ? 'compensated' : 'succeeded',
    startedAt,
    at: deps.now(),
    ...(reason === undefined ? {} : { reason }),
  });
  try {
    // A migration's steps work on its other side (the target it builds, the source it removes).
    if (state.migration)
      await deps.tenants.recordMigration(
        state.request.tenantId,
        ctx.execution,
        { migrationResources: state.resources },
        [entry],
      );
    else await deps.tenants.recordResources(state.request.tenantId, ctx.execution, state.resources, [entry]);
  } catch (error) {
    if (compensating && error instanceof ConflictError) return;
    throw error;
  }
};

/**
 * Releases the lock, converging when a previous attempt of the same step already did (the retry
 * would otherwise see a lock it no longer holds): the record then carries this execution's entry.
 */
export const releaseOnce = async (
  deps: StepDeps,
  request: ReleaseRequest,
  step: StepName,
): Promise<TenantRecord> => {
  try {
    return await deps.tenants.release(request);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const record = await deps.tenants.get(request.tenantId);
    const done =
      record !== undefined &&
      record.lock === undefined &&
      record.lifecycleStatus === request.status &&
      record.history.some((entry) => entry.execution === request.execution && entry.step === step);
    if (record && done) return record;
    throw error;
  }
};
