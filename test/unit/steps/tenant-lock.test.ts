import { describe, expect, it } from 'vitest';
import { ConflictError, FatalError } from '../../../src/domain/errors.ts';
import { lockTenant, reserveTenant } from '../../../src/steps/tenant-lock.ts';
import { createFakes } from '../../support/fake-ports.ts';
import { context, EXECUTION, sagaState } from './fixtures.ts';

describe('ReserveTenant', () => {
  it('takes the lock for onboarding from no record at all', async () => {
    // Prepare
    const fakes = createFakes();
    // Act
    const next = await reserveTenant(sagaState(), fakes.deps, context());
    // Assess
    expect(fakes.tenants.callsOf('acquire')).toEqual([
      [
        {
          tenantId: 'acme',
          tenantRegistrationId: 'reg-acme',
          tenantName: 'Acme',
          tier: 'advanced',
          operation: 'onboard',
          execution: EXECUTION,
          status: 'PROVISIONING',
          allowedFrom: ['absent', 'FAILED', 'DELETED'],
          at: '2025-01-01T00:00:00.000Z',
        },
      ],
    ]);
    expect(next.resources).toEqual({});
    expect(fakes.tenants.records.get('acme')?.lock?.execution).toBe(EXECUTION);
  });

  it('carries over what a failed attempt left on the record', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed({
      tenantId: 'acme',
      lifecycleStatus: 'FAILED',
      resources: { targetGroupArn: 'arn:tg' },
    });
    // Act
    const next = await reserveTenant(sagaState(), fakes.deps, context());
    // Assess
    expect(next.resources).toEqual({ targetGroupArn: 'arn:tg' });
  });

  it('succeeds again for the execution that already holds the lock', async () => {
    // Prepare
    const fakes = createFakes();
    await reserveTenant(sagaState(), fakes.deps, context());
    // Act
    const next = await reserveTenant(sagaState(), fakes.deps, context());
    // Assess
    expect(next.resources).toEqual({});
  });

  it('refuses an ACTIVE tenant', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed({ tenantId: 'acme', lifecycleStatus: 'ACTIVE' });
    // Act
    const run = reserveTenant(sagaState(), fakes.deps, context());
    // Assess
    await expect(run).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('LockTenant', () => {
  it('locks for offboarding and trusts the record for resources and tier', async () => {
    // Prepare
    const fakes = createFakes();
    const resources = { clusterName: 'tf-acme', serviceName: 'tf-acme' };
    fakes.tenants.seed({ tenantId: 'acme', tier: 'premium', lifecycleStatus: 'ACTIVE', resources });
    // Act
    const next = await lockTenant(sagaState('basic', 'offboard'), fakes.deps, context('offboarding'));
    // Assess
    expect(fakes.tenants.callsOf('acquire')[0]?.[0]).toMatchObject({
      operation: 'offboard',
      status: 'DEPROVISIONING',
      allowedFrom: ['absent', 'ACTIVE', 'INACTIVE', 'FAILED', 'DELETED'],
    });
    expect(next.request.tier).toBe('premium');
    expect(next.resources).toEqual(resources);
  });

  it.each([
    ['activate', 'ACTIVATING'],
    ['deactivate', 'DEACTIVATING'],
  ] as const)(
    'locks for %s with status %s from ACTIVE, INACTIVE or a failed (de)activation',
    async (operation, status) => {
      // Prepare
      const fakes = createFakes();
      fakes.tenants.seed({ tenantId: 'acme', lifecycleStatus: 'INACTIVE' });
      // Act
      await lockTenant(sagaState('advanced', operation), fakes.deps, context('activation'));
      // Assess
      expect(fakes.tenants.callsOf('acquire')[0]?.[0]).toMatchObject({
        operation,
        status,
        allowedFrom: ['ACTIVE', 'INACTIVE', 'FAILED'],
      });
      expect(fakes.tenants.records.get('acme')?.lifecycleStatus).toBe(status);
    },
  );

  it.each([
    ['activate', 'deactivate', 'ACTIVATING'],
    ['deactivate', 'activate', 'DEACTIVATING'],
  ] as const)('retries %s on a tenant whose %s FAILED', async (operation, failedBy, status) => {
    // Prepare
    const fakes = createFakes();
    const lastError = { operation: failedBy, step: 'ScaleService', reason: 'x', at: 'y' };
    fakes.tenants.seed({ tenantId: 'acme', lifecycleStatus: 'FAILED', lastError });
    // Act
    await lockTenant(sagaState('advanced', operation), fakes.deps, context('activation'));
    // Assess
    expect(fakes.tenants.records.get('acme')?.lifecycleStatus).toBe(status);
  });

  it('refuses to activate a tenant that FAILED to onboard: there is nothing to switch on', async () => {
    // Prepare
    const fakes = createFakes();
    const lastError = { operation: 'onboard' as const, step: 'CreateService', reason: 'x', at: 'y' };
    fakes.tenants.seed({ tenantId: 'acme', tier: 'basic', lifecycleStatus: 'FAILED', lastError });
    // Act
    const run = lockTenant(sagaState('basic', 'activate'), fakes.deps, context('activation'));
    // Assess
    await expect(run).rejects.toThrow(/FAILED after onboard/);
    expect(fakes.tenants.callsOf('acquire')).toEqual([]);
  });

  it('refuses to activate a tenant that does not exist', async () => {
    // Prepare
    const fakes = createFakes();
    // Act
    const run = lockTenant(sagaState('advanced', 'activate'), fakes.deps, context('activation'));
    // Assess
    await expect(run).rejects.toBeInstanceOf(ConflictError);
  });

  it('refuses while another execution holds the tenant', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed({
      tenantId: 'acme',
      lifecycleStatus: 'DEACTIVATING',
      lock: { execution: 'other', operation: 'deactivate', since: '2025-01-01T00:00:00.000Z' },
    });
    // Act
    const run = lockTenant(sagaState('advanced', 'offboard'), fakes.deps, context('offboarding'));
    // Assess
    await expect(run).rejects.toBeInstanceOf(ConflictError);
  });

  it('does not run for onboarding', async () => {
    // Prepare
    const fakes = createFakes();
    // Act
    const run = lockTenant(sagaState('advanced', 'onboard'), fakes.deps, context());
    // Assess
    await expect(run).rejects.toBeInstanceOf(FatalError);
    expect(fakes.tenants.calls).toEqual([]);
  });
});
