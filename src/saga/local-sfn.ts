import './polyfills.ts';
import { type RunOptions, StateMachine } from 'aws-local-stepfunctions';
import { z } from 'zod';
import type { AslDefinition } from '../../state-machines/asl.ts';
import { toCaughtError } from '../../state-machines/caught-error.ts';
import { MACHINE_IDS, STEP_NAMES, type StepPayload } from '../saga-contract.ts';
import type { SagaRunResult } from './run.ts';

/** Options of a local Step Functions run. */
export interface LocalAslOptions {
  /** Runs one Task (the step dispatcher, or a fake). */
  dispatch: (payload: StepPayload) => Promise<unknown>;
  /** `$$.Execution.Name`. */
  execution: string;
  /** Milliseconds each Wait state pauses (default: the definition's seconds). */
  waitMs?: number;
  /** Milliseconds before each retry (default: the definition's backoff, with its jitter). */
  retryMs?: number;
}

const jsonSchema = z.json();
const payloadSchema = z.object({
  step: z.enum(STEP_NAMES),
  machine: z.enum(MACHINE_IDS),
  execution: z.string(),
  state: z.unknown(),
});

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

type Handlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;

/**
 * Runs a generated definition on aws-local-stepfunctions with every Task bound to `dispatch`:
 * the committed ASL, executed as Step Functions would, without an AWS account.
 */
export const runAslLocally = async (
  definition: AslDefinition,
  input: unknown,
  options: LocalAslOptions,
): Promise<SagaRunResult> => {
  const tasks = Object.entries(definition.States).filter(([, state]) => state.Type === 'Task');
  const waits = Object.entries(definition.States).filter(([, state]) => state.Type === 'Wait');
  const handlers: Handlers = {};
  for (const [name] of tasks) {
    handlers[name] = async (payload) => {
      const parsed = payloadSchema.parse(payload);
      try {
        const output = await options.dispatch(parsed);
        return jsonSchema.parse(output);
      } catch (error) {
        throw lambdaStyleError(error);
      }
    };
  }
  const overrides: RunOptions['overrides'] = { taskResourceLocalHandlers: handlers };
  if (options.waitMs !== undefined) {
    overrides.waitTimeOverrides = Object.fromEntries(waits.map(([name]) => [name, options.waitMs ?? 0]));
  }
  if (options.retryMs !== undefined) {
    overrides.retryIntervalOverrides = Object.fromEntries(
      tasks.map(([name]) => [name, options.retryMs ?? 0]),
    );
  }
  const machine = new StateMachine(definition);
  const execution = machine.run(jsonSchema.parse(input), {
    overrides,
    context: { Execution: { Name: options.execution } },
  });
  // Settle the result at once so a failed execution is never an unhandled rejection meanwhile.
  const outcome = execution.result.then(
    (state) => ({ ok: true as const, state }),
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
  if (settled.ok) return { status: 'succeeded', state: settled.state, steps };
  if (failedWith === undefined) throw settled.error;
  return { status: 'failed', state: failedWith, steps };
};
