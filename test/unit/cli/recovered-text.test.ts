/** The lines the opening recovery prints for an execution a dead process left. */
import { describe, expect, it } from 'vitest';
import { recoveredText } from '../../../src/cli/output.ts';
import type { RecoveredExecution } from '../../../src/local/runtime/index.ts';

const dead = (watch: RecoveredExecution['watch'], tenantStatus?: RecoveredExecution['tenantStatus']) => ({
  name: 'migrate-acme-1',
  machine: 'migration' as const,
  tenantId: 'acme',
  found: 'RUNNING' as const,
  watch,
  ...(tenantStatus ? { tenantStatus } : {}),
});

describe('recoveredText', () => {
  it('says the status the unlock left, and the status after the cleanup when that changed it', () => {
    // Prepare: a migration killed before its commit; its cleanup put the tenant back, ACTIVE.
    const item = dead(
      {
        outcome: 'notified',
        execution: 'migrate-acme-1',
        tenantId: 'acme',
        releasedLock: true,
        releasedAs: 'FAILED',
        cleanup: 'migrate-acme-1-cleanup',
      },
      'ACTIVE',
    );

    // Act
    const lines = recoveredText(item);

    // Assess
    expect(lines).toEqual([
      'recovered migrate-acme-1 (tenant acme): its process died while it ran',
      '  sent its status event; tenant unlocked (FAILED)',
      '  cleanup migrate-acme-1-cleanup removed what it left',
      '  tenant now ACTIVE',
    ]);
  });

  it('says ACTIVE for a tenant unlocked after its operation committed, and nothing more when it stays so', () => {
    // Prepare
    const item = dead(
      {
        outcome: 'already-notified',
        execution: 'migrate-acme-1',
        tenantId: 'acme',
        releasedLock: true,
        releasedAs: 'ACTIVE',
      },
      'ACTIVE',
    );

    // Act
    const lines = recoveredText(item);

    // Assess
    expect(lines.slice(1)).toEqual(['  its status event had been sent; tenant unlocked (ACTIVE)']);
  });
});
