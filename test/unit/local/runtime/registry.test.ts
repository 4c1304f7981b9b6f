import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExecutionRegistry, readRegistry, registryLogOf } from '../../../../src/local/runtime/registry.ts';
import { tempDir } from '../../../support/temp-dirs.ts';

const start = { at: '2025-01-01T00:00:00.000Z', inputHash: 'h', input: { detail: {} } };

describe('ExecutionRegistry', () => {
  it('writes each start and end as a line of its log, which another reader sees without a flush', () => {
    // Prepare
    const file = join(tempDir('tf-registry-'), 'executions.json');
    const registry = new ExecutionRegistry(file);

    // Act
    registry.claim('onboarding', 'onboard-a', { ...start, tenantId: 'a', operation: 'onboard' });
    registry.claim('onboarding', 'onboard-b', start);
    registry.finish('onboarding', 'onboard-a', 'SUCCEEDED', '2025-01-01T00:01:00.000Z');
    const lines = readFileSync(registryLogOf(file), 'utf8').trim().split('\n');
    const seen = readRegistry(file);
    const again = new ExecutionRegistry(file);

    // Assess: no snapshot yet, three lines; both readers see the latest of each entry
    expect(existsSync(file)).toBe(false);
    expect(lines).toHaveLength(3);
    expect(seen.map((entry) => [entry.name, entry.status])).toEqual([
      ['onboard-a', 'SUCCEEDED'],
      ['onboard-b', 'RUNNING'],
    ]);
    expect(seen[0]?.input).toBeUndefined();
    expect(again.get('onboarding', 'onboard-a')?.status).toBe('SUCCEEDED');
    expect(again.claim('onboarding', 'onboard-a', start)).toBe(false);
  });

  it('leaves out a last line cut short by a kill, and a flush writes one snapshot and empties the log', () => {
    // Prepare
    const file = join(tempDir('tf-registry-'), 'executions.json');
    const registry = new ExecutionRegistry(file);
    registry.claim('offboarding', 'offboard-a', start);
    appendFileSync(registryLogOf(file), '{"machine":"offboarding","na');

    // Act
    const read = readRegistry(file);
    registry.flush();

    // Assess
    expect(read.map((entry) => entry.name)).toEqual(['offboard-a']);
    expect(existsSync(registryLogOf(file))).toBe(false);
    expect(readRegistry(file)).toEqual(read);
  });
});
