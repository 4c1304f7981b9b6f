/** The in-process saga engines: the committed ASL on a local interpreter, or the xstate models directly. */
import type { MachineId, StepPayload } from '../../domain/saga.ts';
import { committedDefinition, type ExecutionEnd, runAsl } from './asl.ts';
import { runSaga } from './xstate.ts';

export {
  type AslRun,
  type AslRunOptions,
  committedDefinition,
  type ExecutionEnd,
  lambdaStyleError,
  runAsl,
} from './asl.ts';
export { errorName, withRetry } from './retry.ts';
export { runSaga, type SagaRunOptions, type SagaRunResult, type StepEvent } from './xstate.ts';

/** Runs one execution of a saga to its end (never rejects: a failure is an `ExecutionEnd`). */
export type SagaEngine = (
  machine: MachineId,
  execution: string,
  executionArn: string,
  input: unknown,
  /** StopExecution: the run ends ABORTED. */
  signal?: AbortSignal,
) => Promise<ExecutionEnd>;

/** Timings of a local run: milliseconds instead of the ASL's seconds. */
export interface EngineTimings {
  /** Milliseconds per Wait state; `null` keeps the ASL's own seconds (a run against real AWS). */
  waitMs: number | null;
  /** Milliseconds per Retry interval; `null` keeps the ASL's own backoff (with jitter) in real seconds. */
  retryMs: number | null;
}

type Dispatch = (payload: StepPayload) => Promise<unknown>;

/** A JSON round trip, as a Lambda invocation's payload makes one (drops `undefined`, copies). */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value ?? null));

/** The `asl` engine: the committed `state-machines/<machine>.asl.json`, every Task bound to `dispatch`. */
export const aslEngine =
  (dispatch: Dispatch, timings: EngineTimings): SagaEngine =>
  async (machine, execution, executionArn, input, signal) => {
    const { steps: _steps, ...end } = await runAsl(committedDefinition(machine), input, {
      dispatch,
      execution,
      executionArn,
      ...(signal ? { signal } : {}),
      ...(timings.waitMs === null ? {} : { waitMs: timings.waitMs }),
      ...(timings.retryMs === null ? {} : { retryMs: timings.retryMs }),
    });
    return end;
  };

/** The `xstate` engine: the same models run in process by the saga runner, with the same retry policy. */
export const xstateEngine =
  (dispatch: Dispatch, timings: EngineTimings): SagaEngine =>
  async (machine, execution, _executionArn, input, signal) => {
    try {
      const result = await runSaga(machine, asJson(input), {
        dispatch: async (payload) => asJson(await dispatch(payload)),
        execution,
        ...(signal ? { signal } : {}),
        ...(timings.waitMs === null ? {} : { waitMs: timings.waitMs }),
        retryDelayMs: timings.retryMs === null ? 1000 : Math.max(1, Math.round(timings.retryMs / 4)),
      });
      if (result.status === 'succeeded') return { status: 'SUCCEEDED', output: result.state };
      if (result.status === 'aborted') return { status: 'ABORTED', output: result.state };
      return {
        status: 'FAILED',
        output: result.state,
        error: 'TenantLifecycleFailed',
        cause: `the ${machine} saga ended in its failed state`,
      };
    } catch (error) {
      return { status: 'FAILED', error: error instanceof Error ? error.name : 'Error', cause: String(error) };
    }
  };
