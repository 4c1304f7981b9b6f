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

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values } = parseArgs({
  options: {
    tenants: { type: 'string', default: '40' },
    concurrency: { type: 'string', default: '10' },
    tier: { type: 'string', default: 'advanced' },
  },
});
const tenants = Number(values.tenants);
const concurrency = Number(values.concurrency);
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
  const calls = runtime.calls().length;
  await runtime.close();
  rmSync(stateDir, { recursive: true, force: true });
  const succeeded = outcomes.filter((o) => o === 'succeeded').length;
  return { seconds, succeeded, retries, calls, failures };
};

const lowerBound = (count: number): number => {
  // RegisterTaskDefinition: bucket of 20, refilled at 1 per second, one call per advanced/premium tenant.
  if (values.tier === 'basic') return 0;
  return Math.max(0, count - 20);
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
console.log(
  `AWS lower bound with rate limits: ${lowerBound(tenants)} s (RegisterTaskDefinition: burst 20, then 1/s); ` +
    `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
);
