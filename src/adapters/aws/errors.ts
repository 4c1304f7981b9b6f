import {
  ClusterContainsServicesException,
  ClusterContainsTasksException,
  LimitExceededException as EcsLimitExceededException,
  ServiceNotActiveException,
  UpdateInProgressException,
} from '@aws-sdk/client-ecs';
import {
  ResourceInUseException as ElbResourceInUseException,
  TooManyRulesException,
  TooManyTagsException,
  TooManyTargetGroupsException,
  TooManyUniqueTargetGroupsPerLoadBalancerException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  FatalError,
  NotReadyError,
  QuotaExceededError,
  RetryableError,
  TenantFlowError,
  ThrottledError,
} from '../../domain/errors.ts';

/** Error names AWS services use for rate limiting (ECS, ELBv2, DynamoDB, EC2-style APIs). */
const THROTTLING_NAMES: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'ThrottledException',
]);

/** Error names of server-side faults that a retry usually outlives. */
const TRANSIENT_NAMES: ReadonlySet<string> = new Set([
  'ServerException',
  'InternalFailure',
  'InternalError',
  'InternalServerError',
  // Cognito's server fault, and its answer to two changes of one pool at once.
  'InternalErrorException',
  'ConcurrentModificationException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
]);

/** Node socket error codes: the request may never have reached AWS. */
const NETWORK_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

/** The resource exists but is mid-transition: waiting, then retrying, gets past it. */
const NOT_READY_CLASSES = [
  ClusterContainsServicesException,
  ClusterContainsTasksException,
  UpdateInProgressException,
  ServiceNotActiveException,
  ElbResourceInUseException,
] as const;

const QUOTA_CLASSES = [
  TooManyTargetGroupsException,
  TooManyRulesException,
  TooManyTagsException,
  TooManyUniqueTargetGroupsPerLoadBalancerException,
  EcsLimitExceededException,
] as const;

/** Quota errors named alike across services (Cognito's user pools per Region, …). */
const QUOTA_NAMES: ReadonlySet<string> = new Set(['LimitExceededException']);

const readString = (value: unknown, key: string): string | undefined => {
  if (typeof value !== 'object' || value === null || !(key in value)) return undefined;
  const field: unknown = Reflect.get(value, key);
  return typeof field === 'string' ? field : undefined;
};

/** The AWS error name (`ThrottlingException`, …) of any thrown value, if it has one. */
export const awsErrorName = (error: unknown): string | undefined => readString(error, 'name');

const describe = (error: unknown): string => {
  const name = awsErrorName(error) ?? 'Error';
  const message = readString(error, 'message') ?? String(error);
  return `${name}: ${message}`;
};

const isInstanceOfAny = (
  error: unknown,
  classes: ReadonlyArray<abstract new (...args: never[]) => unknown>,
) => classes.some((errorClass) => error instanceof errorClass);

/**
 * Classifies an error thrown by the AWS SDK as one of tenantflow's errors, so the state machine's
 * Retry/Catch can act on its `name`. `context` names the action (e.g. `ECS CreateService tf-acme`);
 * the original error is kept as `cause`. Errors that are already ours pass through unchanged.
 */
export const translateAwsError = (error: unknown, context: string): TenantFlowError => {
  if (error instanceof TenantFlowError) return error;
  const message = `${context} failed: ${describe(error)}`;
  const options = { cause: error };
  const name = awsErrorName(error) ?? '';
  if (THROTTLING_NAMES.has(name)) return new ThrottledError(message, options);
  if (isInstanceOfAny(error, NOT_READY_CLASSES)) return new NotReadyError(message, options);
  if (isInstanceOfAny(error, QUOTA_CLASSES) || QUOTA_NAMES.has(name))
    return new QuotaExceededError(message, options);
  const code = readString(error, 'code') ?? '';
  if (TRANSIENT_NAMES.has(name) || NETWORK_CODES.has(code) || readString(error, '$fault') === 'server') {
    return new RetryableError(message, options);
  }
  return new FatalError(message, options);
};

/**
 * As {@link translateAwsError}, for a DynamoDB call on `table`: a missing table is named (DynamoDB's
 * ResourceNotFoundException says only "Requested resource not found").
 */
export const translateTableError = (error: unknown, context: string, table: string): TenantFlowError =>
  awsErrorName(error) === 'ResourceNotFoundException'
    ? new FatalError(`${context} failed: table ${table} does not exist (${describe(error)})`, {
        cause: error,
      })
    : translateAwsError(error, context);
