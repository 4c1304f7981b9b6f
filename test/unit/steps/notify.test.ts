import { describe, expect, it } from 'vitest';
import { RetryableError } from '../../../src/domain/errors.ts';
import { notifyFailure, notifySuccess, notifyUnvalidatedFailure } from '../../../src/steps/notify.ts';
import { createFakes, FAKE_INFRA, fakeShard } from '../../support/fake-ports.ts';
import { context, EXECUTION, NAMES, request, SHARED_CLUSTER, sagaState } from './fixtures.ts';

const SILO = {
  service: { cluster: SHARED_CLUSTER, name: NAMES.serviceName, arn: 'arn:service' },
  targetGroup: { name: NAMES.targetGroupName, arn: 'arn:tg' },
  listenerRule: { listenerArn: FAKE_INFRA.listenerArn, arn: 'arn:rule', priority: 4 },
};
const FAILURE = {
  step: 'CreateService',
  error: {
    Error: 'FatalError',
    Cause: JSON.stringify({ errorType: 'FatalError', errorMessage: 'no subnet' }),
  },
};

describe('NotifySuccess', () => {
  it("sends the provision success with the tenant's config, once", async () => {
    // Prepare
    const fakes = createFakes();
    // Act
    const next = await notifySuccess(
      sagaState('advanced', 'onboard', { resources: SILO }),
      fakes.deps,
      context(),
    );
    // Assess
    const tenantConfig = {
      tier: 'advanced',
      routing: {
        mode: 'silo',
        headerName: 'x-tenant-id',
        headerValue: 'acme',
        listenerRulePriority: 4,
        loadBalancerDns: fakeShard(0).dnsName,
      },
      cluster: SHARED_CLUSTER,
      service: NAMES.serviceName,
      targetGroupArn: 'arn:tg',
    };
    const expected = {
      source: 'sbt.application.plane',
      detailType: 'sbt_aws_provisionSuccess',
      detail: {
        tenantRegistrationId: 'reg-acme',
        jobOutput: {
          tenantData: { tenantConfig: JSON.stringify(tenantConfig) },
          tenantRegistrationData: { registrationStatus: 'created' },
        },
      },
    };
    expect(fakes.events.published).toEqual([expected]);
    expect(next.statusEvent).toEqual(expected);
    expect(fakes.ledger.calls.map((call) => call.method)).toEqual(['claim', 'markSent']);
    expect(fakes.ledger.entries.get(EXECUTION)).toEqual({
      detailType: 'sbt_aws_provisionSuccess',
      state: 'sent',
      owner: 'saga',
    });
  });

  it('gives a basic tenant the pooled routing', async () => {
    // Prepare
    const fakes = createFakes();
    // Act
    await notifySuccess(sagaState('basic'), fakes.deps, context());
    // Assess
    const detail = fakes.events.published[0]?.detail;
    expect(detail).toMatchObject({
      jobOutput: {
        tenantData: {
          tenantConfig: JSON.stringify({
            tier: 'basic',
            routing: {
              mode: 'pooled',
              headerName: 'x-tenant-id',
              headerValue: 'acme',
              loadBalancerDns: fakeShard(0).dnsName,
            },
            cluster: 'tf-shared',
            service: 'tf-pooled',
            targetGroupArn: FAKE_INFRA.pooledTargetGroupArn,
          }),
        },
      },
    });
  });

  it('publishes nothing when the event already went out, and still returns it', async () => {
    // Prepare
    const fakes = createFakes();
    const state = sagaState('advanced', 'offboard');
    await notifySuccess(state, fakes.deps, context('offboarding'));
    // Act
    const next = await notifySuccess(state, fakes.deps, context('offboarding'));
    // Assess
    expect(fakes.events.published).toHaveLength(1);
    expect(next.statusEvent).toEqual(fakes.events.published[0]);
    expect(next.statusEvent?.detailType).toBe('sbt_aws_deprovisionSuccess');
  });

  it('retries later, sending nothing, while the watcher holds a live claim', async () => {
    // Prepare
    const fakes = createFakes();
    await fakes.ledger.claim(EXECUTION, 'sbt_aws_provisionSuccess', 'x', 'watcher');
    // Act
    const run = notifySuccess(sagaState('advanced', 'onboard', { resources: SILO }), fakes.deps, context());
    // Assess
    await expect(run).rejects.toMatchObject({ name: 'RetryableError' });
    expect(fakes.events.published).toEqual([]);
  });

  it('gives the claim back when the publish fails, so the retry sends', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.events.failOnce('publish', new RetryableError('entry not accepted'));
    const state = sagaState('advanced', 'activate');
    // Act
    const first = notifySuccess(state, fakes.deps, context('activation'));
    // Assess
    await expect(first).rejects.toBeInstanceOf(RetryableError);
    expect(fakes.ledger.callsOf('abandon')).toEqual([[EXECUTION, 'saga']]);
    expect(fakes.events.published).toEqual([]);
    await notifySuccess(state, fakes.deps, context('activation'));
    expect(fakes.events.published).toHaveLength(1);
    expect(fakes.ledger.entries.get(EXECUTION)?.state).toBe('sent');
  });
});

