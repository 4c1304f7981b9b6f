import { describe, expect, it } from 'vitest';
import { confirmCommitted } from '../../../src/steps/commit.ts';
import { activateTenant } from '../../../src/steps/tenant-release.ts';
import { createFakes } from '../../support/fake-ports.ts';
import { context, lockedRecord, sagaState } from './fixtures.ts';

describe('ConfirmCommitted', () => {
  it('says committed when the final step’s write went through for this execution', async () => {
    // Prepare: ActivateTenant's write lands, then (say) its handler dies before answering.
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord('basic'));
    await activateTenant(sagaState('basic'), fakes.deps, context());

    // Act
    const after = await confirmCommitted(sagaState('basic'), fakes.deps, context());

    // Assess
    expect(after.committed).toBe(true);
    expect(fakes.log.lines).toEqual([expect.objectContaining({ level: 'warn' })]);
  });

  it('says not committed while this execution still holds the tenant, or never touched it', async () => {
    // Prepare
    const held = createFakes();
    held.tenants.seed(lockedRecord('basic'));
    const absent = createFakes();

    // Act
    const holding = await confirmCommitted(sagaState('basic'), held.deps, context());
    const nothing = await confirmCommitted(sagaState('basic'), absent.deps, context());

    // Assess
    expect([holding.committed, nothing.committed]).toEqual([false, false]);
    expect(held.tenants.callsOf('release')).toEqual([]);
  });
});
