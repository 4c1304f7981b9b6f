/**
 * The reliability suite runs as several test files (in parallel workers), each counting into its own
 * module's counters. Each file leaves its counts in a directory the run's global setup made; the
 * global teardown (global-setup.ts) sums them into the one summary line.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, inject } from 'vitest';
import { snapshot } from './counters.ts';
import { removeWorldDirs } from './world.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    reliabilityCounts: string;
  }
}

/** Registers, in a reliability test file, the hook that leaves its counts for the summary. */
export const reportCounts = (file: string): void => {
  afterAll(() => {
    removeWorldDirs();
    const dir = inject('reliabilityCounts');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${file}.json`), JSON.stringify(snapshot()));
  });
};
