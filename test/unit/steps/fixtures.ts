/** Saga states and contexts for the step tests. */
import type { Operation, TenantRequest } from '../../../src/domain/request.ts';
import type { SagaState } from '../../../src/domain/resources.ts';
import type { Tier } from '../../../src/domain/tier.ts';
import type { MachineId } from '../../../src/saga-contract.ts';
import type { StepContext } from '../../../src/steps/index.ts';

export const EXECUTION = 'onboard-reg-acme-1a2b3c4d';

export const request = (overrides: Partial<TenantRequest> = {}): TenantRequest => ({
  operation: 'onboard',
  tenantId: 'acme',
  tenantRegistrationId: 'reg-acme',
  tenantName: 'Acme',
  tier: 'advanced',
  attributes: {},
  ...overrides,
});

export const sagaState = (
  tier: Tier = 'advanced',
  operation: Operation = 'onboard',
  overrides: Partial<SagaState> = {},
): SagaState => ({
  request: request({ tier, operation }),
  execution: EXECUTION,
  resources: {},
  ...overrides,
});

export const context = (machine: MachineId = 'onboarding', execution = EXECUTION): StepContext => ({
  machine,
  execution,
});

/** The lock as ReserveTenant / LockTenant would hold it. */
export const lockedRecord = (
  tier: Tier = 'advanced',
  execution = EXECUTION,
  operation: Operation = 'onboard',
) => ({
  tenantId: 'acme',
  tier,
  lifecycleStatus: 'PROVISIONING' as const,
  lock: { execution, operation, since: '2025-01-01T00:00:00.000Z' },
});
