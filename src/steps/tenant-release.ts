import { ownsTables } from '../domain/capabilities.ts';
import { FatalError } from '../domain/errors.ts';
import { failedStep, failureReason } from '../domain/reasons.ts';
import { keptAfterRemoval, withStoredBackups } from '../domain/resources.ts';
import type { StepName } from '../domain/saga.ts';
import type { SagaState } from '../domain/saga-state.ts';
import { tenantRouting } from '../domain/tenant-config.ts';
import type { ReleaseRequest } from '../ports/tenant-map.ts';
import { historyEntry, releaseOnce } from './checkpoint.ts';
import { placementIn } from './placement.ts';
import { sharedInfrastructure } from './shard.ts';
import type { Step, StepContext, StepDeps } from './types.ts';

const releaseRequest = (
  state: SagaState,
  deps: StepDeps,
  ctx: StepContext,
  step: StepName,
  fields: Pick<ReleaseRequest, 'status' | 'active' | 'resources'> & Partial<ReleaseRequest>,
  startedAt: Date,
): ReleaseRequest => {
  const at = deps.now();
  const failed = fields.status === 'FAILED';
  return {
    tenantId: state.request.tenantId,
    execution: ctx.execution,
    history: [
      historyEntry({
        operation: state.request.operation,
        ctx,
        step,
        outcome: failed ? 'failed' : 'succeeded',
        startedAt,
        at,
        ...(failed ? { reason: failureReason(state.failure) } : {}),
      }),
    ],
    at: at.toISOString(),
    ...fields,
  };
};

/** ActivateTenant: the onboarding's end; ACTIVE with its resources and routing, the lock released. */
export const activateTenant: Step = async (state, deps, ctx) => {
  const startedAt = deps.now();
  const placement = placementIn(state);
  const routing = tenantRouting(
    state.request.tenantId,
    placement,
    state.resources,
    await sharedInfrastructure(deps, { listenerArn: state.resources.listenerRule?.listenerArn }),
  );
  if (!routing) throw new FatalError('ActivateTenant: the tenant has no service or target group recorded');
  const request = releaseRequest(
    state,
    deps,
    ctx,
    'ActivateTenant',
    { status: 'ACTIVE', active: true, resources: state.resources, routing, lastError: null },
    startedAt,
  );
  await releaseOnce(deps, request, 'ActivateTenant');
  return state;
};

/**
 * RemoveTenant: the offboarding's end; a DELETED tombstone that keeps the history. A cleanup leaves
 * the tenant FAILED instead, with nothing left and the failure that caused it still on the record.
 */
export const removeTenant: Step = async (state, deps, ctx) => {
  const startedAt = deps.now();
  const { cleanup } = state.request;
  // Its tables' backups outlive the tenant: the record keeps their ARNs.
  const kept = keptAfterRemoval(state.resources);
  const request = releaseRequest(
    state,
    deps,
    ctx,
    'RemoveTenant',
    cleanup
      ? { status: 'FAILED', active: false, resources: kept, routing: null }
      : { status: 'DELETED', active: false, resources: kept, routing: null, lastError: null },
    startedAt,
  );
  if (cleanup) {
    for (const entry of request.history) entry.reason = `cleaned up after execution ${cleanup.of}`;
  }
  await releaseOnce(deps, request, 'RemoveTenant');
  return { ...state, resources: kept };
};

/** SetActivation: ACTIVE and serving after activate, INACTIVE after deactivate; resources unchanged. */
export const setActivation: Step = async (state, deps, ctx) => {
  const startedAt = deps.now();
  const active = state.request.operation === 'activate';
  const request = releaseRequest(
    state,
    deps,
    ctx,
    'SetActivation',
    { status: active ? 'ACTIVE' : 'INACTIVE', active, resources: state.resources, lastError: null },
    startedAt,
  );
  await releaseOnce(deps, request, 'SetActivation');
  return state;
};

/** The steps that take the tenant's lock. */
const LOCK_STEPS: readonly string[] = ['ReserveTenant', 'LockTenant'];

/**
 * MarkFailed: FAILED, with what is left in the saga state's resources (and any leftovers of an
 * earlier placement not yet removed) and the reason. Goes through
 * `releaseDead`, which changes nothing when this execution does not hold the lock (it never got it,
 * or a watcher already released it), so it never fails for a lock it does not hold.
 */
export const markFailed: Step = async (state, deps, ctx) => {
  const startedAt = deps.now();
  // Failing where the lock is taken (it may have been, just before the failure), the saga never read
  // what the tenant has: what the record names stays named. So too for a migration: its state holds
  // one side only, and its steps keep the record's two sides up to date.
  const known = !LOCK_STEPS.includes(state.failure?.step ?? '') && state.migration === undefined;
  // The record is read only when needed: to learn what the tenant has, or (a tenant with tables) to
  // keep the backups a step recorded before it failed (its input predates them).
  const tabled = ownsTables(state.placement) || state.resources.tables !== undefined;
  const stored = !known || tabled ? ((await deps.tenants.get(state.request.tenantId))?.resources ?? {}) : {};
  const resources = known
    ? withStoredBackups({ ...state.leftovers?.resources, ...state.resources }, stored)
    : stored;
  const at = deps.now();
  const lastError = {
    operation: state.request.operation,
    step: failedStep(state.failure),
    reason: failureReason(state.failure),
    at: at.toISOString(),
  };
  const request = releaseRequest(
    state,
    deps,
    ctx,
    'MarkFailed',
    {
      status: 'FAILED',
      active: false,
      resources,
      // A failed cleanup keeps the failure it was cleaning up after as the tenant's last error.
      ...(state.request.cleanup ? {} : { lastError }),
    },
    startedAt,
  );
  await deps.tenants.releaseDead(request);
  return state;
};
