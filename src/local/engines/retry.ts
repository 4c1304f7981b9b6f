import { RETRY_POLICY, retrierFor } from '../../../state-machines/retry.ts';

/** The ASL error name of a thrown value (Lambda's `errorType`). */
export const errorName = (error: unknown): string => (error instanceof Error ? error.name : 'Error');

const sleep = (ms: number): Promise<void> =>
  ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();

/**
 * Runs `attempt` under the ASL's retry policy: the first retrier naming the error decides, each
 * retrier counts its own attempts, and the error is rethrown once that retrier's budget is spent.
 * Delays follow IntervalSeconds × BackoffRate^n (capped by MaxDelaySeconds) with one second =
 * `secondMs` milliseconds; no jitter, so runs are reproducible.
 */
export const withRetry = async <T>(
  attempt: () => Promise<T>,
  secondMs: number,
  onRetry?: (error: unknown, retry: number) => void,
): Promise<T> => {
  const used = RETRY_POLICY.map(() => 0);
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      const index = retrierFor(errorName(error));
      const retrier = RETRY_POLICY[index];
      const count = used[index] ?? 0;
      if (!retrier || count >= retrier.MaxAttempts) throw error;
      used[index] = count + 1;
      onRetry?.(error, count + 1);
      const seconds = Math.min(
        retrier.IntervalSeconds * retrier.BackoffRate ** count,
        retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY,
      );
      await sleep(seconds * secondMs);
    }
  }
};
