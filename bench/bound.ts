/**
 * The least time AWS's rate limits force on the calls a run made: for each token bucket, the calls
 * that took a token (every call but a throttled one) beyond its burst, at its refill rate; the
 * slowest bucket binds. The run's own waits (health polls, a rollout's waves) come on top.
 */
import { bucketsFor, pluginOf, type SimService } from '../src/local/sim/registry.ts';

export const lowerBound = (
  log: ReadonlyArray<{ service: string; command: string; error?: string }>,
): { seconds: number; bucket: string; n: number } => {
  const used = new Map<string, { n: number; burst: number; perSecond: number }>();
  for (const call of log) {
    // A throttled call spends no token; any other call does, whatever it answered (a lookup that
    // finds nothing, a conflict): the simulator takes the tokens before it handles the call.
    const service = call.service as SimService;
    if (call.error !== undefined && call.error === pluginOf(service).throttlingName) continue;
    for (const bucket of bucketsFor(service, call.command)) {
      const entry = used.get(bucket.key) ?? { n: 0, burst: bucket.burst, perSecond: bucket.perSecond };
      entry.n += 1;
      used.set(bucket.key, entry);
    }
  }
  let bound = { seconds: 0, bucket: 'none', n: 0 };
  for (const [key, { n, burst, perSecond }] of used) {
    const seconds = Math.max(0, (n - burst) / perSecond);
    if (seconds >= bound.seconds) bound = { seconds, bucket: key, n };
  }
  return bound;
};
