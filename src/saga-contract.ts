/**
 * The vocabulary shared by the xstate models, the ASL compiler, the step dispatcher and the CLI:
 * state machine ids and step names. A step's name is its xstate state, its actor and its ASL Task.
 */

/** One state machine per kind of lifecycle request. */
export const MACHINE_IDS = ['onboarding', 'offboarding', 'activation'] as const;
export type MachineId = (typeof MACHINE_IDS)[number];

/**
 * Execution statuses that end a run without the saga reporting: the watcher's rule matches these and
 * the watcher reports them.
 */
export const DEAD_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'] as const;

/** Forward and compensation steps, each run by the step dispatcher. */
export const STEP_NAMES = [
  // every machine starts here: raw SBT event, plain tenant request or saga state → SagaState
  'ValidateRequest',
  // onboarding, forward
  'ReserveTenant',
  'CreateCluster',
  'RegisterTaskDefinition',
  'CreateTargetGroup',
  'CreateListenerRule',
  'CreateService',
  'WaitForHealthy',
  'ActivateTenant',
  // compensations (also the offboarding steps)
  'DeleteService',
  'DeleteListenerRule',
  'DeleteTargetGroup',
  'DeregisterTaskDefinition',
  'DeleteCluster',
  'MarkFailed',
  // offboarding / activation
  'LockTenant',
  'RemoveTenant',
  'ScaleService',
  'SetActivation',
  // terminal notifications
  'NotifySuccess',
  'NotifyFailure',
] as const;
export type StepName = (typeof STEP_NAMES)[number];

export const isStepName = (value: string): value is StepName =>
  (STEP_NAMES as readonly string[]).includes(value);

/**
 * What a Task hands the step dispatcher (the ASL's `Parameters`; the xstate actors build the same).
 * `state` is the saga state, except for `ValidateRequest`, which receives the raw execution input.
 */
export interface StepPayload {
  step: StepName;
  machine: MachineId;
  execution: string;
  state: unknown;
}
