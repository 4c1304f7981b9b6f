import './polyfills.ts';
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  type RunOptions,
  StateMachine,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import { z } from 'zod';
import activationAsl from '../../../state-machines/activation.asl.json' with { type: 'json' };
import { toCaughtError } from '../../../state-machines/caught-error.ts';
import migrationAsl from '../../../state-machines/migration.asl.json' with { type: 'json' };
import offboardingAsl from '../../../state-machines/offboarding.asl.json' with { type: 'json' };
import onboardingAsl from '../../../state-machines/onboarding.asl.json' with { type: 'json' };
import rolloutAsl from '../../../state-machines/rollout.asl.json' with { type: 'json' };
import shardAsl from '../../../state-machines/shard.asl.json' with { type: 'json' };
import updateAsl from '../../../state-machines/update.asl.json' with { type: 'json' };
import { MACHINE_IDS, type MachineId, STEP_NAMES, type StepPayload } from '../../domain/saga.ts';

/** How an execution ended, as the Step Functions execution status reports it. */
export interface ExecutionEnd {
  status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  /** The output of a run that succeeded; for one that reached its Fail state, the saga state it failed with. */
  output?: unknown;
  error?: string;
  cause?: string;
}

/** Options of a local Step Functions run. */
export interface AslRunOptions {
  /** Runs one Task (the step Lambda, or a fake). */
  dispatch: (payload: StepPayload) => Promise<unknown>;
  /** `$$.Execution.Name`. */
  execution: string;
  /** `$$.Execution.Id` (default: an ARN made from the name). */
  executionArn?: string;
  /** Milliseconds each Wait state pauses (default: the definition's seconds). */
  waitMs?: number;
  /** Milliseconds before each retry (default: the definition's backoff, with its jitter, in real seconds). */
  retryMs?: number;
  /** Aborts the execution (StopExecution): it ends ABORTED; a step already running is not waited for. */
  signal?: AbortSignal;
}

/** The end of a local run and the Task states it entered, in order. */
export type AslRun = ExecutionEnd & { steps: string[] };

type JsonValue = Parameters<StateMachine['run']>[0];

/**
 * A JSON round trip, as a Lambda invocation's payload makes one (drops `undefined`, copies). Its
 * result is JSON by construction: not parsed again with a schema, whose plain-object test refuses a
 * key named `constructor` (an event field of that name crashed the run).
 */
const roundTrip = (value: unknown): JsonValue => JSON.parse(JSON.stringify(value ?? null)) as JsonValue;
const payloadSchema = z.object({
  step: z.enum(STEP_NAMES),
  machine: z.enum(MACHINE_IDS),
  execution: z.string(),
  state: z.unknown(),
});
const statesSchema = z.object({
  States: z.record(z.string(), z.object({ Type: z.string() }).loose()),
});

/**
 * The committed definitions, imported (not read from disk at run time): a bundle of the CLI carries
 * them, wherever it is put. `npm run build:asl` rewrites the files; a test fails when they drift.
 */
const COMMITTED: Readonly<Record<MachineId, unknown>> = {
  onboarding: onboardingAsl,
  offboarding: offboardingAsl,
  activation: activationAsl,
  migration: migrationAsl,
  update: updateAsl,
  rollout: rolloutAsl,
  shard: shardAsl,
};

/** The committed `state-machines/<machine>.asl.json`. */
export const committedDefinition = (machine: MachineId): StateMachineDefinition =>
  COMMITTED[machine] as StateMachineDefinition;

/**
 * The error as Step Functions sees it when a Lambda function throws: its `name` is the `Error`
 * that Retry/Catch match, and its message is the runtime's JSON report, so a Catch records the same
 * `{Error, Cause}` as on AWS (the interpreter uses the message as `Cause`).
 */
export const lambdaStyleError = (error: unknown): Error => {
  const caught = toCaughtError(error);
  const wrapped = new Error(caught.Cause, { cause: error });
  wrapped.name = caught.Error;
  return wrapped;
};

const named = (reason: unknown) =>
  reason instanceof ExecutionError && reason.cause instanceof Error ? reason.cause : reason;

/**
 * Runs a Step Functions definition (the committed ASL) on aws-local-stepfunctions with every Task
 * bound to `dispatch`, as Step Functions would, without an AWS account. Never rejects: how the
 * execution ended is the result, with the saga state it ended in.
 */
export const runAsl = async (
  definition: StateMachineDefinition,
  input: unknown,
  options: AslRunOptions,
): Promise<AslRun> => {
  const states = Object.entries(statesSchema.parse(definition).States);
  const overrides: NonNullable<RunOptions['overrides']> = {
    taskResourceLocalHandlers: {},
    waitTimeOverrides: {},
    retryIntervalOverrides: {},
  };
  for (const [name, state] of states) {
    if (state.Type === 'Task') {
      overrides.taskResourceLocalHandlers = {
        ...overrides.taskResourceLocalHandlers,
        [name]: async (payload) => {
          try {
            return roundTrip(await options.dispatch(payloadSchema.parse(payload)));
          } catch (error) {
            throw lambdaStyleError(error);
          }
        },
      };
      if (options.retryMs !== undefined)
        overrides.retryIntervalOverrides = { ...overrides.retryIntervalOverrides, [name]: options.retryMs };
    }
    if (state.Type === 'Wait' && options.waitMs !== undefined)
      overrides.waitTimeOverrides = { ...overrides.waitTimeOverrides, [name]: options.waitMs };
  }
  const executionArn =
    options.executionArn ?? `arn:aws:states:us-east-1:000000000000:execution:tenantflow:${options.execution}`;
  // Not validated again on every run (asl-validator compiles a JSON schema: ~0.3 s per process): the
  // definitions run here are the committed ones, which test/unit/state-machines/compile.test.ts
  // holds against asl-validator.
  const machine = new StateMachine(definition, { validationOptions: { noValidate: true } });
  const execution = machine.run(roundTrip(input), {
    overrides,
    context: {
      Execution: {
        Id: executionArn,
        Name: options.execution,
        RoleArn: 'arn:aws:iam::000000000000:role/tenantflow-local',
      },
      StateMachine: {
        Id: executionArn.replace(':execution:', ':stateMachine:').replace(/:[^:]+$/, ''),
        Name: executionArn.split(':').at(-2) ?? 'tenantflow',
      },
    },
  });
  if (options.signal?.aborted) execution.abort();
  options.signal?.addEventListener('abort', () => execution.abort(), { once: true });
  // Settle the result at once so a failed execution is never an unhandled rejection meanwhile.
  const outcome = execution.result.then(
    (output) => ({ ok: true as const, output }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  const steps: string[] = [];
  let failedWith: unknown;
  for await (const event of execution.eventLogs) {
    if (event.type !== 'StateEntered') continue;
    if (event.state.type === 'Task') steps.push(event.state.name);
    // A Fail state has no output: its input is the saga state the execution ended with.
    if (event.state.type === 'Fail') failedWith = event.state.input;
  }
  const settled = await outcome;
  if (settled.ok) return { status: 'SUCCEEDED', output: settled.output, steps };
  const { error } = settled;
  if (error instanceof ExecutionTimeoutError) return { status: 'TIMED_OUT', error: 'States.Timeout', steps };
  if (error instanceof ExecutionAbortedError) return { status: 'ABORTED', steps };
  const reason = named(error);
  return {
    status: 'FAILED',
    ...(failedWith === undefined ? {} : { output: failedWith }),
    error: reason instanceof Error ? reason.name : 'Error',
    cause: reason instanceof Error ? reason.message : String(reason),
    steps,
  };
};
