/**
 * The saga vocabulary shared by the xstate models, the ASL compiler, the step dispatcher and the CLI:
 * state machine ids and step names. A step's name is its xstate state, its actor and its ASL Task.
 */
import { OPERATION_TABLE, OPERATIONS, type Operation } from './operations.ts';
import { RESOURCE_STEP_NAMES } from './resource-kinds.ts';

/** One state machine per kind of lifecycle request (derived from the operations table). */
export type SagaMachineId = (typeof OPERATION_TABLE)[Operation]['machine'];

/**
 * The fleet rollout's machine: no operation of one tenant, it starts the update machine for each
 * tenant of a tier in waves (src/steps/rollout.ts).
 */
export const ROLLOUT_MACHINE = 'rollout';

/**
 * The shard machine's: no operation of a tenant either, it adds a load balancer shard
 * (src/steps/shard.ts).
 */
export const SHARD_MACHINE = 'shard';

/** Every state machine: the sagas of the operations, the rollout, and the shard machine. */
export type MachineId = SagaMachineId | typeof ROLLOUT_MACHINE | typeof SHARD_MACHINE;

export const SAGA_MACHINE_IDS: readonly SagaMachineId[] = [
  ...new Set(Object.values(OPERATION_TABLE).map((row) => row.machine)),
];

export const MACHINE_IDS: readonly MachineId[] = [...SAGA_MACHINE_IDS, ROLLOUT_MACHINE, SHARD_MACHINE];

export const isSagaMachineId = (value: unknown): value is SagaMachineId =>
  typeof value === 'string' && (SAGA_MACHINE_IDS as readonly string[]).includes(value);

export const isMachineId = (value: unknown): value is MachineId =>
  typeof value === 'string' && (MACHINE_IDS as readonly string[]).includes(value);

/** The operations a state machine carries out (derived from the operations table). */
export const operationsOf = (machine: MachineId): Operation[] =>
  OPERATIONS.filter((operation) => OPERATION_TABLE[operation].machine === machine);

/**
 * Execution statuses that end a run without the saga reporting: the watcher's rule matches these and
 * the watcher reports them.
 */
export const DEAD_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'] as const;

/**
 * Every step, once (each resource kind's two come from its descriptor). The step dispatcher binds each to its function, the xstate setup declares each
 * as an actor, and the models name them; the list is what the ASL vocabulary is checked against.
 */
export const SAGA_STEP_NAMES = [
  // every saga starts here: raw SBT event, plain tenant request or saga state → SagaState
  'ValidateRequest',
  // onboarding, forward (the creation of each resource kind is that kind's step, below)
  'ReserveTenant',
  'RemoveLeftovers',
  'AdmitTenant',
  'WaitForHealthy',
  // a tenant with its own user pool: its admin's invitation, mailed once the tenant serves healthy
  'InviteAdmin',
  'ActivateTenant',
  // compensations (also the offboarding steps, with each resource kind's removal)
  'MarkFailed',
  // offboarding / activation
  'LockTenant',
  'RemoveTenant',
  'ScaleService',
  'SetActivation',
  // after a final step failed: did its write go through before it did? (then nothing is undone)
  'ConfirmCommitted',
  // tier migration: plan, build the target (the onboarding steps), switch, commit, remove the source
  'PlanMigration',
  'AttachTargetGroup',
  'SwitchRouting',
  'CommitMigration',
  'RemoveMigrationSource',
  'FinishMigration',
  // … or give up: routing back, the target removed, the tenant as it was
  'SwitchBack',
  'UndoMigrationTarget',
  'RestoreTenant',
  // release update: plan, register the release's revision, deploy it, wait, commit …
  'PlanUpdate',
  'RegisterRelease',
  'DeployRelease',
  'WaitForDeployment',
  'CommitRelease',
  'RetireRevisions',
  // … or back to the revision the tenant ran, the new one removed, the tenant as it was
  'RollBackRelease',
  'DeregisterRelease',
  'AbandonUpdate',
  // terminal notifications
  'NotifySuccess',
  'NotifyFailure',
  // each resource kind's creation and removal (src/domain/resources.ts)
  ...RESOURCE_STEP_NAMES,
] as const;
export type SagaStepName = (typeof SAGA_STEP_NAMES)[number];

/**
 * The rollout machine's steps: plan the waves (from the raw input), run a wave (its tenants' update
 * executions), bake, or roll the wave back; then report.
 */
export const ROLLOUT_STEP_NAMES = [
  'PlanRollout',
  'RunWave',
  'BakeWave',
  'RollBackWave',
  'ReportRollout',
] as const;
export type RolloutStepName = (typeof ROLLOUT_STEP_NAMES)[number];

