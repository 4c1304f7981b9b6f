import type { MachineId } from '../domain/saga.ts';

/** Step Functions, as the ingress handler needs it. */
export interface WorkflowStarter {
  /**
   * Starts `machine` under the execution `name`. As StartExecution does, starting a name that is
   * still running with the same input answers `'started'` with the same ARN; a name that already
   * exists otherwise (ExecutionAlreadyExists) is `'duplicate'`. Telling a redelivery from a first
   * start is the ingress's job (see `StatusLedger.recordStart`).
   */
  start(
    machine: MachineId,
    name: string,
    input: unknown,
  ): Promise<{ outcome: 'started' | 'duplicate'; executionArn: string }>;
}

/** One execution of a deployed state machine, as an operator lists them. */
export interface DeployedExecution {
  machine: MachineId;
  name: string;
  status: string;
  startedAt: string;
  stoppedAt?: string;
}

/** Step Functions, as `tenantflow executions --target aws` reads it. */
export interface ExecutionHistory {
  /**
   * The executions of the state machines named (name → machine), newest first: the newest 100 of
   * each, or every one with `all`. A name with no state machine is skipped.
   */
  list(stateMachines: ReadonlyMap<string, MachineId>, all: boolean): Promise<DeployedExecution[]>;
}

/** What an operator's stop of a deployed execution came to. */
export type StopOutcome =
  | { machine: MachineId; status: 'ABORTED' }
  /** It had ended already, with this status: nothing was stopped. */
  | { machine: MachineId; status: 'ended'; ended: string };

/** Step Functions, as `tenantflow abort --target aws` stops a deployed execution from any machine. */
export interface ExecutionStopper {
  /**
   * Stops execution `name` of whichever of the state machines named (name → machine) has it, with
   * `cause`; undefined when none has an execution of that name. A stopped execution is ABORTED, which
   * the deployed watcher turns into the tenant's recovery (lock freed, failure event, cleanup).
   */
  stop(
    stateMachines: ReadonlyMap<string, MachineId>,
    name: string,
    cause: string,
  ): Promise<StopOutcome | undefined>;
}

/** Where an execution stands (Step Functions' DescribeExecution, as far as tenantflow reads it). */
export interface ExecutionState {
  status: string;
  error?: string;
  cause?: string;
  /** What a SUCCEEDED execution returned (its final state). */
  output?: unknown;
}

/** Step Functions, as the rollout's steps read the update executions they started. */
export interface ExecutionLookup {
  /** Execution `name` of `machine`; `undefined` when there is none of that name. */
  describe(machine: MachineId, name: string): Promise<ExecutionState | undefined>;
}

/**
 * One event of an execution's history, as far as following its steps needs it (Step Functions'
 * GetExecutionHistory: a Task state entered, its function started, succeeded with its output, or
 * failed with an error). `at` is epoch milliseconds; ids grow with time.
 */
export type ExecutionEvent =
  /** The execution itself started: where its steps' elapsed time counts from. */
  | { id: number; at: number; kind: 'began' }
  | { id: number; at: number; kind: 'entered'; step: string }
  | { id: number; at: number; kind: 'started' }
  | { id: number; at: number; kind: 'succeeded'; output?: unknown }
  | { id: number; at: number; kind: 'failed'; error: string; cause?: string };

/** Step Functions, as an operator follows a deployed execution's steps. */
export interface ExecutionEvents {
  /**
   * The step events of execution `name` of `machine`, oldest first (only those with an id above
   * `after`, when given); none when there is no such execution.
   */
  history(machine: MachineId, name: string, after?: number): Promise<ExecutionEvent[]>;
}

/** Starting executions and reading them back: what a rollout drives its tenants' updates with. */
export type Workflows = WorkflowStarter & ExecutionLookup;
