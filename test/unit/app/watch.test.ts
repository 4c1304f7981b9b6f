import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cleanupExecutionName } from '../../../events/index.ts';
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
    starter: fakes.starter,
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
    expect(result).toEqual({
      outcome: 'already-notified',
      execution: 'onboard-x-1',
      tenantId: detail.tenantId,
      releasedLock: true,
      releasedAs: 'FAILED',
      cleanup: cleanupExecutionName({ of: 'onboard-x-1', attempt: 1 }),
    });
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

  describe('the cleanup after a dead execution', () => {
    const deadOnboarding = (tenants: ReturnType<typeof setup>['tenants'], lock = true) =>
      tenants.seed({
        tenantId: detail.tenantId,
        tenantName: 'Globex',
        placement: placementOf(testConfig().catalogue, 'premium', '/'),
        lifecycleStatus: lock ? 'PROVISIONING' : 'FAILED',
        ...(lock ? { lock: { execution: 'onboard-x-1', operation: 'onboard' as const, since: 'x' } } : {}),
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

    it('starts one cleanup offboarding of a dead onboarding, with the record version it was planned on', async () => {
      // Prepare
      const { deps, tenants, starter } = setup();
      deadOnboarding(tenants);

      // Act
      const result = await handleExecutionStatusChange(change('ABORTED'), deps);
      const again = await handleExecutionStatusChange(change('ABORTED'), deps);

      // Assess
      const record = tenants.records.get(detail.tenantId);
      const name = cleanupExecutionName({ of: 'onboard-x-1', attempt: 1 });
      expect(result).toMatchObject({ outcome: 'notified', releasedLock: true, cleanup: name });
      expect(again).toMatchObject({ outcome: 'already-notified', releasedLock: false, cleanup: name });
      expect(starter.callsOf('start')).toEqual([
        [
          'offboarding',
          name,
          {
            operation: 'offboard',
            tenantId: detail.tenantId,
            tenantName: 'Globex',
            cleanup: { of: 'onboard-x-1', attempt: 1, version: record?.version },
          },
        ],
        ['offboarding', name, expect.anything()],
      ]);
      expect(starter.started).toHaveLength(1);
    });

    it('starts no cleanup when the saga compensated itself (FAILED, nothing left, MarkFailed its own)', async () => {
      // Prepare
      const { deps, tenants, starter } = setup();
      tenants.seed({
        tenantId: detail.tenantId,
        lifecycleStatus: 'FAILED',
        resources: {},
        history: [
          { operation: 'onboard', execution: 'onboard-x-1', step: 'MarkFailed', outcome: 'failed', at: 'x' },
        ],
      });

      // Act
      const result = await handleExecutionStatusChange(change('FAILED'), deps);

      // Assess
      expect(result).not.toHaveProperty('cleanup');
      expect(starter.callsOf('start')).toEqual([]);
    });

    it('cleans up what a failed compensation left on the record', async () => {
      // Prepare
      const { deps, tenants, starter } = setup();
      deadOnboarding(tenants, false);

      // Act
      const result = await handleExecutionStatusChange(change('FAILED'), deps);

      // Assess
      expect(result).toMatchObject({ releasedLock: false, cleanup: expect.stringMatching(/^cleanup-/) });
      expect(starter.started).toHaveLength(1);
    });

    it('tries an interrupted cleanup again, up to its attempts, and leaves a FAILED one to the operator', async () => {
      const cleanupChange = (attempt: number, status: string) => {
        const name = cleanupExecutionName({ of: 'onboard-x-1', attempt });
        return {
          ...change(status, name),
          input: JSON.stringify({
            operation: 'offboard',
            tenantId: detail.tenantId,
            cleanup: { of: 'onboard-x-1', attempt, version: 3 },
          }),
        };
      };
      const run = async (attempt: number, status: string) => {
        const { deps, tenants, starter } = setup();
        const name = cleanupExecutionName({ of: 'onboard-x-1', attempt });
        tenants.seed({
          tenantId: detail.tenantId,
          placement: placementOf(testConfig().catalogue, 'premium', '/'),
          lifecycleStatus: 'DEPROVISIONING',
          lock: { execution: name, operation: 'offboard', since: 'x' },
          resources: { cluster: { name: 'tf-c', arn: 'arn:c' } },
          lastError: { operation: 'onboard', step: 'CreateCluster', reason: 'the first failure', at: 'x' },
          history: [
            { operation: 'offboard', execution: name, step: 'DeleteService', outcome: 'succeeded', at: 'x' },
          ],
        });
        const result = await handleExecutionStatusChange(cleanupChange(attempt, status), deps);
        return {
          result,
          starts: starter.started.map((s) => s.name),
          record: tenants.records.get(detail.tenantId),
        };
      };

      // Act
      const interrupted = await run(1, 'ABORTED');
      const last = await run(3, 'TIMED_OUT');
      const failed = await run(1, 'FAILED');

      // Assess
      expect(interrupted.result).toMatchObject({ outcome: 'unanswerable', releasedLock: true });
      expect(interrupted.starts).toEqual([cleanupExecutionName({ of: 'onboard-x-1', attempt: 2 })]);
      expect(interrupted.record?.lastError?.reason).toBe('the first failure');
      expect(last.starts).toEqual([]);
      expect(failed.starts).toEqual([]);
      expect(failed.record).toMatchObject({
        lifecycleStatus: 'FAILED',
        resources: { cluster: { name: 'tf-c' } },
      });
    });

    it('starts no cleanup after a dead activation change: the resources are the tenant’s own', async () => {
      // Prepare
      const { deps, tenants, starter } = setup();
      tenants.seed({
        tenantId: 'acme',
        tenantRegistrationId: 'reg-acme',
        lifecycleStatus: 'DEACTIVATING',
        lock: { execution: 'deactivate-acme-1', operation: 'deactivate', since: 'x' },
        resources: { cluster: { name: 'tf-c', arn: 'arn:c' } },
      });
      const input = JSON.stringify({
        operation: 'deactivate',
        tenantId: 'acme',
        tenantRegistrationId: 'reg-acme',
      });

      // Act
      const result = await handleExecutionStatusChange(
        { ...change('ABORTED', 'deactivate-acme-1'), input },
        deps,
      );

      // Assess
      expect(result).toMatchObject({ outcome: 'notified', releasedLock: true });
      expect(result).not.toHaveProperty('cleanup');
      expect(starter.callsOf('start')).toEqual([]);
      expect(tenants.records.get('acme')).toMatchObject({
        lifecycleStatus: 'FAILED',
        resources: { cluster: {} },
      });
    });
  });
});

