import '../../saga/polyfills.ts';
import { readFileSync } from 'node:fs';
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  type RunOptions,
  StateMachine,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import { z } from 'zod';
import { runSaga } from '../../saga/index.ts';
import type { MachineId } from '../../saga-contract.ts';

/** How an execution ended, as the Step Functions execution status reports it. */
export interface ExecutionEnd {
  status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  output?: unknown;
  error?: string;
  cause?: string;
}

/** Runs one execution of a saga to its end (never rejects: a failure is an `ExecutionEnd`). */
export type SagaEngine = (
  machine: MachineId,
  execution: string,
  executionArn: string,
  input: unknown,
) => Promise<ExecutionEnd>;

/** Timings of a local run: milliseconds instead of the ASL's seconds. */
export interface EngineTimings {
  waitMs: number;
  /** Milliseconds per Retry interval; `null` keeps the ASL's own backoff (with jitter) in real seconds. */
  retryMs: number | null;
}

const statesSchema = z.object({
  States: z.record(
    z.string(),
    z.object({ Type: z.string(), Retry: z.array(z.unknown()).optional() }).loose(),
  ),
});

const loadDefinition = (machine: MachineId): StateMachineDefinition => {
  const url = new URL(`../../../state-machines/${machine}.asl.json`, import.meta.url);
  const definition: StateMachineDefinition = JSON.parse(readFileSync(url, 'utf8'));
  return definition;
};

/** A JSON round trip, as a Lambda invocation's payload makes one (drops `undefined`, copies). */
const asJson = (value: unknown): ReturnType<typeof JSON.parse> => JSON.parse(JSON.stringify(value ?? null));

/**
 * The `asl` engine: the committed `state-machines/<machine>.asl.json` on aws-local-stepfunctions, every
 * Task bound to `dispatch` (the step Lambda), Wait states and Retry intervals shortened to `timings`.
 */
export const aslEngine = (
  dispatch: (payload: unknown) => Promise<unknown>,
  timings: EngineTimings,
): SagaEngine => {
  const definitions = new Map<MachineId, StateMachineDefinition>();
  return async (machine, execution, executionArn, input) => {
    const definition = definitions.get(machine) ?? loadDefinition(machine);
    definitions.set(machine, definition);
    const states = statesSchema.parse(definition).States;
    const overrides: NonNullable<RunOptions['overrides']> = {
      taskResourceLocalHandlers: {},
      waitTimeOverrides: {},
      retryIntervalOverrides: {},
    };
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Task') {
        overrides.taskResourceLocalHandlers = {
          ...overrides.taskResourceLocalHandlers,
          [name]: async (payload) => asJson(await dispatch(payload)),
        };
      }
      if (state.Type === 'Wait')
        overrides.waitTimeOverrides = { ...overrides.waitTimeOverrides, [name]: timings.waitMs };
      if (state.Retry && timings.retryMs !== null)
        overrides.retryIntervalOverrides = { ...overrides.retryIntervalOverrides, [name]: timings.retryMs };
    }
    const stateMachine = new StateMachine(definition, { validationOptions: { checkArn: false } });
    const context = {
      Execution: {
        Id: executionArn,
        Name: execution,
        RoleArn: 'arn:aws:iam::000000000000:role/tenantflow-local',
      },
      StateMachine: {
        Id: executionArn.replace(':execution:', ':stateMachine:').replace(/:[^:]+$/, ''),
        Name: `tenantflow-${machine}`,
      },
    };
    try {
      const output = await stateMachine.run(asJson(input), { overrides, context }).result;
      return { status: 'SUCCEEDED', output };
    } catch (error) {
      if (error instanceof ExecutionTimeoutError) return { status: 'TIMED_OUT', error: 'States.Timeout' };
      if (error instanceof ExecutionAbortedError) return { status: 'ABORTED' };
      const reason = error instanceof ExecutionError && error.cause instanceof Error ? error.cause : error;
      return {
        status: 'FAILED',
        error: reason instanceof Error ? reason.name : 'Error',
        cause: reason instanceof Error ? reason.message : String(reason),
      };
    }
  };
};

/** The `xstate` engine: the same models run in process by the saga runner, with the same retry policy. */
export const xstateEngine = (
  dispatch: (payload: unknown) => Promise<unknown>,
  timings: EngineTimings,
): SagaEngine => {
  return async (machine, execution, _executionArn, input) => {
    try {
      const result = await runSaga(machine, asJson(input), {
        dispatch: async (payload) => asJson(await dispatch(payload)),
        execution,
        healthPollMs: timings.waitMs,
        retryDelayMs: timings.retryMs === null ? 1000 : Math.max(1, Math.round(timings.retryMs / 4)),
      });
      if (result.status === 'succeeded') return { status: 'SUCCEEDED', output: result.state };
      return {
        status: 'FAILED',
        error: 'TenantLifecycleFailed',
        cause: `the ${machine} saga ended in its failed state`,
      };
    } catch (error) {
      return { status: 'FAILED', error: error instanceof Error ? error.name : 'Error', cause: String(error) };
    }
  };
};
