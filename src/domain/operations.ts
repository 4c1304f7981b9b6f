/**
 * The lifecycle operations, listed once. Everything that differs per operation lives in its row:
 * the state machine that carries it out, how it takes the tenant's lock, the SBT detail-types it is
 * requested and answered with, what a success writes on SBT's registration, and the step whose
 * success means the work is done. Adding an operation is a row here plus its machine and steps.
 * The first four are SBT's; `migrate` (a tier change, answered like an onboarding) and `update` (a new
 * release on the tenant's service, answering nobody) are tenantflow's own.
 */
import type { TenantStatus } from './tenant-status.ts';

/** How an operation holds the tenant: the status written while it runs, the statuses it may start from. */
export interface LockRule {
  status: TenantStatus;
  /** `absent`: the tenant has no record yet. */
  allowedFrom: ReadonlyArray<TenantStatus | 'absent'>;
}

export const OPERATION_TABLE = {
  onboard: {
    machine: 'onboarding',
    lock: { status: 'PROVISIONING', allowedFrom: ['absent', 'FAILED', 'DELETED'] },
    /** SBT's request detail-type without the configurable prefix (`sbt_aws_`). */
    request: 'onboardingRequest',
    /** SBT's result detail-types are `<prefix><result>Success` / `…Failure`. */
    result: 'provision',
    /** `registrationStatus` a success writes on SBT's registration record. */
    succeeded: 'created',
    /**
     * `registrationStatus` a failure writes (`null`: none, the registration stays as it is: a failed
     * migration leaves the tenant where it was, still created).
     */
    failed: 'failed',
    /** Events from SBT name the registration: one is required to start. */
    registrationRequired: true,
    /**
     * Whether its results go to the control plane: an update changes nothing SBT records (the
     * tenant's tenantConfig stays as it is), so it answers nobody.
     */
    reports: true,
    /** `required`: the request carries a release (src/domain/release.ts) to put the tenant on. */
    release: 'none',
    /**
     * What the request's `tier` means: `placement` (the tier to place the tenant in; the catalogue's
     * default when absent), `target` (the tier to move it to: required), `informational` (compared
     * with the record and logged when it differs, never acted on).
     */
    tier: 'placement',
    finalStep: 'ActivateTenant',
    /**
     * The step whose success means the request took effect (no going back from there): the final
     * step, unless the operation still tidies up after it (a migration removes its source).
     */
    commitStep: 'ActivateTenant',
    /**
     * The operation whose machine cleans up after an execution of this one that died midway (started
     * by the watcher, see src/app/watch.ts); `null`: nothing to clean up, the record says enough.
     */
    cleanupBy: 'offboard',
    /**
     * True when a dead execution of it leaves the tenant serving as it was (the watcher keeps the
     * record's `active`): an update never takes a tenant out of service.
     */
    keepsServing: false,
  },
  offboard: {
    machine: 'offboarding',
    lock: { status: 'DEPROVISIONING', allowedFrom: ['absent', 'ACTIVE', 'INACTIVE', 'FAILED', 'DELETED'] },
    request: 'offboardingRequest',
    result: 'deprovision',
    succeeded: 'deleted',
    failed: 'failed',
    registrationRequired: true,
    reports: true,
    release: 'none',
    tier: 'informational',
    finalStep: 'RemoveTenant',
    commitStep: 'RemoveTenant',
    cleanupBy: 'offboard',
    keepsServing: false,
  },
  activate: {
    machine: 'activation',
    // FAILED only after a failed activate/deactivate (checked in LockTenant), so that one can be retried.
    lock: { status: 'ACTIVATING', allowedFrom: ['ACTIVE', 'INACTIVE', 'FAILED'] },
    request: 'activateRequest',
    result: 'activate',
    succeeded: 'activated',
    failed: 'failed',
    // A billing system sends `{ tenantId }` alone: the registration comes from the record.
    registrationRequired: false,
    reports: true,
    release: 'none',
    tier: 'informational',
    finalStep: 'SetActivation',
    commitStep: 'SetActivation',
    // The tenant's resources are its own: a dead activation change leaves them, FAILED, for a retry.
    cleanupBy: null,
    keepsServing: false,
  },
  deactivate: {
    machine: 'activation',
    lock: { status: 'DEACTIVATING', allowedFrom: ['ACTIVE', 'INACTIVE', 'FAILED'] },
    request: 'deactivateRequest',
    result: 'deactivate',
    succeeded: 'deactivated',
    failed: 'failed',
    registrationRequired: false,
    reports: true,
    release: 'none',
    tier: 'informational',
    finalStep: 'SetActivation',
    commitStep: 'SetActivation',
    cleanupBy: null,
    keepsServing: false,
  },
  migrate: {
    machine: 'migration',
    // Only a tenant that is serving is moved (the new placement must prove healthy); a migration
    // that died leaves the tenant FAILED until its cleanup rolls it back (or forward).
    lock: { status: 'MIGRATING', allowedFrom: ['ACTIVE'] },
    // Not an SBT request: a provider's control plane or billing sends it (SBT has none for a tier change).
    request: 'migrateRequest',
    // The answer SBT does read: its tenant record takes the new tier and tenantConfig.
    result: 'provision',
    succeeded: 'created',
    failed: null,
    registrationRequired: false,
    reports: true,
    release: 'none',
    tier: 'target',
    finalStep: 'FinishMigration',
    commitStep: 'CommitMigration',
    cleanupBy: 'migrate',
    keepsServing: false,
  },
  update: {
    machine: 'update',
    // A tenant that runs (or is switched off: its service takes the revision at zero tasks); a FAILED
    // one only after a failed update, whose service still runs one release (see LockTenant).
    lock: { status: 'UPDATING', allowedFrom: ['ACTIVE', 'INACTIVE', 'FAILED'] },
    // tenantflow's own (SBT has no update request): a fleet rollout or an operator sends it.
    request: 'updateRequest',
    result: 'provision',
    succeeded: 'created',
    failed: null,
    registrationRequired: false,
    reports: false,
    release: 'required',
    tier: 'informational',
    finalStep: 'CommitRelease',
    commitStep: 'CommitRelease',
    // A dead update leaves the service on one of two working revisions: the watcher marks the tenant
    // FAILED and `retry` runs the update again (the record says which release it asked for).
    cleanupBy: null,
    keepsServing: true,
  },
} as const satisfies Record<
  string,
  {
    machine: string;
    lock: LockRule;
    request: string;
    result: string;
    succeeded: string;
    failed: string | null;
    registrationRequired: boolean;
    reports: boolean;
    release: 'required' | 'none';
    tier: 'placement' | 'target' | 'informational';
    finalStep: string;
    commitStep: string;
    cleanupBy: string | null;
    keepsServing: boolean;
  }
