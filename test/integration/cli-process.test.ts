/**
 * The CLI as a process: it must end by itself once its work is done, whatever fault it injected
 * (a crashed step's abandoned Lambda invocation once kept a 120 s timer alive).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dirs.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs the CLI; resolves with its exit code, or `'still running'` if it has not ended after `limitMs`. */
const run = (args: string[], limitMs: number): Promise<number | 'still running'> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/tenantflow.mjs', ...args], { cwd: ROOT, stdio: 'ignore' });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve('still running');
    }, limitMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code ?? -1);
    });
  });

describe('the tenantflow process', () => {
  it.each(['crash', 'fatal'])(
    'ends by itself after a replay with a %s fault (well before any Lambda timeout)',
    async (kind) => {
      // Act: 60 s is half the step's 120 s Task timeout that used to keep it alive; it takes ~3 s.
      const code = await run(
        [
          'replay',
          'events/samples/onboarding-advanced.json',
          '--fault',
          `CreateTargetGroup:${kind}`,
          '--state-dir',
          tempDir('tf-process-'),
        ],
        60_000,
      );

      // Assess
      expect(code).toBe(0);
    },
    70_000,
  );
});
