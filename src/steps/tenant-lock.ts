import { sameResources } from '../domain/catalogue.ts';
import { ConflictError, FatalError, RegistrationBusyError, TenantLockedError } from '../domain/errors.ts';
import { OPERATION_TABLE, restrictsFailed, takesFailedAfter } from '../domain/operations.ts';
import { registrationToAnswer } from '../domain/request.ts';
import { hasNoResources } from '../domain/resources.ts';
import { LOCK_WAIT_MAX_CHECKS } from '../domain/saga.ts';
import type { SagaState } from '../domain/saga-state.ts';
import type { TenantRecord } from '../domain/tenant-record.ts';
import type { AcquireRequest } from '../ports/tenant-map.ts';
import { placementIn } from './placement.ts';
import type { Step, StepContext, StepDeps } from './types.ts';

const acquire = (state: SagaState, deps: StepDeps, ctx: StepContext) => {
  const { tenantId, tenantRegistrationId, tenantName, operation, cleanup, attributes } = state.request;
  const rule = OPERATION_TABLE[operation].lock;
  const email =
    typeof attributes.email === 'string' && attributes.email.trim() !== ''
      ? attributes.email.trim()
      : undefined;
  const request: AcquireRequest = {
    tenantId,
    tenantName,
    ...(operation === 'onboard' && email !== undefined ? { email } : {}),
    ...(tenantRegistrationId === undefined ? {} : { tenantRegistrationId }),
    ...(operation === 'onboard' ? { placement: placementIn(state) } : {}),
    operation,
    execution: ctx.execution,
    status: rule.status,
    // A cleanup takes only the tenant it was planned on (FAILED, or ACTIVE with a migration's
    // leftovers), unchanged since.
    allowedFrom: cleanup ? ['FAILED', 'ACTIVE'] : rule.allowedFrom,
    ...(cleanup ? { expectedVersion: cleanup.version } : {}),
    at: deps.now().toISOString(),
  };
  return deps.tenants.acquire(request);
};

/**
 * Why an onboarding cannot have the tenant, as the control plane should hear it. When the request's
 * own registration is already in hand (another execution works on it now, or it was onboarded
 * already), refusing must not mark that registration failed: `RegistrationBusyError` sends nothing.
 */
const onboardingRefusal = async (
  error: unknown,
  state: SagaState,
  deps: StepDeps,
  ctx: StepContext,
): Promise<unknown> => {
  if (!(error instanceof ConflictError)) return error;
  const registration = state.request.tenantRegistrationId;
  if (registration === undefined) return error;
  if (error instanceof TenantLockedError) {
    if (error.registrationId !== registration || error.holder.execution === ctx.execution) return error;
    return new RegistrationBusyError(
      `registration ${registration} is being worked on by execution ${error.holder.execution} (${error.holder.operation}); it answers the control plane`,
      { cause: error },
    );
  }
  const current = await deps.tenants.get(state.request.tenantId);
  const done = current?.lifecycleStatus === 'ACTIVE' || current?.lifecycleStatus === 'INACTIVE';
  if (!done || current.tenantRegistrationId !== registration) return error;
  return new RegistrationBusyError(
    `registration ${registration} is already onboarded (tenant ${current.tenantId} is ${current.lifecycleStatus}); nothing to do`,
    { cause: error },
  );
};

/** What an earlier placement left on the record, when this onboarding places the tenant elsewhere. */
const leftoversOf = (
  before: TenantRecord | undefined,
  record: TenantRecord,
  state: SagaState,
): SagaState['leftovers'] => {
  if (hasNoResources(record.resources)) return undefined;
  if (before?.placement !== undefined && sameResources(before.placement, state.placement)) return undefined;
  return { ...(before?.placement ? { placement: before.placement } : {}), resources: record.resources };
};

/**
 * ReserveTenant: takes the tenant for onboarding and records the placement it provisions. Resources a
 * failed earlier attempt left behind stay on the record: when they belong to the same placement the
 * create steps adopt them by name; when the placement changed (a retry as another tier), they become
 * the saga's `leftovers`, which RemoveLeftovers deletes before anything new is made.
 */
export const reserveTenant: Step = async (state, deps, ctx) => {
  const before = await deps.tenants.get(state.request.tenantId);
  let record: TenantRecord;
  try {
    record = await acquire(state, deps, ctx);
  } catch (error) {
    throw await onboardingRefusal(error, state, deps, ctx);
  }
  const leftovers = leftoversOf(before, record, state);
  if (leftovers) return { ...state, resources: {}, leftovers };
  return { ...state, resources: { ...record.resources, ...state.resources } };
};

/**
 * LockTenant: takes the tenant for offboarding, activation or deactivation. The record is the source
 * of truth for what exists and where: its placement and resources replace whatever the event says
 * (a differing tier is logged and ignored). While another execution holds the tenant (an onboarding
 * still running) the saga waits and tries again, up to `LOCK_WAIT_MAX_CHECKS` times.
 */
export const lockTenant: Step = async (state, deps, ctx) => {
  const { operation, tenantId } = state.request;
  if (operation === 'onboard')
    throw new FatalError('LockTenant does not run for onboarding (ReserveTenant does)');
  if (restrictsFailed(operation)) {
    // Only a failure of the same kind may be retried from FAILED (see takesFailedAfter).
    const current = await deps.tenants.get(tenantId);
    const failedBy = current?.lastError?.operation;
    if (current?.lifecycleStatus === 'FAILED' && !takesFailedAfter(operation, failedBy)) {
      throw new ConflictError(
        `tenant ${tenantId} is FAILED after ${failedBy ?? 'an unknown operation'}: onboard or offboard it first`,
      );
    }
  }
  const attempts = (state.lockWait?.attempts ?? 0) + 1;
  let record: TenantRecord;
  try {
    record = await acquire(state, deps, ctx);
  } catch (error) {
    if (!(error instanceof TenantLockedError) || error.holder.execution === ctx.execution) throw error;
    if (state.request.cleanup) {
      throw new ConflictError(`${error.message}: the tenant moved on; nothing to clean up`, { cause: error });
    }
    if (attempts >= LOCK_WAIT_MAX_CHECKS) {
      throw new ConflictError(`${error.message}; still held after ${attempts} checks`, { cause: error });
    }
    return { ...state, lockWait: { held: false, attempts, holder: error.holder.execution } };
  }
  const recordedTier = record.placement?.tier;
  if (state.request.tier !== undefined && state.request.tier !== recordedTier) {
    deps.log.warn('the request names another tier than the record: the record wins', {
      tenantId,
      requestTier: state.request.tier,
      recordTier: recordedTier ?? '(none: never onboarded)',
    });
  }
  const registration = registrationToAnswer(state.request, record.tenantRegistrationId);
  const { placement } = record;
  return {
    ...state,
    request: {
      ...state.request,
      ...(registration === undefined ? {} : { tenantRegistrationId: registration }),
    },
    ...(placement ? { placement } : {}),
    resources: { ...record.resources },
    lockWait: { held: true, attempts },
  };
};
