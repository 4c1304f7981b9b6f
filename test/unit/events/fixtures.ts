/** Shared inputs of the event-contract tests. */
import { contractConfig, type parseLifecycleInput } from '../../../events/index.ts';
import type { Operation } from '../../../src/domain/operations.ts';
import { testConfig } from '../../support/fake-ports.ts';

export const contract = contractConfig();
export const catalogue = testConfig().catalogue;
export const TENANT = '6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
export const REGISTRATION = 'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e';
export const EVENT_ID = '0d9e8f7a-6b5c-4d3e-8f2a-1b0c9d8e7f6a';

export const options = (accepts: readonly Operation[] = ['onboard']) => ({
  contract,
  catalogue,
  accepts,
});

export const event = (detail: unknown, overrides: Record<string, unknown> = {}) => ({
  version: '0',
  id: EVENT_ID,
  'detail-type': 'sbt_aws_onboardingRequest',
  source: 'sbt.control.plane',
  account: '123456789012',
  time: '2025-06-02T09:14:07Z',
  region: 'us-east-1',
  resources: [],
  detail,
  ...overrides,
});

export const detail = (extra: Record<string, unknown> = {}) => ({
  tenantName: 'acme',
  tier: 'advanced',
  tenantRegistrationId: REGISTRATION,
  tenantId: TENANT,
  ...extra,
});

/** The field named by a rejection, or a marker when the input was accepted. */
export const rejectedField = (result: ReturnType<typeof parseLifecycleInput>): string =>
  result.ok ? 'accepted' : result.error.field;
