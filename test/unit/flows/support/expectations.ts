import { expect } from 'vitest';
import type { SampleEvent } from './harness.ts';

/** The tags every resource of the tenant carries, in the SDK's ECS (`key`) or ELB (`Key`) spelling. */
export const ecsTags = (tenantId: string, tier: string) => [
  { key: 'tenantflow:tenant-id', value: tenantId },
  { key: 'tenantflow:tier', value: tier },
  { key: 'tenantflow:managed-by', value: 'tenantflow' },
];
export const elbTags = (tenantId: string, tier: string) =>
  ecsTags(tenantId, tier).map(({ key, value }) => ({ Key: key, Value: value }));

/** The history lines a run of `steps` writes (the clock is fixed, so every line is exact). */
export const historyOf = (
  operation: 'onboard' | 'offboard',
  execution: string,
  steps: ReadonlyArray<string | readonly [string, string]>,
) =>
  steps.map((step) => {
    const [name, outcome] = typeof step === 'string' ? [step, 'succeeded'] : step;
    return {
      operation,
      execution,
      step: name,
      outcome,
      at: '2025-06-02T10:00:00.000Z',
      durationMs: 0,
    };
  });

/** The PutEvents entry of a success event for the sample's registration. */
export const successEvent = (
  sample: SampleEvent,
  kind: 'provision' | 'deprovision',
  tenantData: Record<string, unknown>,
) => ({
  Source: 'sbt.application.plane',
  DetailType: `sbt_aws_${kind}Success`,
  EventBusName: 'sbt-bus',
  detail: {
    tenantRegistrationId: sample.detail.tenantRegistrationId,
    jobOutput: {
      tenantData,
      tenantRegistrationData: { registrationStatus: kind === 'provision' ? 'created' : 'deleted' },
    },
  },
});

/** The PutEvents entry of a provisionFailure naming `step`. */
export const provisionFailure = (sample: SampleEvent, step: string) => ({
  Source: 'sbt.application.plane',
  DetailType: 'sbt_aws_provisionFailure',
  EventBusName: 'sbt-bus',
  detail: {
    tenantRegistrationId: sample.detail.tenantRegistrationId,
    jobOutput: {
      tenantStatus: 'Failed to provision tenant.',
      tenantData: {},
      tenantRegistrationData: {
        registrationStatus: 'failed',
        failedStep: step,
        failureReason: expect.stringMatching(new RegExp(`^${step}: FatalError: `)),
      },
    },
  },
});
