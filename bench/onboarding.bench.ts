/**
 * Onboarding throughput on the embedded default: a mix of tenants onboarded C at a time through the
 * committed ASL, once without and once with AWS's API rate limits (../shared/aws-limits.md) enforced
 * by the simulated cloud (`--throttle`: only the rate-limited run). Prints figures; asserts nothing
 * (speed is not a test).
 *
 *   npm run bench -- [--mix basic=10,advanced=30] [--tenants 40 --tier advanced] [--concurrency 10] [--throttle | --unlimited] [--shards N] [--catalogue FILE] [--cpu-profile]
 *
 * `--unlimited` runs only the run without rate limits (a fleet of thousands, where the rate-limited
 * run would take an hour of simulated AWS time).
 *
 * `--cpu-profile` takes a V8 CPU profile of each run and splits its CPU between the simulated AWS
 * and tenantflow's orchestration (bench/cpu-split.ts); the profiler slows the runs a little.
 *
 * The simulated shared stack has as many load balancer shards as the mix's silo tenants need (at
 * most MAX_SHARDS), unless `--shards` says. Past what MAX_SHARDS hold, onboardings add shards as they
 * fill (the shard machine, SHARD_GROWTH_THRESHOLD 0.8, as many as needed up to SHARD_GROWTH_LIMIT's 40).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.ts';
import { isPooledTier, resolveTier } from '../src/domain/catalogue.ts';
import { MAX_SHARDS, shardCapacity } from '../src/domain/shards.ts';
import { createLocalRuntime } from '../src/local/index.ts';
import { lowerBound } from './bound.ts';
import { type CpuSplit, startCpuProfile } from './cpu-split.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE =
  'usage: npm run bench -- [--mix basic=10,advanced=30,premium=5 | --tenants 40 --tier advanced] [--concurrency 10] [--throttle | --unlimited] [--shards 1-6] [--catalogue FILE] [--cpu-profile]';

/** The catalogue's text when `--catalogue FILE` names one (the orchestrator's TIER_CATALOGUE), else the bundled one. */
let catalogueText: string | undefined;
let catalogue = loadConfig({ SBT_EVENT_BUS: 'bench' }).catalogue;

/** `basic=10,advanced=30` → [['basic', 10], ['advanced', 30]] (tiers by name or alias). */
const parseMix = (text: string): Array<[string, number]> =>
  text.split(',').map((part) => {
    const [name = '', count = ''] = part.split('=').map((s) => s.trim());
    const tier = resolveTier(catalogue, name);
    if (!tier) throw new Error(`--mix "${part}": no tier ${name} in the catalogue`);
    const n = Number(count);
    if (!Number.isInteger(n) || n < 1 || n > 10_000)
      throw new Error(`--mix "${part}": the count is a whole number from 1 to 10000`);
    return [tier, n];
  });

