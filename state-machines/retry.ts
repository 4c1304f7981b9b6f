import { RETRYABLE_ERROR_NAMES } from '../src/domain/errors.ts';

/** One ASL retrier. Field names are the ASL's, so the compiler copies an entry as it stands. */
export interface Retrier {
  ErrorEquals: readonly string[];
  IntervalSeconds: number;
  MaxAttempts: number;
  BackoffRate: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}

/**
 * The retry budget of every step, in the order the ASL evaluates it. The xstate engine applies the
 * same list, so "how many retries" has a single answer for both engines.
 */
export const RETRY_POLICY: readonly Retrier[] = [
  {
    // Lambda's own faults: the function never ran, or its result was lost.
    ErrorEquals: [
      'Lambda.ServiceException',
      'Lambda.AWSLambdaException',
      'Lambda.SdkClientException',
      'Lambda.TooManyRequestsException',
    ],
    IntervalSeconds: 1,
    MaxAttempts: 6,
    BackoffRate: 2,
    JitterStrategy: 'FULL',
  },
  {
    // A crash or a timeout mid-step: safe to run again because every step is idempotent.
    ErrorEquals: ['Lambda.Unknown', 'Runtime.ExitError', 'States.Timeout'],
    IntervalSeconds: 2,
    MaxAttempts: 3,
    BackoffRate: 2,
  },
  {
    // A resource mid-transition (a service draining its targets, a cluster still holding one): AWS
    // takes the target group's deregistration delay (300 s by default) to get there, so this waits
    // up to about ten minutes, in steps of at most 30 s.
    ErrorEquals: ['NotReadyError'],
    IntervalSeconds: 5,
    MaxAttempts: 22,
    BackoffRate: 1.5,
    MaxDelaySeconds: 30,
    JitterStrategy: 'FULL',
  },
  {
    // A call AWS throttled: it is let through as the bucket refills (ECS's task-definition bucket: one
    // token a second, ../shared/aws-limits.md), so tries come back often and for long, with short
    // jittered pauses, instead of after a backoff that grows past the refill and leaves tokens unused.
    // Twenty tries of at most 10 s keep a call in line for about a minute and a half on average: long
    // enough for a rollout's updates at its concurrency to take their turns.
    ErrorEquals: ['ThrottledError'],
    IntervalSeconds: 1,
    MaxAttempts: 20,
    BackoffRate: 1.5,
    MaxDelaySeconds: 10,
    JitterStrategy: 'FULL',
  },
  {
    // Our other transient errors, classified at the adapters.
    ErrorEquals: RETRYABLE_ERROR_NAMES.filter(
      (name) => name !== 'NotReadyError' && name !== 'ThrottledError',
    ),
    IntervalSeconds: 2,
    MaxAttempts: 5,
    BackoffRate: 2,
    MaxDelaySeconds: 30,
    JitterStrategy: 'FULL',
  },
];

/** Index of the retrier that matches `errorName`, or -1 (ASL: the first retrier listing the name wins). */
export const retrierFor = (errorName: string): number =>
  RETRY_POLICY.findIndex((retrier) => retrier.ErrorEquals.includes(errorName));
