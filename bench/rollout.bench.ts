/**
 * Rollout makespan on the embedded default: N advanced tenants onboarded (no rate limits: set-up),
 * then one release rolled out to them in waves with AWS's API rate limits (../shared/aws-limits.md)
 * enforced by the simulated cloud. Prints the makespan beside the lower bound the rate limits put on
 * the calls the rollout made (per token bucket: the calls beyond its burst over its refill rate; the
 * slowest bucket binds), and the ratio. Prints figures; asserts nothing (speed is not a test).
 *
 *   npm run bench:rollout -- [--tenants 40] [--concurrency 10] [--wave 1,10%,50%,100%]
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_WAVES, describeWaves, parseWaves } from '../src/domain/rollout.ts';
import { createLocalRuntime } from '../src/local/index.ts';
import { lowerBound } from './bound.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE = 'usage: npm run bench:rollout -- [--tenants 40] [--concurrency 10] [--wave 1,10%,50%,100%]';

const options = (() => {
  try {
    const { values } = parseArgs({
      options: {
        tenants: { type: 'string', default: '40' },
        concurrency: { type: 'string', default: '10' },
        wave: { type: 'string', default: DEFAULT_WAVES },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    const whole = (name: 'tenants' | 'concurrency') => {
      const value = Number(values[name]);
      if (!Number.isInteger(value) || value < 1 || value > 5_000)
        throw new Error(`--${name} "${values[name]}": a whole number from 1 to 5000`);
      return value;
    };
    return {
      tenants: whole('tenants'),
      concurrency: whole('concurrency'),
      waves: parseWaves(values.wave, '--wave'),
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`bench: ${message}\n${USAGE}`);
    process.exit(2);
  }
})();

const template = JSON.parse(
  readFileSync(new URL('../events/samples/onboarding-advanced.json', import.meta.url), 'utf8'),
);
const onboarding = Array.from({ length: options.tenants }, (_, i) => ({
  ...template,
  id: randomUUID(),
  detail: {
    ...template.detail,
    tenantId: randomUUID(),
    tenantRegistrationId: randomUUID(),
    tenantName: `bench-${i}`,
    tier: 'advanced',
  },
}));

const stateDir = mkdtempSync(join(tmpdir(), 'tenantflow-rollout-bench-'));
try {
  // Set-up: the fleet, without rate limits.
  const setup = await createLocalRuntime({ stateDir, engine: 'asl', fast: true });
  let next = 0;
  const onboardOne = async () => {
    while (next < onboarding.length) await setup.replay([onboarding[next++]]);
  };
  await Promise.all(Array.from({ length: 10 }, onboardOne));
  const ready = (await setup.tenants()).filter((record) => record.lifecycleStatus === 'ACTIVE').length;
  await setup.close();
  process.stderr.write(`  ${ready}/${options.tenants} tenants onboarded; rolling out\n`);

  // The rollout, with AWS's rate limits.
  let steps = 0;
  let failedAttempts = 0;
  const runtime = await createLocalRuntime({
    stateDir,
    engine: 'asl',
    throttle: true,
    onProgress: (event) => {
      steps += 1;
      if (!event.ok) failedAttempts += 1;
    },
  });
  const callsBefore = runtime.calls().length;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let done = 0;
  const { report } = await runtime.rollout(
    {
      tier: 'advanced',
      release: { version: '2.0.0', image: 'public.ecr.aws/nginx/nginx:1.27' },
      waves: describeWaves(options.waves),
      bakeSeconds: 0,
      concurrency: options.concurrency,
    },
    {
      onState: (state) => {
        // The wave under way counts from its tenants; a closed wave (the phase moved on) from the report.
        const running = state.progress.phase === 'running' ? state.progress.tenants : [];
        const now = state.report.updated + running.filter((t) => t.state === 'updated').length;
        if (now >= done + Math.max(10, Math.round(options.tenants / 10))) {
          done = now;
          process.stderr.write(`  … about ${done}/${options.tenants} updated\n`);
        }
      },
    },
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const log = runtime.calls().slice(callsBefore);
  await runtime.close();

  const bound = lowerBound(log);
  const throttled = log.filter((call) => /Throttl/.test(call.error ?? '')).length;
  console.log(
    `tenantflow rollout bench: ${options.tenants} advanced tenants, waves ${describeWaves(options.waves)} (${report.waves.length} waves), ` +
      `${options.concurrency} updates at a time, ASL engine, simulated AWS with rate limits`,
  );
  console.log(
    `rollout ${report.status}: ${report.updated} updated, ${report.rolledBack} rolled back, ${report.notUpdated.length} not updated; ` +
      `makespan ${seconds.toFixed(1)} s; ${(log.length / options.tenants).toFixed(1)} AWS calls/tenant; ${throttled} throttled calls; ` +
      `${failedAttempts} failed step attempts; ${((cpu.user + cpu.system) / 1000 / Math.max(1, steps)).toFixed(1)} ms CPU per saga step (simulated AWS and dynalite included)`,
  );
  if (report.status !== 'completed') {
    // A figure of a rollout that did not finish is no figure: say why, and fail.
    console.log(`not completed: ${report.reason ?? report.status}`);
    process.exitCode = 1;
  }
  const rss = `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`;
  console.log(
    bound.seconds > 0
      ? `AWS lower bound with rate limits: ${bound.seconds.toFixed(1)} s for the calls made (binding bucket ${bound.bucket}: ${bound.n} calls); ` +
          `measured ${seconds.toFixed(1)} s = ${(seconds / bound.seconds).toFixed(2)}× the bound ` +
          `(the bound leaves out the waves' own sequence: each wave waits for its deployments); ${rss}`
      : `AWS lower bound with rate limits: none: the calls made stay within every bucket's burst (try more tenants); ${rss}`,
  );
} finally {
  rmSync(stateDir, { recursive: true, force: true });
}