/** The command line, or a one-line reason it is not one (exit 2), or the usage (exit 0). */
const options = (() => {
  try {
    const { values } = parseArgs({
      options: {
        mix: { type: 'string' },
        tenants: { type: 'string', default: '40' },
        concurrency: { type: 'string', default: '10' },
        tier: { type: 'string', default: 'advanced' },
        throttle: { type: 'boolean', default: false },
        unlimited: { type: 'boolean', default: false },
        shards: { type: 'string' },
        catalogue: { type: 'string' },
        'cpu-profile': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    if (values.catalogue !== undefined) {
      catalogueText = readFileSync(values.catalogue, 'utf8');
      catalogue = loadConfig({ SBT_EVENT_BUS: 'bench', TIER_CATALOGUE: catalogueText }).catalogue;
    }
    const whole = (name: 'tenants' | 'concurrency') => {
      const value = Number(values[name]);
      if (!Number.isInteger(value) || value < 1 || value > 10_000)
        throw new Error(`--${name} "${values[name]}": a whole number from 1 to 10000`);
      return value;
    };
    const mix = values.mix ? parseMix(values.mix) : parseMix(`${values.tier}=${whole('tenants')}`);
    // The shards the silo tenants need: the first holds one fewer (the pooled rule is on it).
    const silo = mix.filter(([tier]) => !isPooledTier(catalogue, tier)).reduce((sum, [, n]) => sum + n, 0);
    let needed = 1;
    for (let room = shardCapacity(0); room < silo && needed < MAX_SHARDS; needed += 1)
      room += shardCapacity(needed);
    const shards = values.shards === undefined ? Math.min(needed, MAX_SHARDS) : Number(values.shards);
    if (!Number.isInteger(shards) || shards < 1 || shards > MAX_SHARDS)
      throw new Error(`--shards "${values.shards}": a whole number from 1 to ${MAX_SHARDS}`);
    if (values.throttle && values.unlimited) throw new Error('--throttle and --unlimited: one or the other');
    // Silo tenants past what the stack's shards hold: the shard machine adds shards as they fill.
    let room = 0;
    for (let i = 0; i < shards; i += 1) room += shardCapacity(i);
    const grow = Math.max(0, Math.ceil((silo - room) / shardCapacity(1)) + (silo > room ? 1 : 0));
    if (grow > 40) throw new Error(`${silo} silo tenants need ${grow} added shards: at most 40 can be added`);
    return {
      mix,
      grow,
      concurrency: whole('concurrency'),
      throttleOnly: values.throttle,
      unlimitedOnly: values.unlimited,
      shards,
      cpuProfile: values['cpu-profile'],
      catalogueFile: values.catalogue,
    };
  } catch (error) {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(2);
  }
})();
const { mix, grow, concurrency, throttleOnly, unlimitedOnly, shards, cpuProfile, catalogueFile } = options;
const tenants = mix.reduce((sum, [, n]) => sum + n, 0);
const template = JSON.parse(
  readFileSync(new URL('../events/samples/onboarding-advanced.json', import.meta.url), 'utf8'),
);

/** The mix's onboarding events, the tiers interleaved (a premium every so often, not all at the end). */
const onboardingEvents = (): unknown[] => {
  const tiers = mix.flatMap(([tier, n]) =>
    Array.from({ length: n }, (_, i) => ({ tier, key: (i + 0.5) / n })),
  );
  tiers.sort((a, b) => a.key - b.key);
  return tiers.map(({ tier }, i) => ({
    ...template,
    id: randomUUID(),
    detail: {
      ...template.detail,
      tenantId: randomUUID(),
      tenantRegistrationId: randomUUID(),
      tenantName: `bench-${i}`,
      tier,
    },
  }));
};

const run = async (throttle: boolean) => {
  const stateDir = mkdtempSync(join(tmpdir(), 'tenantflow-bench-'));
  let retries = 0;
  let steps = 0;
  const runtime = await createLocalRuntime({
    stateDir,
    engine: 'asl',
    throttle,
    fast: !throttle,
    shards,
    ...(grow > 0 ? { shardGrowthThreshold: 0.8, shardGrowthLimit: grow } : {}),
    ...(catalogueText === undefined ? {} : { settings: { TIER_CATALOGUE: catalogueText } }),
    onProgress: (event) => {
      steps += 1;
      if (!event.ok) retries += 1;
    },
  });
  const events = onboardingEvents();
  const stopProfile = cpuProfile ? await startCpuProfile() : undefined;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const outcomes: string[] = [];
  const failures = new Map<string, number>();
  let next = 0;
  const worker = async () => {
    while (next < events.length) {
      const event = events[next++];
      const [result] = await runtime.replay([event]);
      outcomes.push(result?.outcome ?? 'missing');
      if (result?.outcome !== 'succeeded') {
        const why = `${result?.outcome ?? 'missing'}: ${result?.error ?? ''}`;
        failures.set(why, (failures.get(why) ?? 0) + 1);
      }
      if (outcomes.length % Math.max(10, Math.round(tenants / 10)) === 0)
        process.stderr.write(`  … ${outcomes.length}/${tenants} done\n`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const split: CpuSplit | undefined = await stopProfile?.();
  const log = runtime.calls();
  // Orphans: a resource tagged for a tenant that is not ACTIVE (a failed onboarding leaves nothing).
  const records = new Map((await runtime.tenants()).map((record) => [record.tenantId, record]));
  const orphans = runtime
    .inventory()
    .filter((item) => item.tenantId && records.get(item.tenantId)?.lifecycleStatus !== 'ACTIVE').length;
  const shardsAdded = (await runtime.shards()).length - shards;
  const shardsUsed = new Set(
    [...records.values()].flatMap((record) =>
      record.resources.listenerRule ? [record.resources.listenerRule.listenerArn] : [],
    ),
  ).size;
  await runtime.close();
  rmSync(stateDir, { recursive: true, force: true });
  const succeeded = outcomes.filter((o) => o === 'succeeded').length;
  const throttled = log.filter((call) => /Throttl/.test(call.error ?? '')).length;
  return {
    seconds,
    succeeded,
    retries,
    steps,
    calls: log.length,
    throttled,
    failures,
    log,
    orphans,
    cpu,
    split,
    shardsUsed,
    shardsAdded,
  };
};

const line = (label: string, r: Awaited<ReturnType<typeof run>>) =>
  console.log(
    `${label.padEnd(16)} ${String(r.succeeded).padStart(5)}/${tenants} succeeded  ${r.seconds.toFixed(2).padStart(8)} s  ` +
      `${(r.succeeded / r.seconds).toFixed(2).padStart(6)} tenants/s  ${(r.calls / tenants).toFixed(1)} AWS calls/tenant  ` +
      `${r.throttled} throttled calls  ${r.retries} retried step attempts  ${r.orphans} orphans  ` +
      `${r.shardsUsed} of ${shards + r.shardsAdded} load balancer shard${shards + r.shardsAdded === 1 ? '' : 's'} used${r.shardsAdded > 0 ? ` (${r.shardsAdded} added as they filled)` : ''}  ` +
      `${((r.cpu.user + r.cpu.system) / 1000 / Math.max(1, r.steps)).toFixed(1)} ms CPU per saga step (simulated AWS and dynalite included)` +
      (r.split
        ? `\n  CPU profile: ${(r.split.orchestrationMs / Math.max(1, r.steps)).toFixed(1)} ms per saga step in tenantflow's orchestration ` +
          `(of which ${(r.split.gcMs / Math.max(1, r.steps)).toFixed(1)} ms garbage collection), ` +
          `${(r.split.simulatedMs / Math.max(1, r.steps)).toFixed(1)} ms in the simulated AWS (its handlers, dynalite); ${r.steps} steps` +
          `\n  most self time, ms a saga step:` +
          r.split.top
            .map(
              (fn) =>
                `\n    ${(fn.ms / Math.max(1, r.steps)).toFixed(3).padStart(7)}  ${fn.simulated ? 'sim ' : 'orch'}  ${fn.where}`,
            )
            .join('')
        : '') +
      [...r.failures].map(([why, n]) => `\n  not succeeded ×${n}: ${why}`).join(''),
  );

console.log(
  `tenantflow onboarding bench: ${mix.map(([tier, n]) => `${n} ${tier}`).join(', ')}${catalogueFile ? ` (catalogue ${catalogueFile})` : ''}; ${concurrency} at a time, ASL engine, simulated AWS, ${shards} load balancer shard${shards === 1 ? '' : 's'}${grow > 0 ? `, up to ${grow} more added as they fill` : ''}`,
);
if (!throttleOnly) line('no rate limits', await run(false));
if (unlimitedOnly) {
  console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
} else {
  const limited = await run(true);
  line('AWS rate limits', limited);
  const bound = lowerBound(limited.log);
  console.log(
    `AWS lower bound with rate limits: ${bound.seconds.toFixed(1)} s for the calls made (binding bucket ${bound.bucket}: ` +
      `${bound.n} calls); measured ${limited.seconds.toFixed(1)} s = ${(limited.seconds / Math.max(bound.seconds, 0.001)).toFixed(2)}× the bound; ` +
      `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
  );
}