/**
 * The shard machine's steps: plan (reserve the shard's index), create its load balancer, wait until
 * it is active, give it its listener, record it; undone in reverse.
 */
export const SHARD_STEP_NAMES = [
  'PlanShard',
  'CreateLoadBalancer',
  'WaitForLoadBalancer',
  'CreateShardListener',
  'RecordShard',
  'DeleteShardListener',
  'DeleteShardLoadBalancer',
  'ReleaseShard',
] as const;
export type ShardStepName = (typeof SHARD_STEP_NAMES)[number];

export const STEP_NAMES = [...SAGA_STEP_NAMES, ...ROLLOUT_STEP_NAMES, ...SHARD_STEP_NAMES] as const;
export type StepName = (typeof STEP_NAMES)[number];

export const isRolloutStepName = (value: unknown): value is RolloutStepName =>
  typeof value === 'string' && (ROLLOUT_STEP_NAMES as readonly string[]).includes(value);

export const isShardStepName = (value: unknown): value is ShardStepName =>
  typeof value === 'string' && (SHARD_STEP_NAMES as readonly string[]).includes(value);

export const isStepName = (value: unknown): value is StepName =>
  typeof value === 'string' && (STEP_NAMES as readonly string[]).includes(value);

/** Builds one value per step name. */
export const stepRecord = <T>(make: (step: StepName) => T): Record<StepName, T> => {
  const record: Partial<Record<StepName, T>> = {};
  for (const step of STEP_NAMES) record[step] = make(step);
  return record as Record<StepName, T>;
};

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

/**
 * Execution timeout per machine. Onboarding includes the wait for a healthy target; the others may
 * first wait for an onboarding to let go of the tenant (see `LOCK_WAIT_MAX_CHECKS`), then do their own.
 */
export const MACHINE_TIMEOUT_SECONDS: Readonly<Record<MachineId, number>> = {
  onboarding: 3600,
  offboarding: 5400,
  activation: 5400,
  // Waiting for the lock, building and proving the target healthy, draining, removing the source.
  migration: 7200,
  // Waiting for the lock, then a deployment and perhaps its rollback, each bounded by the health checks.
  update: 7200,
  // Waves of updates and the bakes between them (a bake is at most a day). Two weeks: also below the
  // 24.8 days a JavaScript timer can hold, which the local interpreter's execution timeout is.
  rollout: 14 * 86_400,
  // A load balancer provisions in minutes; the wait for it is bounded by SHARD_MAX_LOOKS below.
  shard: 3600,
};

/** How often WaitForLoadBalancer looks at a new load balancer before giving up (about 20 minutes). */
export const SHARD_MAX_LOOKS = 40;

/**
 * The step Lambda's timeout: no invocation of a step outlives it, so once it has passed after an
 * execution died, nothing of that execution can still be changing the tenant's resources.
 */
export const STEP_TIMEOUT_SECONDS = 60;

/**
 * The saga's waits, in seconds (the ASL Wait `Seconds`; local runs shorten them), or where in the
 * saga state the step before the wait put its length (`secondsAt`: the ASL Wait `SecondsPath`).
 */
export const DELAY_SECONDS = {
  /** Between two readiness checks of a new service. */
  healthPoll: 15,
  /** Between two tries at a tenant another execution holds. */
  lockPoll: 15,
  /** Before a cleanup touches a dead execution's tenant: that execution's last step has surely ended. */
  deadStepGrace: STEP_TIMEOUT_SECONDS + 30,
  /**
   * After a migration switched the tenant's routing, before its old placement goes: requests already
   * on their way finish. SwitchRouting puts the old group's deregistration delay there (none for a
   * pooled source, whose service stays).
   */
  drainPrevious: { secondsAt: ['migration', 'drainSeconds'] },
  /** Between two looks of a rollout at its wave's update executions (and at the clock, while baking). */
  rolloutPoll: 20,
  /** Between two looks at a load balancer shard being provisioned. */
  shardPoll: 30,
} as const;

/** A wait's length: fixed seconds, or read from the saga state. */
export type DelayLength = number | { readonly secondsAt: readonly string[] };

/** How often LockTenant looks before giving up: long enough to outlast any onboarding's time bound. */
export const LOCK_WAIT_MAX_CHECKS =
  Math.ceil(MACHINE_TIMEOUT_SECONDS.onboarding / DELAY_SECONDS.lockPoll) + 1;

/** The environment variable that carries a state machine's ARN to the handlers. */
export const stateMachineArnVariable = (machine: MachineId): string =>
  `${machine.toUpperCase()}_STATE_MACHINE_ARN`;
