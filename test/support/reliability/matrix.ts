/**
 * The fault matrix of issue 5: which steps each saga runs, per tier, and the fault plans tried on
 * each. A step name here is what the fault injector matches (a Task of the committed ASL).
 */

import { OPERATION_TABLE, type Operation } from '../../../src/domain/operations.ts';
import { isStepName, type MachineId, type StepName } from '../../../src/domain/saga.ts';
import { committedDefinition } from '../../../src/local/engines/index.ts';
import type { FaultKind, FaultSpec } from '../../../src/local/index.ts';
import { RETRY_POLICY, retrierFor } from '../../../state-machines/retry.ts';
import { createStepsOf, removeStepsOf } from '../resource-steps.ts';
import type { ReferenceTier } from './world.ts';

/** One row of the matrix: a lifecycle operation on a tenant of a tier, and the steps it runs. */
export interface SagaCase {
  label: string;
  operation: Operation;
  tier: ReferenceTier;
  /** The tenant must exist (ACTIVE) before the operation: every saga but onboarding. */
  needsTenant: boolean;
  /** A migration's target tier (default: the next reference tier, `NEXT_TIER`). */
  target?: ReferenceTier;
  steps: readonly StepName[];
}

const ONBOARD_TAIL = ['WaitForHealthy', 'InviteAdmin', 'ActivateTenant', 'NotifySuccess'] as const;
const ACTIVATION = [
  'ValidateRequest',
  'LockTenant',
  'ScaleService',
  'SetActivation',
  'NotifySuccess',
] as const;

/** What a migration builds for a tenant of `target`: its kinds, the routing's handed over (attached). */
const migrationBuild = (target: ReferenceTier): StepName[] => [
  ...createStepsOf(target).map((step) => (step === 'CreateListenerRule' ? 'AttachTargetGroup' : step)),
  ...(createStepsOf(target).length > 0 ? (['WaitForHealthy'] as const) : []),
];
const MIGRATION_TAIL = [
  'SwitchRouting',
  'CommitMigration',
  'RemoveMigrationSource',
  'FinishMigration',
  'NotifySuccess',
] as const;

export const SAGA_CASES: readonly SagaCase[] = [
  {
    label: 'onboarding basic',
    operation: 'onboard',
    tier: 'basic',
    needsTenant: false,
    steps: [
      'ValidateRequest',
      'ReserveTenant',
      'RemoveLeftovers',
      'AdmitTenant',
      'ActivateTenant',
      'NotifySuccess',
    ],
  },
  ...(['advanced', 'premium', 'suite', 'app'] as const).map(
    (tier): SagaCase => ({
      label: `onboarding ${tier}`,
      operation: 'onboard' as const,
      tier,
      needsTenant: false,
      steps: [
        'ValidateRequest',
        'ReserveTenant',
        'RemoveLeftovers',
        'AdmitTenant',
        ...createStepsOf(tier),
        ...ONBOARD_TAIL,
      ],
    }),
  ),
  ...(['premium', 'suite', 'app'] as const).map(
    (tier): SagaCase => ({
      label: `offboarding ${tier}`,
      operation: 'offboard' as const,
      tier,
      needsTenant: true,
      steps: ['ValidateRequest', 'LockTenant', ...removeStepsOf(tier), 'RemoveTenant', 'NotifySuccess'],
    }),
  ),
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
  ...(
    [
      ['advanced', 'premium'],
      ['advanced', 'suite'],
    ] as const
  ).map(
    ([tier, target]): SagaCase => ({
      label: `migrate ${tier} to ${target}`,
      operation: 'migrate' as const,
      tier,
      target,
      needsTenant: true,
      steps: ['ValidateRequest', 'LockTenant', 'PlanMigration', ...migrationBuild(target), ...MIGRATION_TAIL],
    }),
  ),
  ...(['advanced', 'premium'] as const).map((tier) => ({
    label: `update ${tier}`,
    operation: 'update' as const,
    tier,
    needsTenant: true,
    steps: [
      'ValidateRequest',
      'LockTenant',
      'PlanUpdate',
      'RegisterRelease',
      'DeployRelease',
      'WaitForDeployment',
      'CommitRelease',
      'RetireRevisions',
      'NotifySuccess',
    ] as const,
  })),
];

/** Migration steps from the commit on: past them the tenant is on its target, whatever happens. */
export const MIGRATION_COMMITTED: readonly StepName[] = [
  'RemoveMigrationSource',
  'FinishMigration',
  'NotifySuccess',
];

/** The Task states of a machine's committed ASL, in definition order. */
export const taskStates = (machine: MachineId): StepName[] =>
  Object.entries(committedDefinition(machine).States)
    .filter(([, state]) => state.Type === 'Task')
    .map(([name]) => name)
    .filter(isStepName);

/**
 * A saga whose final step `trigger` fails for good before its write, so its whole failure path runs
 * (ConfirmCommitted finds nothing committed, then every compensation, MarkFailed, NotifyFailure):
 * the faults of the matrix are tried on each Task state that only a failure reaches (`steps`).
 */
