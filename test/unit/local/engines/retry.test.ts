import { afterEach, describe, expect, it, vi } from 'vitest';
import { FatalError, ThrottledError } from '../../../../src/domain/errors.ts';
import { errorName, withRetry } from '../../../../src/local/engines/retry.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('withRetry', () => {
  it('waits IntervalSeconds × BackoffRate^n, capped by MaxDelaySeconds, one second being secondMs', async () => {
    // Prepare
    vi.useFakeTimers();
    const delays: number[] = [];
    const timeout = vi.spyOn(globalThis, 'setTimeout');
    let calls = 0;
    const attempt = async () => {
      calls += 1;
      if (calls <= 5) throw new ThrottledError('rate');
      return 'ok';
    };

    // Act
    const running = withRetry(attempt, 10);
    await vi.runAllTimersAsync();
    const result = await running;
    for (const call of timeout.mock.calls) delays.push(Number(call[1]));

    // Assess
    expect(result).toBe('ok');
    expect(delays).toEqual([20, 40, 80, 160, 300]);
  });

  it('rethrows at once an error no retrier names', async () => {
    // Prepare
    const attempt = vi.fn(async () => {
      throw new FatalError('no');
    });

    // Act
    const running = withRetry(attempt, 0);

    // Assess
    await expect(running).rejects.toThrow('no');
    expect(attempt).toHaveBeenCalledTimes(1);
  });

  it('names a thrown non-Error "Error", as the Lambda runtime would', () => {
    // Prepare
    const thrown = 'just a string';

    // Act
    const name = errorName(thrown);

    // Assess
    expect([name, errorName(new ThrottledError('x'))]).toEqual(['Error', 'ThrottledError']);
  });
});
