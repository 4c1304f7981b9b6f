#!/usr/bin/env node
/**
 * Whole-process start-up of the CLI, as a user meets it: `node -e ''` (the floor on this machine),
 * `tenantflow --help`, `tenantflow --version` and one advanced onboarding replayed on the embedded
 * default into a fresh state dir. Each is run --runs times (default 7); prints min and median and
 * the goals. Plain JavaScript, so the benchmark itself adds no transpiler to what it measures.
 * Prints figures; asserts nothing (speed is not a test).
 *
 *   npm run bench:startup -- [--runs 7] [--from-source]
 * --from-source measures the TypeScript sources through tsx instead of the compiled dist/cli.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = 'usage: npm run bench:startup -- [--runs 7] [--from-source]';

let values;
try {
  ({ values } = parseArgs({
    options: {
      runs: { type: 'string', default: '7' },
      'from-source': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  console.error(`bench:startup: ${error.message}\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1 || runs > 100) {
  console.error(`bench:startup: --runs "${values.runs}": a whole number from 1 to 100`);
  process.exit(2);
}
const fromSource = values['from-source'];
if (!fromSource && !existsSync(join(root, 'dist', 'cli', 'inputs.json'))) {
  console.error('bench:startup: dist/cli is not built (npm ci builds it; or npm run build:cli)');
  process.exit(2);
}

const env = { ...process.env, NO_COLOR: '1', ...(fromSource ? { TENANTFLOW_FROM_SOURCE: '1' } : {}) };
const cli = join(root, 'bin', 'tenantflow.mjs');
const sample = join(root, 'events', 'samples', 'onboarding-advanced.json');

/** Milliseconds of one run of `node …args`; throws when it exits non-zero. */
const timeOnce = (args) => {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env, cwd: root, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0)
    throw new Error(
      `node ${args.join(' ')} exited ${result.status}: ${result.stderr.trim().split('\n').at(-1)}`,
    );
  return ms;
};

const measure = (label, goalMs, makeArgs) => {
  const times = [];
  for (let i = 0; i < runs; i++) times.push(timeOnce(makeArgs(i)));
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const verdict =
    goalMs === undefined
      ? ''
      : median <= goalMs
        ? `  goal ≤ ${goalMs} ms: met`
        : `  goal ≤ ${goalMs} ms: NOT met`;
  console.log(
    `${label.padEnd(34)} median ${median.toFixed(0).padStart(5)} ms   min ${times[0].toFixed(0).padStart(5)} ms${verdict}`,
  );
};

console.log(
  `tenantflow start-up, ${fromSource ? 'TypeScript sources through tsx' : 'compiled dist/cli'}, Node ${process.version}, ${runs} runs each`,
);
const scratch = mkdtempSync(join(tmpdir(), 'tenantflow-startup-'));
try {
  timeOnce(['-e', '']); // warm the file cache before the first figure
  measure("node -e ''", undefined, () => ['-e', '']);
  measure('tenantflow --help', 150, () => [cli, '--help']);
  measure('tenantflow --version', 150, () => [cli, '--version']);
  measure('tenantflow replay (1 onboarding)', 600, (i) => [
    cli,
    'replay',
    sample,
    '--state-dir',
    join(scratch, `run-${i}`),
  ]);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