export interface CompensationCase extends SagaCase {
  trigger: StepName;
}

/** The Task states no clean run of `machine` enters: compensations, MarkFailed, NotifyFailure. */
const failurePathStates = (machine: MachineId): StepName[] => {
  const forward = new Set(
    SAGA_CASES.filter((c) => OPERATION_TABLE[c.operation].machine === machine).flatMap((c) => c.steps),
  );
  return taskStates(machine).filter((step) => !forward.has(step));
};

export const COMPENSATION_CASES: readonly CompensationCase[] = [
  {
    label: 'onboarding premium, failing at ActivateTenant',
    operation: 'onboard',
    tier: 'premium',
    needsTenant: false,
    trigger: 'ActivateTenant',
    steps: failurePathStates('onboarding'),
  },
  {
    // The companions' removal only calls AWS for a tenant that has some.
    label: 'onboarding suite, failing at ActivateTenant',
    operation: 'onboard',
    tier: 'suite',
    needsTenant: false,
    trigger: 'ActivateTenant',
    steps: ['DeleteCompanions'],
  },
  {
    // The user pool's removal only calls AWS for a tenant that has one.
    label: 'onboarding app, failing at ActivateTenant',
    operation: 'onboard',
    tier: 'app',
    needsTenant: false,
    trigger: 'ActivateTenant',
    steps: ['DeleteUserPool'],
  },
  {
    label: 'offboarding premium, failing at RemoveTenant',
    operation: 'offboard',
    tier: 'premium',
    needsTenant: true,
    trigger: 'RemoveTenant',
    steps: failurePathStates('offboarding'),
  },
  {
    label: 'migrate advanced to premium, failing at CommitMigration',
    operation: 'migrate',
    tier: 'advanced',
    needsTenant: true,
    trigger: 'CommitMigration',
    steps: ['SwitchBack', 'UndoMigrationTarget', 'RestoreTenant', 'NotifyFailure'],
  },
  {
    label: 'migrate advanced to premium, failing at FinishMigration',
    operation: 'migrate',
    tier: 'advanced',
    needsTenant: true,
    trigger: 'FinishMigration',
    steps: ['ConfirmCommitted'],
  },
  {
    label: 'activate advanced, failing at SetActivation',
    operation: 'activate',
    tier: 'advanced',
    needsTenant: true,
    trigger: 'SetActivation',
    steps: failurePathStates('activation'),
  },
  {
    label: 'update premium, failing at CommitRelease',
    operation: 'update',
    tier: 'premium',
    needsTenant: true,
    trigger: 'CommitRelease',
    steps: failurePathStates('update'),
  },
];

/** How many times a crashed step (`Runtime.ExitError`) is retried. */
export const CRASH_BUDGET = RETRY_POLICY[retrierFor('Runtime.ExitError')]?.MaxAttempts ?? 0;

/** How many times our retryable errors are retried (the ASL's Retry for RetryableError). */
export const RETRY_BUDGET = RETRY_POLICY[retrierFor('RetryableError')]?.MaxAttempts ?? 0;
export const THROTTLE_BUDGET = RETRY_POLICY[retrierFor('ThrottledError')]?.MaxAttempts ?? 0;

/** A fault plan and whether the operation must still succeed under it. */
export interface FaultPlan {
  label: string;
  kind: FaultKind;
  count: number;
  succeeds: boolean;
}

/** Once and past the Retry budget for transient, throttle and crash (the call took effect, then the handler died); fatal. */
export const FAULT_PLANS: readonly FaultPlan[] = [
  { label: 'transient once', kind: 'transient', count: 1, succeeds: true },
  { label: 'throttle once', kind: 'throttle', count: 1, succeeds: true },
  { label: 'transient past the retry budget', kind: 'transient', count: RETRY_BUDGET + 1, succeeds: false },
  { label: 'throttle past the retry budget', kind: 'throttle', count: THROTTLE_BUDGET + 1, succeeds: false },
  { label: 'fatal', kind: 'fatal', count: 1, succeeds: false },
  { label: 'crash', kind: 'crash', count: 1, succeeds: true },
  { label: 'crash past the retry budget', kind: 'crash', count: CRASH_BUDGET + 1, succeeds: false },
];

export const faultSpec = (step: StepName, plan: FaultPlan): FaultSpec => ({
  step,
  kind: plan.kind,
  count: plan.count,
});

/** The error names an injected fault surfaces as (what counts as a fault that fired). */
export const INJECTED_NAMES = ['Runtime.ExitError', 'RetryableError', 'ThrottledError', 'FatalError'];

/** Rejects when `work` has not settled in `ms` (a hung step would otherwise hold the suite for minutes). */
export const within = <T>(work: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([
    work,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: no end after ${ms} ms (hung)`)), ms).unref(),
    ),
  ]);
