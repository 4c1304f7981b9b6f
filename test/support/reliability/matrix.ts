/**
 * The fault matrix of issue 5: which steps each saga runs, per tier, and the fault plans tried on
 * each. A step name here is what the fault injector matches (a Task of the committed ASL).
 */

import type { Operation } from '../../../src/domain/operations.ts';
import type { StepName } from '../../../src/domain/saga.ts';
import type { FaultKind, FaultSpec } from '../../../src/local/index.ts';
import { RETRY_POLICY, retrierFor } from '../../../state-machines/retry.ts';
import type { ReferenceTier } from './world.ts';

/** One row of the matrix: a lifecycle operation on a tenant of a tier, and the steps it runs. */
export interface SagaCase {
  label: string;
  operation: Operation;
  tier: ReferenceTier;
  /** The tenant must exist (ACTIVE) before the operation: every saga but onboarding. */
  needsTenant: boolean;
  steps: readonly StepName[];
}

const ONBOARD_TAIL = ['WaitForHealthy', 'ActivateTenant', 'NotifySuccess'] as const;
const SILO = ['RegisterTaskDefinition', 'CreateTargetGroup', 'CreateListenerRule', 'CreateService'] as const;
const ACTIVATION = [
  'ValidateRequest',
  'LockTenant',
  'ScaleService',
  'SetActivation',
  'NotifySuccess',
] as const;

export const SAGA_CASES: readonly SagaCase[] = [
  {
    label: 'onboarding basic',
    operation: 'onboard',
    tier: 'basic',
    needsTenant: false,
    steps: ['ValidateRequest', 'ReserveTenant', 'RemoveLeftovers', 'ActivateTenant', 'NotifySuccess'],
  },
  {
    label: 'onboarding advanced',
    operation: 'onboard',
    tier: 'advanced',
    needsTenant: false,
    steps: ['ValidateRequest', 'ReserveTenant', 'RemoveLeftovers', ...SILO, ...ONBOARD_TAIL],
  },
  {
    label: 'onboarding premium',
    operation: 'onboard',
    tier: 'premium',
    needsTenant: false,
    steps: ['ValidateRequest', 'ReserveTenant', 'RemoveLeftovers', 'CreateCluster', ...SILO, ...ONBOARD_TAIL],
  },
  {
    label: 'offboarding premium',
    operation: 'offboard',
    tier: 'premium',
    needsTenant: true,
    steps: [
      'ValidateRequest',
      'LockTenant',
      'DeleteService',
      'DeleteListenerRule',
      'DeleteTargetGroup',
      'DeregisterTaskDefinition',
      'DeleteCluster',
      'RemoveTenant',
      'NotifySuccess',
    ],
  },
  {
    label: 'activate advanced',
    operation: 'activate',
    tier: 'advanced',
    needsTenant: true,
    steps: ACTIVATION,
  },
  {
    label: 'deactivate advanced',
    operation: 'deactivate',
    tier: 'advanced',
    needsTenant: true,
    steps: ACTIVATION,
  },
];

/** How many times our retryable errors are retried (the ASL's Retry for RetryableError). */
export const RETRY_BUDGET = RETRY_POLICY[retrierFor('RetryableError')]?.MaxAttempts ?? 0;

/** A fault plan and whether the operation must still succeed under it. */
export interface FaultPlan {
  label: string;
  kind: FaultKind;
  count: number;
  succeeds: boolean;
}

/** Once and past the Retry budget for transient and throttle; fatal; crash (the call took effect). */
export const FAULT_PLANS: readonly FaultPlan[] = [
  { label: 'transient once', kind: 'transient', count: 1, succeeds: true },
  { label: 'throttle once', kind: 'throttle', count: 1, succeeds: true },
  { label: 'transient past the retry budget', kind: 'transient', count: RETRY_BUDGET + 1, succeeds: false },
  { label: 'throttle past the retry budget', kind: 'throttle', count: RETRY_BUDGET + 1, succeeds: false },
  { label: 'fatal', kind: 'fatal', count: 1, succeeds: false },
  { label: 'crash', kind: 'crash', count: 1, succeeds: true },
];

export const faultSpec = (step: StepName, plan: FaultPlan): FaultSpec => ({
  step,
  kind: plan.kind,
  count: plan.count,
});
