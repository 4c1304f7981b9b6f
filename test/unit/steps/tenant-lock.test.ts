import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  FatalError,
  RegistrationBusyError,
  TenantLockedError,
} from '../../../src/domain/errors.ts';
import { LOCK_WAIT_MAX_CHECKS } from '../../../src/domain/saga.ts';
import { lockTenant, reserveTenant } from '../../../src/steps/tenant-lock.ts';
import { createFakes } from '../../support/fake-ports.ts';
import { AT, context, EXECUTION, NAMES, placement, request, sagaState } from './fixtures.ts';

const PREMIUM_LEFTOVERS = {
  cluster: { name: NAMES.clusterName, arn: 'arn:cluster' },
  service: { cluster: NAMES.clusterName, name: NAMES.serviceName, arn: 'arn:service' },
};

describe('ReserveTenant', () => {
  it('takes the lock for onboarding from no record at all, writing the placement it provisions', async () => {
    // Prepare
    const fakes = createFakes();

    // Act
    const next = await reserveTenant(sagaState(), fakes.deps, context());

    // Assess
    expect(fakes.tenants.callsOf('acquire')).toEqual([
      [
        {
          tenantId: 'acme',
          tenantName: 'Acme',
          tenantRegistrationId: 'reg-acme',
          placement: placement('advanced'),
          operation: 'onboard',
          execution: EXECUTION,
          status: 'PROVISIONING',
          allowedFrom: ['absent', 'FAILED', 'DELETED'],
          at: AT,
        },
      ],
    ]);
    expect(next.resources).toEqual({});
    expect(next.leftovers).toBeUndefined();
    expect(fakes.tenants.records.get('acme')).toMatchObject({
      lock: { execution: EXECUTION },
      placement: placement('advanced'),
    });
  });

  it('carries over what a failed attempt of the same placement left, for the create steps to adopt', async () => {
    // Prepare
    const fakes = createFakes();
    const targetGroup = { name: NAMES.targetGroupName, arn: 'arn:tg' };
    fakes.tenants.seed({
      tenantId: 'acme',
      placement: placement('advanced'),
      lifecycleStatus: 'FAILED',
      resources: { targetGroup },
    });

    // Act
    const next = await reserveTenant(sagaState(), fakes.deps, context());

    // Assess
    expect(next.resources).toEqual({ targetGroup });
    expect(next.leftovers).toBeUndefined();
  });

  it('hands what a failed attempt of another placement left to RemoveLeftovers (a retry as another tier)', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed({
      tenantId: 'acme',
      placement: placement('premium'),
      lifecycleStatus: 'FAILED',
      resources: PREMIUM_LEFTOVERS,
    });

    // Act
    const next = await reserveTenant(sagaState('advanced'), fakes.deps, context());

    // Assess
    expect(next.resources).toEqual({});
    expect(next.leftovers).toEqual({ placement: placement('premium'), resources: PREMIUM_LEFTOVERS });
    expect(fakes.tenants.records.get('acme')).toMatchObject({
      placement: placement('advanced'),
      resources: PREMIUM_LEFTOVERS,
    });
  });

  it('succeeds again for the execution that already holds the lock', async () => {
    const fakes = createFakes();
    await reserveTenant(sagaState(), fakes.deps, context());
    const next = await reserveTenant(sagaState(), fakes.deps, context());
    expect(next.resources).toEqual({});
  });

  it('refuses an ACTIVE tenant onboarded from another registration', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed({ tenantId: 'acme', tenantRegistrationId: 'reg-earlier', lifecycleStatus: 'ACTIVE' });

    // Act
    const run = reserveTenant(sagaState(), fakes.deps, context());

    // Assess
    await expect(run).rejects.toBeInstanceOf(ConflictError);
    await expect(run).rejects.not.toBeInstanceOf(RegistrationBusyError);
  });

  it('refuses without blaming the registration when that registration is already onboarded', async () => {
    const fakes = createFakes();
    fakes.tenants.seed({ tenantId: 'acme', tenantRegistrationId: 'reg-acme', lifecycleStatus: 'ACTIVE' });
    const run = reserveTenant(sagaState(), fakes.deps, context());
    await expect(run).rejects.toBeInstanceOf(RegistrationBusyError);
    await expect(run).rejects.toThrow('registration reg-acme is already onboarded');
  });

  it('refuses without blaming the registration while another execution works on it', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed({
      tenantId: 'acme',
      tenantRegistrationId: 'reg-acme',
      lifecycleStatus: 'PROVISIONING',
      lock: { execution: 'onboard-reg-acme-first', operation: 'onboard', since: AT },
    });

    // Act
    const run = reserveTenant(sagaState(), fakes.deps, context());

    // Assess
    await expect(run).rejects.toBeInstanceOf(RegistrationBusyError);
    await expect(run).rejects.toThrow('is being worked on by execution onboard-reg-acme-first');
  });

  it('refuses as a plain conflict when the lock holder works on another registration', async () => {
    const fakes = createFakes();
    fakes.tenants.seed({
      tenantId: 'acme',
      tenantRegistrationId: 'reg-other',
      lifecycleStatus: 'PROVISIONING',
      lock: { execution: 'x', operation: 'onboard', since: AT },
    });
    const run = reserveTenant(sagaState(), fakes.deps, context());
    await expect(run).rejects.toBeInstanceOf(TenantLockedError);
  });

  it('refuses an id differing only in case from a live tenant', async () => {
    const fakes = createFakes();
    fakes.tenants.seed({ tenantId: 'ACME', lifecycleStatus: 'ACTIVE' });
    const run = reserveTenant(sagaState(), fakes.deps, context());
    await expect(run).rejects.toThrow('tenant id acme differs only in case from tenant ACME');
  });
});

