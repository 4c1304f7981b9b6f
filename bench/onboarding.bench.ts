/**
 * Onboarding throughput on the embedded default: N advanced tenants onboarded C at a time through
 * the committed ASL, once without and once with AWS's API rate limits (../shared/aws-limits.md)
 * enforced by the simulated cloud. Prints figures; asserts nothing (speed is not a test).
 *
 *   npm run bench -- [--tenants 40] [--concurrency 10] [--tier advanced]
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLocalRuntime } from '../src/local/index.ts';
import { bucketsFor, type SimService } from '../src/local/sim/throttle.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE = 'usage: npm run bench -- [--tenants 40] [--concurrency 10] [--tier advanced]';

/** The command line, or a one-line reason it is not one (exit 2), or the usage (exit 0). */
const options = (() => {
  try {
    const { values } = parseArgs({
      options: {
        tenants: { type: 'string', default: '40' },
        concurrency: { type: 'string', default: '10' },
        tier: { type: 'string', default: 'advanced' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    const whole = (name: 'tenants' | 'concurrency') => {
      const value = Number(values[name]);
      if (!Number.isInteger(value) || value < 1 || value > 10_000)
        throw new Error(`--${name} "${values[name]}": a whole number from 1 to 10000`);
      return value;
    };
    return { tenants: whole('tenants'), concurrency: whole('concurrency'), tier: values.tier };
  } catch (error) {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(2);
  }
})();
const values = { tier: options.tier };
const { tenants, concurrency } = options;
const template = JSON.parse(
  readFileSync(new URL('../events/samples/onboarding-advanced.json', import.meta.url), 'utf8'),
);

const onboardingEvents = (count: number): unknown[] =>
  Array.from({ length: count }, (_, i) => ({
    ...template,
    id: randomUUID(),
    detail: {
      ...template.detail,
      tenantId: randomUUID(),
      tenantRegistrationId: randomUUID(),
      tenantName: `bench-${i}`,
      tier: values.tier,
    },
  }));

const run = async (throttle: boolean) => {
  const stateDir = mkdtempSync(join(tmpdir(), 'tenantflow-bench-'));
  let retries = 0;
  const runtime = await createLocalRuntime({
    stateDir,
    engine: 'asl',
    throttle,
    fast: !throttle,
    onProgress: (event) => {
      if (!event.ok) retries += 1;
    },
  });
  const events = onboardingEvents(tenants);
  const started = performance.now();
  const outcomes: string[] = [];
  const failures: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < events.length) {
      const event = events[next++];
      const [result] = await runtime.replay([event]);
      outcomes.push(result?.outcome ?? 'missing');
      if (result?.outcome !== 'succeeded')
        failures.push(`${result?.outcome ?? 'missing'}: ${result?.error ?? ''}`);
      if (outcomes.length % 10 === 0) process.stderr.write(`  … ${outcomes.length}/${tenants} done\n`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const log = runtime.calls();
  await runtime.close();
  rmSync(stateDir, { recursive: true, force: true });
  const succeeded = outcomes.filter((o) => o === 'succeeded').length;
  return { seconds, succeeded, retries, calls: log.length, failures, log };
};

/**
 * The least time AWS's rate limits force on the calls a run made: for each token bucket, the calls
 * that went through (a throttled call spends no token) beyond its burst, at its refill rate; the
 * slowest bucket binds. The saga's own waits (health polls) come on top.
 */
const lowerBound = (log: ReadonlyArray<{ service: string; command: string; error?: string }>) => {
  const used = new Map<string, { n: number; burst: number; perSecond: number }>();
  for (const call of log) {
    if (call.error) continue;
    for (const bucket of bucketsFor(call.service as SimService, call.command)) {
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

const line = (label: string, r: Awaited<ReturnType<typeof run>>) =>
  console.log(
    `${label.padEnd(22)} ${String(r.succeeded).padStart(4)}/${tenants} succeeded  ${r.seconds.toFixed(2).padStart(7)} s  ` +
      `${(r.succeeded / r.seconds).toFixed(2).padStart(7)} tenants/s  ${(r.calls / tenants).toFixed(1)} AWS calls/tenant  ` +
      `${r.retries} retried step attempts` +
      r.failures.map((failure) => `\n  not succeeded: ${failure}`).join(''),
  );

console.log(
  `tenantflow onboarding bench: ${tenants} ${values.tier} tenants, ${concurrency} at a time, ASL engine, simulated AWS`,
);
const free = await run(false);
line('no rate limits', free);
const limited = await run(true);
line('AWS rate limits', limited);
const bound = lowerBound(limited.log);
console.log(
  `AWS lower bound with rate limits: ${bound.seconds.toFixed(1)} s for the calls made (binding bucket ${bound.bucket}: ` +
    `${bound.n} calls); the rest of the measured time is the saga's own waits and the local engine; ` +
    `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
);
