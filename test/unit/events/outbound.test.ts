import { describe, expect, it } from 'vitest';
import { buildStatusEvent, contractConfig, SBT_NAMES } from '../../../events/index.ts';
import { FatalError } from '../../../src/domain/errors.ts';

const contract = contractConfig();
const REGISTRATION = '053a1cca-d046-41bd-a643-bb3f6cad69c0';

describe('buildStatusEvent: success', () => {
  it('reports a provisioned tenant with its tenant data and registrationStatus created', () => {
    // Prepare
    const tenantConfig = JSON.stringify({ clusterName: 'tf-x' });

    // Act
    const event = buildStatusEvent({
      contract,
      operation: 'onboard',
      outcome: 'success',
      tenantRegistrationId: REGISTRATION,
      tenantData: { tenantConfig },
      registrationData: { provisionedBy: 'tenantflow' },
    });

    // Assess
    expect(event).toStrictEqual({
      source: 'sbt.application.plane',
      detailType: 'sbt_aws_provisionSuccess',
      detail: {
        tenantRegistrationId: REGISTRATION,
        jobOutput: {
          tenantData: { tenantConfig },
          tenantRegistrationData: { registrationStatus: 'created', provisionedBy: 'tenantflow' },
        },
      },
    });
  });

  it.each([
    ['offboard', 'sbt_aws_deprovisionSuccess', 'deleted'],
    ['activate', 'sbt_aws_activateSuccess', 'activated'],
    ['deactivate', 'sbt_aws_deactivateSuccess', 'deactivated'],
  ] as const)('reports %s as %s with registrationStatus %s', (operation, detailType, registrationStatus) => {
    // Act
    const event = buildStatusEvent({
      contract,
      operation,
      outcome: 'success',
      tenantRegistrationId: REGISTRATION,
    });

    // Assess
    expect(event).toStrictEqual({
      source: 'sbt.application.plane',
      detailType,
      detail: {
        tenantRegistrationId: REGISTRATION,
        jobOutput: { tenantData: {}, tenantRegistrationData: { registrationStatus } },
      },
    });
  });

  it.each([
    ['status', 'a reserved word'],
    ['Name', 'a reserved word in any case'],
  ])('refuses a tenantData key SBT writes bare: %j (%s)', (key) => {
    const build = () =>
      buildStatusEvent({
        contract,
        operation: 'onboard',
        outcome: 'success',
        tenantRegistrationId: REGISTRATION,
        tenantData: { [key]: 'x' },
      });
    expect(build).toThrow(FatalError);
    expect(build).toThrow(`tenantData.${key}: a DynamoDB reserved word`);
  });

  it('takes reserved words in tenantRegistrationData, which SBT writes through placeholders', () => {
    const event = buildStatusEvent({
      contract,
      operation: 'onboard',
      outcome: 'success',
      tenantRegistrationId: REGISTRATION,
      registrationData: { comment: 'z', clusterArn: 'arn' },
    });
    expect(event.detail.jobOutput).toStrictEqual({
      tenantData: {},
      tenantRegistrationData: { registrationStatus: 'created', comment: 'z', clusterArn: 'arn' },
    });
  });

  it.each([
    ['tenantData', { 'tenant-config': '{}' }],
    ['tenantData', { '1st': 'x' }],
    ['tenantRegistrationData', { 'failure.reason': 'x' }],
    ['tenantRegistrationData', { '': 'x' }],
  ])('refuses a %s key outside ^[A-Za-z][A-Za-z0-9_]*$, naming it', (field, data) => {
    const build = () =>
      buildStatusEvent({
        contract,
        operation: 'onboard',
        outcome: 'success',
        tenantRegistrationId: REGISTRATION,
        ...(field === 'tenantData' ? { tenantData: data } : { registrationData: data }),
      });
    expect(build).toThrow(FatalError);
    expect(build).toThrow(`${field}.${Object.keys(data)[0]}: status event keys must match`);
  });

  it('uses the configured source and the legacy detail-types when configured', () => {
    // Prepare
    const legacy = contractConfig({
      ...SBT_NAMES,
      applicationPlaneSource: 'applicationPlaneEventSource',
      detailTypePrefix: '',
    });

    // Act
    const event = buildStatusEvent({
      contract: legacy,
      operation: 'onboard',
      outcome: 'success',
      tenantRegistrationId: 'r1',
    });

    // Assess
    expect([event.source, event.detailType]).toEqual(['applicationPlaneEventSource', 'provisionSuccess']);
  });
});

describe('buildStatusEvent: failure', () => {
  it.each([
    ['onboard', 'sbt_aws_provisionFailure', 'Failed to provision tenant.'],
    ['offboard', 'sbt_aws_deprovisionFailure', 'Failed to deprovision tenant.'],
    ['activate', 'sbt_aws_activateFailure', 'Failed to activate tenant.'],
    ['deactivate', 'sbt_aws_deactivateFailure', 'Failed to deactivate tenant.'],
  ] as const)('marks a failed %s as %s with the step and reason', (operation, detailType, tenantStatus) => {
    // Act
    const event = buildStatusEvent({
      contract,
      operation,
      outcome: 'failure',
      tenantRegistrationId: REGISTRATION,
      tenantData: { ignored: 'on failure' },
      failure: { step: 'CreateService', reason: '  QuotaExceededError: 100 target groups\n on the ALB ' },
    });

    // Assess
    expect(event).toStrictEqual({
      source: 'sbt.application.plane',
      detailType,
      detail: {
        tenantRegistrationId: REGISTRATION,
        jobOutput: {
          tenantStatus,
          tenantData: {},
          tenantRegistrationData: {
            registrationStatus: 'failed',
            failedStep: 'CreateService',
            failureReason: 'CreateService: QuotaExceededError: 100 target groups on the ALB',
          },
        },
      },
    });
  });

  it('cuts the failure reason to 1,000 characters', () => {
    // Act
    const event = buildStatusEvent({
      contract,
      operation: 'onboard',
      outcome: 'failure',
      tenantRegistrationId: REGISTRATION,
      failure: { step: 'WaitForHealthy', reason: 'x'.repeat(5000) },
    });

    // Assess
    const reason = JSON.stringify(event.detail).match(/"failureReason":"([^"]*)"/)?.[1] ?? '';
    expect(reason).toHaveLength(1000);
    expect(reason.startsWith('WaitForHealthy: xxx')).toBe(true);
  });

  it('still reports a failure when no failure details were given', () => {
    // Act
    const event = buildStatusEvent({
      contract,
      operation: 'offboard',
      outcome: 'failure',
      tenantRegistrationId: 'r1',
    });

    // Assess
    expect(event.detail.jobOutput).toStrictEqual({
      tenantStatus: 'Failed to deprovision tenant.',
      tenantData: {},
      tenantRegistrationData: {
        registrationStatus: 'failed',
        failedStep: 'Unknown',
        failureReason: 'Unknown: no reason was recorded',
      },
    });
  });

  it('keeps the failure keys over extra registration keys', () => {
    // Act
    const event = buildStatusEvent({
      contract,
      operation: 'onboard',
      outcome: 'failure',
      tenantRegistrationId: 'r1',
      registrationData: { registrationStatus: 'created', executionName: 'onboard-r1-abcd1234' },
      failure: { step: 'ReserveTenant', reason: 'ConflictError: locked' },
    });

    // Assess
    expect(event.detail.jobOutput).toMatchObject({
      tenantRegistrationData: {
        executionName: 'onboard-r1-abcd1234',
        registrationStatus: 'failed',
        failedStep: 'ReserveTenant',
      },
    });
  });
});
