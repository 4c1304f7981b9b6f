/**
 * PlanMigration run again by the same execution (its handler died after its write went through, and
 * Step Functions retried it): the plan it recorded is its own, not "what an earlier migration left".
 * Found by the reliability suite's faults by call (a crash after PlanMigration's UpdateItem).
 */
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../src/domain/errors.ts';
import type { MigrationRecord } from '../../../src/domain/tenant-record.ts';
import { planMigration } from '../../../src/steps/migration.ts';
import { createFakes } from '../../support/fake-ports.ts';
import { context, EXECUTION, placement, request, TENANT } from './fixtures.ts';

const migrating = (execution: string, migration?: MigrationRecord) => ({
  tenantId: TENANT,
  placement: placement('advanced'),
  lifecycleStatus: 'MIGRATING' as const,
  resources: {},
  lock: { execution, operation: 'migrate' as const, since: '2025-01-01T00:00:00.000Z' },
  ...(migration ? { migration } : {}),
});

const state = () => ({
  request: request({ operation: 'migrate', tier: 'premium' }),
  execution: EXECUTION,
  placement: placement('advanced'),
  resources: {},
});

describe('PlanMigration, run again', () => {
  it('takes up the plan its own execution recorded before it died, and records nothing twice', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(migrating(EXECUTION));
    const first = await planMigration(state(), fakes.deps, context('migration'));
    const writes = fakes.tenants.callsOf('recordMigration').length;

    // Act
    const again = await planMigration(state(), fakes.deps, context('migration'));

    // Assess
    expect(again).toEqual(first);
    expect(again.placement?.tier).toBe('premium');
    expect(fakes.tenants.callsOf('recordMigration')).toHaveLength(writes);
  });

  it('still refuses a migration that another execution left behind', async () => {
    // Prepare
    const fakes = createFakes();
    const left: MigrationRecord = {
      direction: 'to',
      placement: { ...placement('premium'), generation: 1 },
      resources: {},
    };
    fakes.tenants.seed(migrating(EXECUTION, left));
    const other = planMigration(state(), fakes.deps, context('migration', 'migrate-someone-else'));

    // Act and assess
    await expect(other).rejects.toBeInstanceOf(ConflictError);
    await expect(other).rejects.toThrow('still has what an earlier migration left (to tier premium)');
  });
});
