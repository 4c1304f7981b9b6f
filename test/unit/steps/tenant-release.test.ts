import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../src/domain/errors.ts';
import {
  activateTenant,
  markFailed,
  removeTenant,
  setActivation,
} from '../../../src/steps/tenant-release.ts';
import { createFakes, FAKE_INFRA, fakeShard } from '../../support/fake-ports.ts';
import { AT, context, EXECUTION, lockedRecord, NAMES, sagaState } from './fixtures.ts';

const SILO = {
  service: { cluster: NAMES.clusterName, name: NAMES.serviceName, arn: 'arn:service' },
  targetGroup: { name: NAMES.targetGroupName, arn: 'arn:tg' },
  listenerRule: { listenerArn: FAKE_INFRA.listenerArn, arn: 'arn:rule', priority: 4 },
};

describe('ActivateTenant', () => {
  it('routes a basic tenant to the pooled service and releases the lock', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord('basic'));
    // Act
    await activateTenant(sagaState('basic'), fakes.deps, context());
    // Assess
    expect(fakes.tenants.callsOf('release')).toEqual([
      [
        {
          tenantId: 'acme',
          execution: EXECUTION,
          status: 'ACTIVE',
          active: true,
          resources: {},
          routing: {
            mode: 'pooled',
            clusterName: 'tf-shared',
            serviceName: 'tf-pooled',
            targetGroupArn: FAKE_INFRA.pooledTargetGroupArn,
            tenantHeader: 'acme',
            loadBalancerDns: fakeShard(0).dnsName,
          },
          lastError: null,
          history: [
            {
              operation: 'onboard',
              execution: EXECUTION,
              step: 'ActivateTenant',
              outcome: 'succeeded',
              at: AT,
              durationMs: 0,
            },
          ],
          at: AT,
        },
      ],
    ]);
    expect(fakes.tenants.records.get('acme')?.lock).toBeUndefined();
  });

  it("routes a premium tenant to its own cluster's service", async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord('premium'));
    // Act
    await activateTenant(sagaState('premium', 'onboard', { resources: SILO }), fakes.deps, context());
    // Assess
    expect(fakes.tenants.records.get('acme')).toMatchObject({
      lifecycleStatus: 'ACTIVE',
      active: true,
      resources: SILO,
      routing: {
        mode: 'silo',
        clusterName: NAMES.clusterName,
        serviceName: NAMES.serviceName,
        targetGroupArn: 'arn:tg',
        tenantHeader: 'acme',
      },
    });
  });

  it('converges when a previous attempt already released the lock', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord('basic'));
    await activateTenant(sagaState('basic'), fakes.deps, context());
    // Act
    const run = activateTenant(sagaState('basic'), fakes.deps, context());
    // Assess
    await expect(run).resolves.toEqual(sagaState('basic'));
  });

  it('still fails when another execution holds the tenant', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord('basic', 'someone-else'));
    // Act
    const run = activateTenant(sagaState('basic'), fakes.deps, context());
    // Assess
    await expect(run).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('MarkFailed', () => {
  const failure = {
    step: 'CreateService',
    error: {
      Error: 'FatalError',
      Cause: JSON.stringify({ errorType: 'FatalError', errorMessage: 'no subnet' }),
    },
  };

  it('keeps what the record names when the saga failed where it takes the lock (it never read them)', async () => {
    // Prepare: an offboarding whose LockTenant took the lock, then died for good.
    const fakes = createFakes();
    fakes.tenants.seed({ ...lockedRecord('advanced', EXECUTION, 'offboard'), resources: SILO });
    const state = sagaState('advanced', 'offboard', {
      failure: { ...failure, step: 'LockTenant' },
      resources: {},
    });
    // Act
    await markFailed(state, fakes.deps, context());
    // Assess
    expect(fakes.tenants.callsOf('releaseDead')[0]?.[0]).toMatchObject({
      status: 'FAILED',
      resources: SILO,
      lastError: { operation: 'offboard', step: 'LockTenant' },
    });
    expect(fakes.tenants.records.get('acme')?.resources).toEqual(SILO);
  });

  it('marks the tenant FAILED with what is left and why', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    const state = sagaState('advanced', 'onboard', { failure, resources: { targetGroup: SILO.targetGroup } });
    // Act
    await markFailed(state, fakes.deps, context());
    // Assess
    expect(fakes.tenants.callsOf('releaseDead')[0]?.[0]).toEqual({
      tenantId: 'acme',
      execution: EXECUTION,
      status: 'FAILED',
      active: false,
      resources: { targetGroup: SILO.targetGroup },
      lastError: {
        operation: 'onboard',
        step: 'CreateService',
        reason: 'CreateService: FatalError: no subnet',
        at: AT,
      },
      history: [
        {
          operation: 'onboard',
          execution: EXECUTION,
          step: 'MarkFailed',
          outcome: 'failed',
          at: AT,
          durationMs: 0,
          reason: 'CreateService: FatalError: no subnet',
        },
      ],
      at: AT,
    });
    expect(fakes.tenants.records.get('acme')).toMatchObject({ lifecycleStatus: 'FAILED', active: false });
  });
  it('keeps on the record what an earlier placement left that RemoveLeftovers did not get to', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    const cluster = { name: NAMES.clusterName, arn: 'arn:cluster' };
    const state = sagaState('advanced', 'onboard', {
      failure: { ...failure, step: 'RemoveLeftovers' },
      resources: {},
      leftovers: { resources: { cluster } },
    });

    // Act
    await markFailed(state, fakes.deps, context());

    // Assess
    expect(fakes.tenants.records.get('acme')).toMatchObject({
      lifecycleStatus: 'FAILED',
      resources: { cluster },
    });
  });

  it('changes nothing and does not throw for a lock it does not hold', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord('advanced', 'someone-else'));
    const state = sagaState('advanced', 'onboard', { failure });
    // Act
    const next = await markFailed(state, fakes.deps, context());
    // Assess
    expect(next).toBe(state);
    expect(fakes.tenants.records.get('acme')?.lifecycleStatus).toBe('PROVISIONING');
  });
});

describe('RemoveTenant', () => {
  it('leaves a DELETED tombstone with no resources and no routing', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed({
      ...lockedRecord('advanced', EXECUTION, 'offboard'),
      routing: {
        mode: 'silo',
        clusterName: 'c',
        serviceName: 's',
        targetGroupArn: 't',
        tenantHeader: 'acme',
      },
    });
    // Act
    const next = await removeTenant(
      sagaState('advanced', 'offboard', { resources: SILO }),
      fakes.deps,
      context('offboarding'),
    );
    // Assess
    const record = fakes.tenants.records.get('acme');
    expect(record).toMatchObject({ lifecycleStatus: 'DELETED', active: false, resources: {} });
    expect(record?.routing).toBeUndefined();
    expect(record?.history.map((entry) => entry.step)).toEqual(['RemoveTenant']);
    expect(next.resources).toEqual({});
  });
});

describe('SetActivation', () => {
  it.each([
    ['activate', 'ACTIVE', true],
    ['deactivate', 'INACTIVE', false],
  ] as const)('%s ends %s with active %s', async (operation, status, active) => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord('advanced', EXECUTION, operation));
    // Act
    await setActivation(
      sagaState('advanced', operation, { resources: SILO }),
      fakes.deps,
      context('activation'),
    );
    // Assess
    expect(fakes.tenants.records.get('acme')).toMatchObject({
      lifecycleStatus: status,
      active,
      resources: SILO,
    });
    expect(fakes.tenants.records.get('acme')?.lock).toBeUndefined();
  });
});