describe('NotifyFailure', () => {
  it('lists what a failed offboarding left behind', async () => {
    // Prepare
    const fakes = createFakes();
    const resources = {
      targetGroup: { name: NAMES.targetGroupName, arn: 'arn:tg' },
      taskDefinition: { family: NAMES.taskDefinitionFamily, arn: 'arn:td:3' },
    };
    const failure = { ...FAILURE, step: 'DeleteTargetGroup' };
    // Act
    await notifyFailure(sagaState('advanced', 'offboard', { failure, resources }), fakes.deps, context());
    // Assess
    expect(fakes.events.published[0]?.detailType).toBe('sbt_aws_deprovisionFailure');
    expect(fakes.events.published[0]?.detail).toMatchObject({
      jobOutput: {
        tenantRegistrationData: {
          registrationStatus: 'failed',
          failedStep: 'DeleteTargetGroup',
          remainingResources: 'arn:tg, arn:td:3',
        },
      },
    });
  });

  it('sends the failure with the step and the cause', async () => {
    // Prepare
    const fakes = createFakes();
    // Act
    const next = await notifyFailure(
      sagaState('advanced', 'onboard', { failure: FAILURE }),
      fakes.deps,
      context(),
    );
    // Assess
    expect(fakes.events.published).toEqual([
      {
        source: 'sbt.application.plane',
        detailType: 'sbt_aws_provisionFailure',
        detail: {
          tenantRegistrationId: 'reg-acme',
          jobOutput: {
            tenantStatus: 'Failed to provision tenant.',
            tenantData: {},
            tenantRegistrationData: {
              registrationStatus: 'failed',
              failedStep: 'CreateService',
              failureReason: 'CreateService: FatalError: no subnet',
            },
          },
        },
      },
    ]);
    expect(next.statusEvent).toEqual(fakes.events.published[0]);
  });

  it('reports an unusable input to the registration it names', async () => {
    // Prepare
    const fakes = createFakes();
    const raw = {
      version: '0',
      id: 'evt-9',
      'detail-type': 'sbt_aws_onboardingRequest',
      source: 'sbt.control.plane',
      detail: { tenantId: 'acme', tenantRegistrationId: 'reg-9', tier: 'gold' },
      failure: {
        step: 'ValidateRequest',
        error: { Error: 'ValidationError', Cause: 'detail.tier: unknown tier "gold"' },
      },
    };
    // Act
    const next = await notifyUnvalidatedFailure(raw, fakes.deps, context());
    // Assess
    expect(fakes.events.published).toEqual([
      expect.objectContaining({
        detailType: 'sbt_aws_provisionFailure',
        detail: expect.objectContaining({
          tenantRegistrationId: 'reg-9',
          jobOutput: expect.objectContaining({
            tenantRegistrationData: {
              registrationStatus: 'failed',
              failedStep: 'ValidateRequest',
              failureReason: 'ValidateRequest: ValidationError: detail.tier: unknown tier "gold"',
            },
          }),
        }),
      }),
    ]);
    expect(next).toEqual({ ...raw, statusEvent: fakes.events.published[0] });
  });

  it('sends nothing, and settles the execution, when the registration is answered for by another execution', async () => {
    // Prepare
    const fakes = createFakes();
    const failure = {
      step: 'ReserveTenant',
      error: {
        Error: 'RegistrationBusyError',
        Cause: JSON.stringify({
          errorType: 'RegistrationBusyError',
          errorMessage: 'registration reg-acme is being worked on by execution first',
        }),
      },
    };

    // Act
    const next = await notifyFailure(sagaState('advanced', 'onboard', { failure }), fakes.deps, context());

    // Assess
    expect(fakes.events.calls).toEqual([]);
    expect(next.statusEvent).toBeUndefined();
    expect(fakes.ledger.entries.get(EXECUTION)).toMatchObject({
      state: 'sent',
      note: 'RegistrationBusyError: registration reg-acme is being worked on by execution first',
    });
    expect(await fakes.ledger.claim(EXECUTION, 'x', 'now', 'watcher')).toBe('sent');
  });

  it.each([
    ['NotifySuccess', notifySuccess],
    ['NotifyFailure', notifyFailure],
  ])(
    '%s sends nothing for a request started by hand without a registration, and says so',
    async (_name, step) => {
      // Prepare
      const fakes = createFakes();
      const state = sagaState('advanced', 'onboard', {
        request: request({ tenantRegistrationId: undefined }),
        failure: FAILURE,
      });

      // Act
      const next = await step(state, fakes.deps, context());

      // Assess
      expect(next).toBe(state);
      expect(fakes.events.calls).toEqual([]);
      expect(fakes.ledger.calls).toEqual([]);
      expect(fakes.log.lines).toEqual([
        expect.objectContaining({
          level: 'info',
          message: 'the request names no registration: no status event is sent',
        }),
      ]);
    },
  );

  it('sends nothing when the input names no registration', async () => {
    // Prepare
    const fakes = createFakes();
    const raw = {
      detail: { customerIdentifier: 'cust-1' },
      failure: {
        step: 'ValidateRequest',
        error: { Error: 'ValidationError', Cause: 'detail.tenantId: required' },
      },
    };
    // Act
    const next = await notifyUnvalidatedFailure(raw, fakes.deps, context());
    // Assess
    expect(next).toBe(raw);
    expect(fakes.events.calls).toEqual([]);
    expect(fakes.ledger.calls).toEqual([]);
  });
});
