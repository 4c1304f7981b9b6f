/** Saga states and contexts for the step tests. */
import type { Placement } from '../../../src/domain/catalogue.ts';
import { placementOf } from '../../../src/domain/catalogue.ts';
import { resourceNames, tenantTags } from '../../../src/domain/naming.ts';
import type { Operation } from '../../../src/domain/operations.ts';
import type { TenantRequest } from '../../../src/domain/request.ts';
import type { MachineId } from '../../../src/domain/saga.ts';
import type { SagaState } from '../../../src/domain/saga-state.ts';
import type { StepContext } from '../../../src/steps/index.ts';
import { FAKE_INFRA, testConfig } from '../../support/fake-ports.ts';

export const EXECUTION = 'onboard-reg-acme-1a2b3c4d';
export const TENANT = 'acme';
export const AT = '2025-01-01T00:00:00.000Z';

/** The catalogue's reference tiers. */
export type ReferenceTier = 'basic' | 'advanced' | 'premium' | 'suite';

export const placement = (tier: ReferenceTier): Placement =>
  placementOf(testConfig().catalogue, tier, testConfig().health.path);

/** The tenant's deterministic names (prefix `tf`). */
export const NAMES = resourceNames(TENANT, 'tf');

/** The tags of everything tenantflow makes for the tenant. */
export const tagsOf = (tier: ReferenceTier, tenantId = TENANT) => tenantTags(tenantId, tier);

export const request = (overrides: Partial<TenantRequest> = {}): TenantRequest => ({
  operation: 'onboard',
  tenantId: TENANT,
  tenantRegistrationId: 'reg-acme',
  tenantName: 'Acme',
  tier: 'advanced',
  attributes: {},
  ...overrides,
});

export const sagaState = (
  tier: ReferenceTier = 'advanced',
  operation: Operation = 'onboard',
  overrides: Partial<SagaState> = {},
): SagaState => ({
  request: request({ tier, operation }),
  execution: EXECUTION,
  placement: placement(tier),
  resources: {},
  ...overrides,
});

export const context = (machine: MachineId = 'onboarding', execution = EXECUTION): StepContext => ({
  machine,
  execution,
});

/** The lock as ReserveTenant / LockTenant would hold it. */
export const lockedRecord = (
  tier: ReferenceTier = 'advanced',
  execution = EXECUTION,
  operation: Operation = 'onboard',
) => ({
  tenantId: TENANT,
  placement: placement(tier),
  lifecycleStatus: 'PROVISIONING' as const,
  lock: { execution, operation, since: AT },
});

/** One history line as a step's checkpoint writes it at the fake clock. */
export const historyLine = (
  step: string,
  outcome = 'succeeded',
  operation: Operation = 'onboard',
  extra = {},
) => ({
  operation,
  execution: EXECUTION,
  step,
  outcome,
  at: AT,
  durationMs: 0,
  ...extra,
});

/** The shared cluster of the fake stack. */
export const SHARED_CLUSTER = FAKE_INFRA.clusterName;
