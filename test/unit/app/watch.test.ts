import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { handleExecutionStatusChange } from '../../../src/app/watch.ts';
import { placementOf } from '../../../src/domain/catalogue.ts';
import { createFakes, FAKE_NOW, testConfig } from '../../support/fake-ports.ts';

const onboarding = readFileSync(
  new URL('../../../events/samples/onboarding-premium.json', import.meta.url),
  'utf8',
);
const { detail } = JSON.parse(onboarding) as { detail: { tenantId: string; tenantRegistrationId: string } };

const setup = () => {
  const fakes = createFakes();
  const deps = {
    config: testConfig(),
    tenants: fakes.tenants,
    ledger: fakes.ledger,
    events: fakes.events,
    now: () => FAKE_NOW,
  };
  return { ...fakes, deps };
};

const change = (status: string, name = 'onboard-x-1') => ({
  executionArn: `arn:aws:states:us-east-1:123456789012:execution:onboarding:${name}`,
  stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:onboarding',
  name,
  status,
  input: onboarding,
  error: status === 'TIMED_OUT' ? null : 'States.Runtime',
  cause: status === 'TIMED_OUT' ? null : 'the step Lambda was deleted',
});

describe('handleExecutionStatusChange', () => {
  it('reports a timed-out onboarding once, marks the tenant FAILED and frees its lock', async () => {
    // Prepare
    const { deps, tenants, events } = setup();
    tenants.seed({
      tenantId: detail.tenantId,
      placement: placementOf(testConfig().catalogue, 'premium', '/'),
      lifecycleStatus: 'PROVISIONING',
      lock: { execution: 'onboard-x-1', operation: 'onboard', since: '2025-01-01T00:00:00.000Z' },
      resources: { cluster: { name: 'tf-c', arn: 'arn:c' } },
      history: [
        {
          operation: 'onboard',
          execution: 'onboard-x-1',
          step: 'CreateCluster',
          outcome: 'succeeded',
          at: 'x',
        },
      ],
    });

    // Act
    const result = await handleExecutionStatusChange(change('TIMED_OUT'), deps);
    const again = await handleExecutionStatusChange(change('TIMED_OUT'), deps);

    // Assess
    expect(result.outcome).toBe('notified');
    expect(again.outcome).toBe('already-notified');
    expect(events.published).toHaveLength(1);
    expect(events.published[0]).toMatchObject({
      detailType: 'sbt_aws_provisionFailure',
      detail: {
        tenantRegistrationId: detail.tenantRegistrationId,
        jobOutput: { tenantRegistrationData: { registrationStatus: 'failed', failedStep: 'CreateCluster' } },
      },
    });
    const record = tenants.records.get(detail.tenantId);
    expect(record?.lifecycleStatus).toBe('FAILED');
    expect(record?.lock).toBeUndefined();
    expect(record?.resources).toEqual({ cluster: { name: 'tf-c', arn: 'arn:c' } });
    expect(record?.lastError?.reason).toContain('execution timed_out');
  });

  it('reports success when the work finished and only NotifySuccess died: the map, not the execution, is the truth', async () => {
    // Prepare
    const { deps, tenants, events } = setup();
    const routing = {
      mode: 'silo' as const,
      clusterName: 'tf-c',
      serviceName: 'tf-s',
      targetGroupArn: 'arn:tg',
      tenantHeader: detail.tenantId,
    };
    tenants.seed({
      tenantId: detail.tenantId,
      placement: placementOf(testConfig().catalogue, 'premium', '/'),
      lifecycleStatus: 'ACTIVE',
      routing,
      resources: {
        cluster: { name: 'tf-c', arn: 'arn:c' },
        listenerRule: { listenerArn: 'arn:l', arn: 'arn:r', priority: 7 },
      },
      history: [
        {
          operation: 'onboard',
          execution: 'onboard-x-1',
          step: 'ActivateTenant',
          outcome: 'succeeded',
          at: 'x',
        },
      ],
    });

    // Act
    const result = await handleExecutionStatusChange(change('FAILED'), deps);

    // Assess
    expect(result).toMatchObject({ outcome: 'notified', releasedLock: false });
    expect(events.published).toHaveLength(1);
    expect(events.published[0]?.detailType).toBe('sbt_aws_provisionSuccess');
    const sent = z
      .object({ jobOutput: z.object({ tenantData: z.object({ tenantConfig: z.string() }) }) })
      .parse(events.published[0]?.detail);
    const tenantConfig = JSON.parse(sent.jobOutput.tenantData.tenantConfig);
    expect(tenantConfig).toEqual({
      tier: 'premium',
      routing: {
        mode: 'silo',
        headerName: 'x-tenant-id',
        headerValue: detail.tenantId,
        listenerRulePriority: 7,
      },
      cluster: 'tf-c',
      service: 'tf-s',
      targetGroupArn: 'arn:tg',
    });
    expect(tenants.records.get(detail.tenantId)?.lifecycleStatus).toBe('ACTIVE');
  });

  it('sends nothing when the saga already reported (the ledger says sent)', async () => {
    // Prepare
    const { deps, ledger, events } = setup();
    await ledger.claim('onboard-x-1', 'sbt_aws_provisionFailure', 'x', 'saga');
    await ledger.markSent('onboard-x-1', 'x');

    // Act
    const result = await handleExecutionStatusChange(change('FAILED'), deps);

    // Assess
    expect(result.outcome).toBe('already-notified');
    expect(events.published).toEqual([]);
  });

  it('frees the lock of an execution whose failure was reported but whose MarkFailed failed', async () => {
    // Prepare
    const { deps, ledger, tenants, events } = setup();
    tenants.seed({
      tenantId: detail.tenantId,
      lifecycleStatus: 'PROVISIONING',
      lock: { execution: 'onboard-x-1', operation: 'onboard', since: 'x' },
    });
    await ledger.claim('onboard-x-1', 'sbt_aws_provisionFailure', 'x', 'saga');
    await ledger.markSent('onboard-x-1', 'x');

    // Act
    const result = await handleExecutionStatusChange(change('FAILED'), deps);

    // Assess
    expect(result).toEqual({ outcome: 'already-notified', execution: 'onboard-x-1', releasedLock: true });
    expect(tenants.records.get(detail.tenantId)).toMatchObject({ lifecycleStatus: 'FAILED' });
    expect(tenants.records.get(detail.tenantId)?.lock).toBeUndefined();
    expect(events.published).toEqual([]);
  });

  it('answers an activation change that named the tenant alone to the registration on the record', async () => {
    // Prepare
    const { deps, tenants, events } = setup();
    tenants.seed({ tenantId: 'acme', tenantRegistrationId: 'reg-on-record', lifecycleStatus: 'ACTIVE' });
    const input = JSON.stringify({
      id: 'evt-7',
      source: 'sbt.control.plane',
      'detail-type': 'sbt_aws_deactivateRequest',
      detail: { tenantId: 'acme' },
    });

    // Act
    const result = await handleExecutionStatusChange(
      { ...change('TIMED_OUT', 'deactivate-acme-1'), input },
      deps,
    );

    // Assess
    expect(result.outcome).toBe('notified');
    expect(events.published[0]).toMatchObject({
      detailType: 'sbt_aws_deactivateFailure',
      detail: { tenantRegistrationId: 'reg-on-record' },
    });
  });

  it('leaves a record alone whose lock another execution holds', async () => {
    // Prepare
    const { deps, tenants, events } = setup();
    tenants.seed({
      tenantId: detail.tenantId,
      lifecycleStatus: 'DEPROVISIONING',
      lock: { execution: 'offboard-y-2', operation: 'offboard', since: 'x' },
    });

    // Act
    const result = await handleExecutionStatusChange(change('ABORTED'), deps);

    // Assess
    expect(result).toMatchObject({ outcome: 'notified', releasedLock: false });
    expect(tenants.records.get(detail.tenantId)?.lock?.execution).toBe('offboard-y-2');
    expect(events.published).toHaveLength(1);
  });

  it('ignores executions that succeeded and inputs that name no registration', async () => {
    // Prepare
    const { deps, events } = setup();

    // Act
    const succeeded = await handleExecutionStatusChange(change('SUCCEEDED'), deps);
    const anonymous = await handleExecutionStatusChange(
      { ...change('FAILED'), input: '{"detail":"x"}' },
      deps,
    );
    const unreadable = await handleExecutionStatusChange('not an event', deps);

    // Assess
    expect(succeeded.outcome).toBe('ignored');
    expect(anonymous.outcome).toBe('ignored');
    expect(unreadable.outcome).toBe('ignored');
    expect(events.published).toEqual([]);
  });
});
