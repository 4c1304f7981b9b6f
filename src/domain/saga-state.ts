import type { Placement } from './catalogue.ts';
import type { OutboundEvent } from './outbound-event.ts';
import type { TenantRelease } from './release.ts';
import type { TenantRequest } from './request.ts';
import type { TenantResources } from './resources.ts';
import type { TenantRouting } from './tenant-record.ts';

/** `{Error, Cause}` as Step Functions hands a caught error to the next state. */
export interface CaughtError {
  Error: string;
  Cause: string;
}

/** Why a saga failed: the step that failed and what it raised. */
export interface SagaFailure {
  step: string;
  error: CaughtError;
}

/** Progress of the bounded readiness wait. */
export interface HealthProgress {
  attempts: number;
  healthy: boolean;
  detail: string;
}

/** Progress of the bounded wait for another execution's lock (LockTenant). */
export interface LockWait {
  held: boolean;
  attempts: number;
  /** The execution holding the tenant while we wait. */
  holder?: string;
}

/**
 * A tier migration's bookkeeping in the saga state. While it builds the target, `placement` and
 * `resources` of the saga state are the target's (so the onboarding's create steps build it) and
 * `original` is the tenant as it was; once committed, they are the source being removed.
 */
export interface MigrationProgress {
  /** The tenant as the migration found it: what a rollback restores. */
  original: { placement: Placement; resources: TenantResources; routing?: TenantRouting };
  /** Where the saga is: building the target, or removing the source after the switch was committed. */
  phase: 'building' | 'removing';
  /** The target, once committed (while the saga's own fields are the source being removed). */
  target?: { placement: Placement; resources: TenantResources; routing?: TenantRouting };
  /**
   * Seconds requests already on their way to the source may take, once the routing switched: its
   * group's deregistration delay (the DrainPrevious wait's length).
   */
  drainSeconds?: number;
}

/** Progress of a bounded wait for an ECS deployment (the update's, or its rollback's). */
export interface DeploymentWait {
  attempts: number;
  done: boolean;
  detail: string;
}

/**
 * A release update's bookkeeping: what the tenant ran when the update took it (what a rollback
 * returns to), the revision registered for the new release, and the waits.
 */
export interface UpdateProgress {
  previous: {
    taskDefinitionArn: string;
    /** The release the record named (absent: the initial one). */
    release?: TenantRelease;
    /** Whether the service was serving (desired count above zero): ACTIVE or INACTIVE afterwards. */
    active: boolean;
    /** The revision each companion ran, by its name (none for a one-service tenant). */
    companions?: Record<string, string>;
  };
  /** The revision registered for the release. */
  revisionArn?: string;
  /** Each companion's revision of the release, by its name. */
  companionRevisions?: Record<string, string>;
  deployment?: DeploymentWait;
  rollback?: DeploymentWait;
}

/**
 * The JSON document passed from step to step, in the xstate engine and in Step Functions alike
 * (each Task returns the whole next state: `ResultPath: "$"`). Only plain JSON lives here.
 */
export interface SagaState {
  request: TenantRequest;
  /** Execution name (Step Functions) or run id (xstate); the dedupe key of the status event. */
  execution: string;
  /** Where the tenant runs: resolved by ValidateRequest for onboarding, read from the record otherwise. */
  placement?: Placement;
  resources: TenantResources;
  /** What a failed earlier placement left on the record, removed before re-onboarding elsewhere. */
  leftovers?: { placement?: Placement; resources: TenantResources };
  lockWait?: LockWait;
  health?: HealthProgress;
  failure?: SagaFailure;
  /** Compensations that failed, by step name: the resources they name are left behind. */
  compensationErrors?: Record<string, CaughtError>;
  /** The outbound status event once sent (or found already sent). */
  statusEvent?: OutboundEvent;
  /** Set by ConfirmCommitted: the final step's write went through although the step failed. */
  committed?: boolean;
  /** A tier migration's bookkeeping (see {@link MigrationProgress}). */
  migration?: MigrationProgress;
  /** A release update's bookkeeping (see {@link UpdateProgress}). */
  update?: UpdateProgress;
  /**
   * The release a task definition this saga registers runs, without sizes (the placement's apply): a
   * migration carries the tenant's release to its new placement. Absent: the initial release.
   */
  release?: TenantRelease;
}
