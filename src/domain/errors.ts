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
  'QuotaExceededError',
] as const;

export type RetryableErrorName = (typeof RETRYABLE_ERROR_NAMES)[number];
export type FatalErrorName = (typeof FATAL_ERROR_NAMES)[number];

/** Base of every error tenantflow raises on purpose. */
export abstract class TenantFlowError extends Error {
  abstract readonly retryable: boolean;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A transient fault (network, 5xx, a resource briefly in the wrong state): try again. */
export class RetryableError extends TenantFlowError {
  override readonly name: RetryableErrorName = 'RetryableError';
  readonly retryable = true;
}

/** AWS refused the call for rate (ECS `ThrottlingException`, ELBv2 `Throttling`, …). */
export class ThrottledError extends RetryableError {
  override readonly name = 'ThrottledError' as const;
}

/** The resource exists but is not yet where the step needs it (draining, still deleting, …). */
export class NotReadyError extends RetryableError {
  override readonly name = 'NotReadyError' as const;
}

/** A failure that retrying will not mend. */
export class FatalError extends TenantFlowError {
  override readonly name: FatalErrorName = 'FatalError';
  readonly retryable = false;
}

/** Input that cannot be used; `field` names the offending field (a dotted path). */
export class ValidationError extends FatalError {
  override readonly name = 'ValidationError' as const;
  constructor(
    readonly field: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${field}: ${message}`, options);
  }
}

/** Another lifecycle operation holds the tenant, or the tenant is not in a state that allows this one. */
export class ConflictError extends FatalError {
  override readonly name = 'ConflictError' as const;
}

/** An AWS quota would be exceeded (target groups or rules per ALB, clusters per account, …). */
export class QuotaExceededError extends FatalError {
  override readonly name = 'QuotaExceededError' as const;
}

/** A short, human-readable description of any thrown value, for logs and status events. */
export const describeError = (error: unknown): string => {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
};