>;

export type Operation = keyof typeof OPERATION_TABLE;

/** Every operation, in the table's order. */
export const OPERATIONS = Object.keys(OPERATION_TABLE) as readonly Operation[];

/**
 * The order of a tenant's life, in which `tenantflow replay <dir>` runs a folder's events (files of
 * the same operation in name order): onboarding, a tier change, a release update, activation changes, offboarding.
 */
export const LIFECYCLE_ORDER: readonly Operation[] = [
  'onboard',
  'migrate',
  'update',
  'deactivate',
  'activate',
  'offboard',
];

export const isOperation = (value: unknown): value is Operation =>
  typeof value === 'string' && Object.hasOwn(OPERATION_TABLE, value);

/** Builds one value per operation. */
export const byOperation = <T>(make: (operation: Operation) => T): Record<Operation, T> => {
  const record: Partial<Record<Operation, T>> = {};
  for (const operation of OPERATIONS) record[operation] = make(operation);
  return record as Record<Operation, T>;
};

/**
 * Operations that take a FAILED tenant only after a failure of one of these: its resources are whole
 * then (a tenant that failed to onboard or offboard has nothing to switch on or off, or to update).
 */
const FAILED_TAKEN_AFTER: Partial<Record<Operation, readonly Operation[]>> = {
  activate: ['activate', 'deactivate'],
  deactivate: ['activate', 'deactivate'],
  update: ['update'],
};

/** Whether `operation` takes a FAILED tenant only after some failures (see {@link takesFailedAfter}). */
export const restrictsFailed = (operation: Operation): boolean => FAILED_TAKEN_AFTER[operation] !== undefined;

/**
 * Whether `operation` may take a tenant left FAILED by `failedBy`: its lock rule allows FAILED, and
 * (for the operations listed above) the failure was of the same kind.
 */
export const takesFailedAfter = (operation: Operation, failedBy: Operation | undefined): boolean => {
  const allowed: ReadonlyArray<string> = OPERATION_TABLE[operation].lock.allowedFrom;
  if (!allowed.includes('FAILED')) return false;
  const after = FAILED_TAKEN_AFTER[operation];
  return after === undefined || (failedBy !== undefined && after.includes(failedBy));
};