describe('a rollout that died', () => {
  const rolloutChange = (status: string) => ({
    executionArn: 'arn:aws:states:us-east-1:123456789012:execution:tenantflow-dev-rollout:rollout-advanced-1',
    stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:tenantflow-dev-rollout',
    name: 'rollout-advanced-1',
    status,
    input: JSON.stringify({ tier: 'advanced', release: { version: '2.0.0', image: 'app:2' } }),
    error: 'States.Aborted',
    cause: null,
  });

  it('sends its summary, halted with the reason, once; touches no tenant', async () => {
    // Prepare
    const { deps, events, tenants, starter } = setup();

    // Act
    const first = await handleExecutionStatusChange(rolloutChange('ABORTED'), deps);
    const again = await handleExecutionStatusChange(rolloutChange('ABORTED'), deps);

    // Assess
    expect([first.outcome, again.outcome]).toEqual(['rollout-reported', 'rollout-reported']);
    expect(events.published).toEqual([
      {
        source: 'sbt.application.plane',
        detailType: 'tenantflow_rolloutSummary',
        detail: expect.objectContaining({
          tier: 'advanced',
          release: '2.0.0',
          status: 'halted',
          reason: 'the rollout execution aborted (States.Aborted); updates it had started end on their own',
        }),
      },
    ]);
    expect(tenants.calls.filter((call) => call.method !== 'get')).toEqual([]);
    expect(starter.started).toEqual([]);
  });

  it('stays quiet when the rollout’s own last step had sent the summary', async () => {
    // Prepare
    const { deps, events, ledger } = setup();
    await ledger.claim('rollout-rollout-advanced-1', 'tenantflow_rolloutSummary', 'x', 'rollout');
    await ledger.markSent('rollout-rollout-advanced-1', 'x');

    // Act
    const result = await handleExecutionStatusChange(rolloutChange('FAILED'), deps);

    // Assess
    expect(result).toMatchObject({ outcome: 'rollout-reported', summary: 'already-sent' });
    expect(events.published).toEqual([]);
  });
});
