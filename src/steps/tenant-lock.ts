import { ConflictError, FatalError } from '../domain/errors.ts';
import type { Operation } from '../domain/request.ts';
import type { SagaState } from '../domain/resources.ts';
import type { TenantStatus } from '../domain/tenant-record.ts';
import type { AcquireRequest } from '../ports/tenant-map.ts';
import type { Step, StepContext, StepDeps } from './types.ts';

/** Status held while each operation runs, and the statuses it may start from (`absent`: no record). */
export const LOCK_RULES: Readonly<
  Record<Operation, { status: TenantStatus; allowedFrom: ReadonlyArray<TenantStatus | 'absent'> }>
> = {
  onboard: { status: 'PROVISIONING', allowedFrom: ['absent', 'FAILED', 'DELETED'] },
  offboard: { status: 'DEPROVISIONING', allowedFrom: ['absent', 'ACTIVE', 'INACTIVE', 'FAILED', 'DELETED'] },
  // FAILED only after a failed activate/deactivate (checked in lockTenant), so that one can be retried.
  activate: { status: 'ACTIVATING', allowedFrom: ['ACTIVE', 'INACTIVE', 'FAILED'] },
  deactivate: { status: 'DEACTIVATING', allowedFrom: ['ACTIVE', 'INACTIVE', 'FAILED'] },
} as const;

const acquire = (state: SagaState, deps: StepDeps, ctx: StepContext, operation: Operation) => {
  const { tenantId, tenantRegistrationId, tenantName, tier } = state.request;
  const rule = LOCK_RULES[operation];
  const request: AcquireRequest = {
    tenantId,
    tenantRegistrationId,
    tenantName,
    tier,
    operation,
    execution: ctx.execution,
    status: rule.status,
    allowedFrom: rule.allowedFrom,
    at: deps.now().toISOString(),
  };
  return deps.tenants.acquire(request);
};

/**
 * ReserveTenant: takes the tenant for onboarding. Resources a failed earlier attempt left behind stay
 * on the record; carrying them keeps the map naming what exists (the create steps reuse them by name).
 */
export const reserveTenant: Step = async (state, deps, ctx) => {
  const record = await acquire(state, deps, ctx, 'onboard');
  return { ...state, resources: { ...record.resources, ...state.resources } };
};

/**
 * LockTenant: takes the tenant for offboarding, activation or deactivation. The record is the
 * source of truth for what exists and for the tier, whatever the event says.
 */
export const lockTenant: Step = async (state, deps, ctx) => {
  const { operation } = state.request;
  if (operation === 'onboard')
    throw new FatalError('LockTenant does not run for onboarding (ReserveTenant does)');
  if (operation === 'activate' || operation === 'deactivate') {
    // A tenant that FAILED to onboard or offboard has nothing to switch on or off: only a failed
    // activate/deactivate may be retried from FAILED.
    const current = await deps.tenants.get(state.request.tenantId);
    const failedBy = current?.lastError?.operation;
    if (current?.lifecycleStatus === 'FAILED' && failedBy !== 'activate' && failedBy !== 'deactivate') {
      throw new ConflictError(
        `tenant ${state.request.tenantId} is FAILED after ${failedBy ?? 'an unknown operation'}: onboard or offboard it first`,
      );
    }
  }
  const record = await acquire(state, deps, ctx, operation);
  return { ...state, request: { ...state.request, tier: record.tier }, resources: { ...record.resources } };
};
