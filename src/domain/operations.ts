/**
 * The lifecycle operations, listed once. Everything that differs per operation lives in its row:
 * the state machine that carries it out, how it takes the tenant's lock, the SBT detail-types it is
 * requested and answered with, what a success writes on SBT's registration, and the step whose
 * success means the work is done. Adding an operation is a row here plus its machine and steps.
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
    /** Events from SBT name the registration: one is required to start. */
    registrationRequired: true,
    finalStep: 'ActivateTenant',
    /** When an execution dies midway, the watcher removes what it had made (a cleanup offboarding). */
    cleanUpAfterDeath: true,
  },
  offboard: {
    machine: 'offboarding',
    lock: { status: 'DEPROVISIONING', allowedFrom: ['absent', 'ACTIVE', 'INACTIVE', 'FAILED', 'DELETED'] },
    request: 'offboardingRequest',
    result: 'deprovision',
    succeeded: 'deleted',
    registrationRequired: true,
    finalStep: 'RemoveTenant',
    cleanUpAfterDeath: true,
  },
  activate: {
    machine: 'activation',
    // FAILED only after a failed activate/deactivate (checked in LockTenant), so that one can be retried.
    lock: { status: 'ACTIVATING', allowedFrom: ['ACTIVE', 'INACTIVE', 'FAILED'] },
    request: 'activateRequest',
    result: 'activate',
    succeeded: 'activated',
    // A billing system sends `{ tenantId }` alone: the registration comes from the record.
    registrationRequired: false,
    finalStep: 'SetActivation',
    // The tenant's resources are its own: a dead activation change leaves them, FAILED, for a retry.
    cleanUpAfterDeath: false,
  },
  deactivate: {
    machine: 'activation',
    lock: { status: 'DEACTIVATING', allowedFrom: ['ACTIVE', 'INACTIVE', 'FAILED'] },
    request: 'deactivateRequest',
    result: 'deactivate',
    succeeded: 'deactivated',
    registrationRequired: false,
    finalStep: 'SetActivation',
    cleanUpAfterDeath: false,
  },
} as const satisfies Record<
  string,
  {
    machine: string;
    lock: LockRule;
    request: string;
    result: string;
    succeeded: string;
    registrationRequired: boolean;
    finalStep: string;
    cleanUpAfterDeath: boolean;
  }
>;

export type Operation = keyof typeof OPERATION_TABLE;

/** Every operation, in lifecycle order (the order a folder of events is replayed in). */
export const OPERATIONS = Object.keys(OPERATION_TABLE) as readonly Operation[];

export const isOperation = (value: unknown): value is Operation =>
  typeof value === 'string' && Object.hasOwn(OPERATION_TABLE, value);

/** Builds one value per operation. */
export const byOperation = <T>(make: (operation: Operation) => T): Record<Operation, T> => {
  const record: Partial<Record<Operation, T>> = {};
  for (const operation of OPERATIONS) record[operation] = make(operation);
  return record as Record<Operation, T>;
};
