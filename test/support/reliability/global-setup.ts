/**
 * vitest globalSetup: makes the directory the reliability test files leave their counts in (see
 * summary.ts); its teardown sums them and prints the one summary line of the suite.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ReliabilityCounters, summaryLine } from './counters.ts';

export default ({ provide }: { provide: (key: 'reliabilityCounts', value: string) => void }) => {
  const dir = mkdtempSync(join(tmpdir(), 'tenantflow-reliability-counts-'));
  provide('reliabilityCounts', dir);
  return () => {
    const files = readdirSync(dir).filter((name) => name.endsWith('.json'));
    if (files.length > 0) {
      const total = files
        .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as ReliabilityCounters)
        .reduce((sum, counts) => {
          for (const key of Object.keys(sum) as (keyof ReliabilityCounters)[]) sum[key] += counts[key] ?? 0;
          return sum;
        });
      console.log(summaryLine(total));
    }
    rmSync(dir, { recursive: true, force: true });
  };
};
