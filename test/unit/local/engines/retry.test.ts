import { afterEach, describe, expect, it, vi } from 'vitest';
import { FatalError, RetryableError, ThrottledError } from '../../../../src/domain/errors.ts';
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
      if (calls <= 5) throw new RetryableError('busy');
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

  it('brings a throttled call back often: 1 s growing by half, never more than 10 s, 20 tries', async () => {
    // Prepare
    vi.useFakeTimers();
    const timeout = vi.spyOn(globalThis, 'setTimeout');
    const attempt = vi.fn(async () => {
      throw new ThrottledError('rate');
    });

    // Act
    const running = withRetry(attempt, 10).catch((error: unknown) => error);
    await vi.runAllTimersAsync();
    const error = await running;
    const delays = timeout.mock.calls.map((call) => Number(call[1]));

    // Assess: the first try and twenty more, then the throttle is the caller's.
    expect(error).toBeInstanceOf(ThrottledError);
    expect(attempt).toHaveBeenCalledTimes(21);
    expect(delays.slice(0, 5)).toEqual([10, 15, 22.5, 33.75, 50.625]);
    expect(Math.max(...delays)).toBe(100);
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
