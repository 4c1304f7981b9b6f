/**
 * The compiled CLI (scripts/build-cli.mjs, run by `npm ci` through `prepare`): built into a scratch
 * folder of the repository, it must answer `--version` from a small first chunk with no AWS SDK in
 * it, and run a whole replay on the embedded default (the stand-ins for what aws-local-stepfunctions
 * and the template reader import but the CLI never reaches must stay unreached).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.ts';
import { PROJECT_ROOT, projectPath } from '../../src/project-root.ts';

let outdir: string;
let stateRoot: string;

/** The files `file` imports statically (`from "./…"`), followed transitively, with their sizes. */
const staticGraph = (file: string, seen = new Map<string, number>()): Map<string, number> => {
  const text = readFileSync(file, 'utf8');
  seen.set(file, text.length);
  for (const [, spec] of text.matchAll(/(?:^|[;}\s])(?:import|export)[^'"()]*?from\s*["'](\.[^"']+)["']/g)) {
    const next = join(dirname(file), spec ?? '');
    if (!seen.has(next)) staticGraph(next, seen);
  }
  return seen;
};

const captured = () => {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (line) => out.push(line), err: (line) => err.push(line) };
  return { io, out, err };
};

beforeAll(() => {
  outdir = mkdtempSync(join(projectPath('dist'), 'cli-test-'));
  const built = spawnSync(
    process.execPath,
    ['scripts/build-cli.mjs', '--outdir', relative(PROJECT_ROOT, outdir)],
    { cwd: PROJECT_ROOT, encoding: 'utf8' },
  );
  expect(built.status, built.stderr).toBe(0);
  stateRoot = mkdtempSync(join(tmpdir(), 'tenantflow-compiled-'));
}, 60_000);

afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
  rmSync(stateRoot, { recursive: true, force: true });
});

describe('the compiled CLI', () => {
  it('lists the sources it was built from, so the launcher can tell when it is stale', () => {
    const { builtAt, inputs } = JSON.parse(readFileSync(join(outdir, 'inputs.json'), 'utf8'));
    expect(builtAt).toBeLessThanOrEqual(Date.now());
    expect(inputs).toContain('src/cli/main.ts');
    expect(inputs).toContain('state-machines/onboarding.asl.json');
    // Defined into the bundle already parsed: a newer one must make the build stale too.
    expect(inputs).toContain('infra/shared.yaml');
    expect(inputs.some((path: string) => path.includes('node_modules'))).toBe(false);
  });

  it('loads no AWS SDK, simulator or zod for --help and --version: a small static graph', () => {
    const graph = staticGraph(join(outdir, 'main.js'));
    const bytes = [...graph.values()].reduce((sum, size) => sum + size, 0);
    // The step vocabulary is in it (the resource kinds' table): a new kind adds a little.
    expect(bytes).toBeLessThan(53 * 1024);
    for (const file of graph.keys()) {
      const text = readFileSync(file, 'utf8');
      expect(text).not.toContain('@aws-sdk');
      expect(text).not.toContain('smithy');
    }
  });

  it('bundles neither the X-Ray SDK nor the YAML parser, which no command uses', () => {
    // The X-Ray SDK switches on an async hook for every promise of the process once loaded; the
    // shared template is defined in already parsed. Each is recognised by a string of its own.
    const chunks = readdirSync(join(outdir, 'chunks')).filter((file) => file.endsWith('.js'));
    expect(chunks.length).toBeGreaterThan(1);
    for (const file of ['main.js', ...chunks.map((chunk) => join('chunks', chunk))]) {
      const text = readFileSync(join(outdir, file), 'utf8');
      expect(text, file).not.toContain('AWS_XRAY_CONTEXT_MISSING');
      expect(text, file).not.toContain('YAMLParseError');
    }
  });

  it('answers --version and help', async () => {
    const { main } = await import(pathToFileURL(join(outdir, 'main.js')).href);
    const version = captured();
    expect(await main(['--version'], version.io)).toBe(0);
    const pkg = JSON.parse(readFileSync(projectPath('package.json'), 'utf8'));
    expect(version.out).toEqual([`tenantflow ${pkg.version}`]);
    const help = captured();
    expect(await main(['replay', '--help'], help.io)).toBe(0);
    expect(help.out.join('\n')).toContain('--fail-on');
  });

  it('replays an onboarding end to end on the embedded default', async () => {
    const { main } = await import(pathToFileURL(join(outdir, 'main.js')).href);
    const run = captured();
    const code = await main(
      [
        'replay',
        projectPath('events', 'samples', 'onboarding-advanced.json'),
        '--state-dir',
        join(stateRoot, 'replay'),
        '--json',
      ],
      run.io,
    );
    expect(code, run.err.join('\n')).toBe(0);
    const results = run.out.map((line) => JSON.parse(line));
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      outcome: 'succeeded',
      statusEvent: { 'detail-type': 'sbt_aws_provisionSuccess' },
    });
  });
});
