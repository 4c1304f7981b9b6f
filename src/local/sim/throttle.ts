import type { BucketSpec } from './plugin.ts';

/**
 * Token buckets refilled continuously from the injected clock. A call takes one token from every
 * bucket it draws from, or from none: a throttled call spends nothing.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /** `true` when the call may proceed (and the tokens were taken). */
  take(specs: BucketSpec[], now: number): boolean {
    const levels = specs.map((spec) => {
      const last = this.buckets.get(spec.key) ?? { tokens: spec.burst, at: now };
      const refilled = Math.min(
        spec.burst,
        last.tokens + (Math.max(0, now - last.at) * spec.perSecond) / 1000,
      );
      return { spec, tokens: refilled };
    });
    for (const { spec, tokens } of levels) this.buckets.set(spec.key, { tokens, at: now });
    if (levels.some((l) => l.tokens < 1)) return false;
    for (const { spec, tokens } of levels) this.buckets.set(spec.key, { tokens: tokens - 1, at: now });
    return true;
  }
}
