/**
 * Tracing is the Lambda functions' only: the local runtime (the CLI, the benchmarks) must not load
 * the X-Ray SDK, which switches on an async hook for every promise of the process once imported.
 */
import { spawnSync } from 'node:child_process';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { describe, expect, it } from 'vitest';
import { observability } from '../../../src/handlers/lambda-observability.ts';
import { tracing, untracedObservability } from '../../../src/handlers/observability.ts';
import { PROJECT_ROOT } from '../../../src/project-root.ts';

/** How many modules of the X-Ray SDK are loaded once `module` (a source path) is imported. */
const xrayModulesAfterImporting = (module: string): number => {
  const script = `await import(${JSON.stringify(`./${module}`)});
const { default: Module } = await import('node:module');
console.log(Object.keys(Module._cache).filter((path) => path.includes('/aws-xray-sdk-core/')).length);`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
  });
  expect(run.status, run.stderr).toBe(0);
  return Number(run.stdout.trim());
};

describe('observability', () => {
  it('gives the Lambda functions a tracer and its middleware', () => {
    const obs = observability('step');
    expect(obs.tracer).toBeInstanceOf(Tracer);
    expect(tracing(obs.tracer)).toHaveLength(1);
  });

  it('gives the local runtime no tracer and no tracing middleware', () => {
    const obs = untracedObservability('step');
    expect(obs.tracer).toBeUndefined();
    expect(tracing(obs.tracer)).toEqual([]);
  });

  it('loads no X-Ray SDK with the local runtime, and loads it with a Lambda composition root', () => {
    expect(xrayModulesAfterImporting('src/local/runtime/runtime.ts')).toBe(0);
    expect(xrayModulesAfterImporting('src/handlers/lambda-observability.ts')).toBeGreaterThan(0);
  }, 60_000);
});