describe('LockTenant', () => {
  it('locks for offboarding and takes placement and resources from the record, never from the request', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed({
      tenantId: 'acme',
      placement: placement('premium'),
      lifecycleStatus: 'ACTIVE',
      resources: PREMIUM_LEFTOVERS,
    });
    const asBasic = sagaState('basic', 'offboard', { placement: undefined });

    // Act
    const next = await lockTenant(asBasic, fakes.deps, context('offboarding'));

    // Assess
    expect(fakes.tenants.callsOf('acquire')[0]?.[0]).toMatchObject({
      operation: 'offboard',
      status: 'DEPROVISIONING',
      allowedFrom: ['absent', 'ACTIVE', 'INACTIVE', 'FAILED', 'DELETED'],
    });
    expect(next.placement).toEqual(placement('premium'));
    expect(next.resources).toEqual(PREMIUM_LEFTOVERS);
    expect(next.lockWait).toEqual({ held: true, attempts: 1 });
    expect(fakes.tenants.records.get('acme')?.placement).toEqual(placement('premium'));
    expect(fakes.log.lines).toEqual([
      {
        level: 'warn',
        message: 'the request names another tier than the record: the record wins',
        fields: { tenantId: 'acme', requestTier: 'basic', recordTier: 'premium' },
      },
    ]);
  });

  it('logs nothing when the request names no tier or the same one', async () => {
    const fakes = createFakes();
    fakes.tenants.seed({ tenantId: 'acme', placement: placement('premium'), lifecycleStatus: 'ACTIVE' });
    const unnamed = sagaState('premium', 'deactivate', {
      request: request({ operation: 'deactivate', tier: undefined }),
    });
    await lockTenant(unnamed, fakes.deps, context('activation'));
    expect(fakes.log.lines).toEqual([]);
  });

  it('answers an activation change that named the tenant alone to the registration on the record', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed({
      tenantId: 'acme',
      tenantRegistrationId: 'reg-from-record',
      lifecycleStatus: 'ACTIVE',
    });
    const alone = request({
      operation: 'deactivate',
      tier: undefined,
      tenantRegistrationId: undefined,
      eventId: 'evt-1',
    });

    // Act
    const next = await lockTenant(
      sagaState('advanced', 'deactivate', { request: alone }),
      fakes.deps,
      context('activation'),
    );

    // Assess
    expect(next.request.tenantRegistrationId).toBe('reg-from-record');
  });

  it('answers nobody for a request typed by hand without a registration', async () => {
    const fakes = createFakes();
    fakes.tenants.seed({
      tenantId: 'acme',
      tenantRegistrationId: 'reg-from-record',
      lifecycleStatus: 'ACTIVE',
    });
    const byHand = request({ operation: 'deactivate', tenantRegistrationId: undefined });
    const next = await lockTenant(
      sagaState('advanced', 'deactivate', { request: byHand }),
      fakes.deps,
      context('activation'),
    );
    expect(next.request.tenantRegistrationId).toBeUndefined();
  });

  it.each([
    ['activate', 'ACTIVATING'],
    ['deactivate', 'DEACTIVATING'],
  ] as const)(
    'locks for %s with status %s from ACTIVE, INACTIVE or a failed (de)activation',
    async (operation, status) => {
      const fakes = createFakes();
      fakes.tenants.seed({ tenantId: 'acme', lifecycleStatus: 'INACTIVE' });
      await lockTenant(sagaState('advanced', operation), fakes.deps, context('activation'));
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
    const fakes = createFakes();
    const lastError = { operation: failedBy, step: 'ScaleService', reason: 'x', at: 'y' };
    fakes.tenants.seed({ tenantId: 'acme', lifecycleStatus: 'FAILED', lastError });
    await lockTenant(sagaState('advanced', operation), fakes.deps, context('activation'));
    expect(fakes.tenants.records.get('acme')?.lifecycleStatus).toBe(status);
  });

  it('refuses to activate a tenant that FAILED to onboard: there is nothing to switch on', async () => {
    const fakes = createFakes();
    const lastError = { operation: 'onboard' as const, step: 'CreateService', reason: 'x', at: 'y' };
    fakes.tenants.seed({ tenantId: 'acme', lifecycleStatus: 'FAILED', lastError });
    const run = lockTenant(sagaState('basic', 'activate'), fakes.deps, context('activation'));
    await expect(run).rejects.toThrow(/FAILED after onboard/);
    expect(fakes.tenants.callsOf('acquire')).toEqual([]);
  });

  it('refuses to activate a tenant it has no record of, saying it is not found', async () => {
    const fakes = createFakes();
    const run = lockTenant(sagaState('advanced', 'activate'), fakes.deps, context('activation'));
    await expect(run).rejects.toBeInstanceOf(ConflictError);
    await expect(run).rejects.toThrow(/not found/);
  });

  it('waits while another execution holds the tenant, counting its looks', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed({
      tenantId: 'acme',
      lifecycleStatus: 'PROVISIONING',
      lock: { execution: 'onboard-1', operation: 'onboard', since: AT },
    });

    // Act
    const first = await lockTenant(sagaState('advanced', 'offboard'), fakes.deps, context('offboarding'));
    const second = await lockTenant(first, fakes.deps, context('offboarding'));

    // Assess
    expect(first.lockWait).toEqual({ held: false, attempts: 1, holder: 'onboard-1' });
    expect(second.lockWait).toEqual({ held: false, attempts: 2, holder: 'onboard-1' });
    expect(fakes.tenants.records.get('acme')?.lock?.execution).toBe('onboard-1');
  });

  it("gives up once the wait outlasts any onboarding's time bound", async () => {
    const fakes = createFakes();
    fakes.tenants.seed({
      tenantId: 'acme',
      lifecycleStatus: 'PROVISIONING',
      lock: { execution: 'onboard-1', operation: 'onboard', since: AT },
    });
    const waited = sagaState('advanced', 'offboard', {
      lockWait: { held: false, attempts: LOCK_WAIT_MAX_CHECKS - 1 },
    });
    const run = lockTenant(waited, fakes.deps, context('offboarding'));
    await expect(run).rejects.toBeInstanceOf(ConflictError);
    await expect(run).rejects.toThrow(`still held after ${LOCK_WAIT_MAX_CHECKS} checks`);
  });

  it('does not run for onboarding', async () => {
    const fakes = createFakes();
    await expect(lockTenant(sagaState('advanced', 'onboard'), fakes.deps, context())).rejects.toBeInstanceOf(
      FatalError,
    );
    expect(fakes.tenants.calls).toEqual([]);
  });
});
