/**
 * The project's error classes. An error's `name` is the contract with the generated ASL: a Task's
 * `Retry` matches the retryable names below and its `Catch` sends everything else into the
 * compensation chain. Never rename one without regenerating the state machines.
 */

/** Names of errors a Step Functions `Retry` may retry (the step is idempotent). */
export const RETRYABLE_ERROR_NAMES = ['RetryableError', 'ThrottledError', 'NotReadyError'] as const;

/** Names of errors that end the saga at once and start the compensation. */
export const FATAL_ERROR_NAMES = [
  'FatalError',
  'ValidationError',
  'ConflictError',
  'TenantLockedError',
  'RegistrationBusyError',
  'OwnershipError',
  'QuotaExceededError',
] as const;

export type RetryableErrorName = (typeof RETRYABLE_ERROR_NAMES)[number];
export type FatalErrorName = (typeof FATAL_ERROR_NAMES)[number];

/** Base of every error tenantflow raises on purpose. */
export abstract class TenantFlowError extends Error {
  abstract readonly retryable: boolean;
}

/** A transient fault (network, 5xx, a resource briefly in the wrong state): try again. */
export class RetryableError extends TenantFlowError {
  override readonly name: RetryableErrorName = 'RetryableError';
  readonly retryable = true;
}

/** AWS refused the call for rate (ECS `ThrottlingException`, ELBv2 `Throttling`, …). */
export class ThrottledError extends RetryableError {
  override readonly name: RetryableErrorName = 'ThrottledError';
}

/** The resource exists but is not yet where the step needs it (draining, still deleting, …). */
export class NotReadyError extends RetryableError {
  override readonly name: RetryableErrorName = 'NotReadyError';
}

/** A failure that retrying will not mend. */
export class FatalError extends TenantFlowError {
  override readonly name: FatalErrorName = 'FatalError';
  readonly retryable = false;
}

/** Input that cannot be used; `field` names the offending field (a dotted path). */
export class ValidationError extends FatalError {
  override readonly name: FatalErrorName = 'ValidationError';
  constructor(
    readonly field: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${field}: ${message}`, options);
  }
}

/** The tenant is not in a state that allows this operation. */
export class ConflictError extends FatalError {
  override readonly name: FatalErrorName = 'ConflictError';
}

/** Another execution holds the tenant's lock (see `holder`); the caller may wait for it. */
export class TenantLockedError extends ConflictError {
  override readonly name: FatalErrorName = 'TenantLockedError';
  constructor(
    message: string,
    readonly holder: { execution: string; operation: string; since: string },
    /** The registration the record belongs to, when it has one. */
    readonly registrationId: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The request's registration is already answered for, by another execution working on it now or by
 * the one that already provisioned it: refusing must not tell the control plane the registration failed.
 */
export class RegistrationBusyError extends ConflictError {
  override readonly name: FatalErrorName = 'RegistrationBusyError';
}

/** A resource of the tenant's name exists but its tags say it is not this tenant's: never adopted. */
export class OwnershipError extends FatalError {
  override readonly name: FatalErrorName = 'OwnershipError';
}

/** An AWS quota would be exceeded (target groups or rules per ALB, clusters per account, …). */
export class QuotaExceededError extends FatalError {
  override readonly name: FatalErrorName = 'QuotaExceededError';
}

/** A short, human-readable description of any thrown value, for logs and status events. */
export const describeError = (error: unknown): string => {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
};
