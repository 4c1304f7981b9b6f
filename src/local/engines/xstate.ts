import { createActor, fromPromise } from 'xstate';
import { toCaughtError } from '../../../state-machines/caught-error.ts';
import { delayMs } from '../../../state-machines/guards.ts';
import { MACHINES } from '../../../state-machines/index.ts';
import { FINAL_STATES } from '../../../state-machines/setup.ts';
import { DELAY_SECONDS, type MachineId, type StepPayload, stepRecord } from '../../domain/saga.ts';
import type { CaughtError } from '../../domain/saga-state.ts';
import { withRetry } from './retry.ts';

/** Progress of one step, as it starts and as it ends (after its retries). */
export interface StepEvent {
  step: string;
  phase: 'start' | 'succeeded' | 'failed';
  elapsedMs: number;
  error?: CaughtError;
}

export interface SagaRunOptions {
  /** The step dispatcher (or a Lambda invoke): resolves to the next saga state. */
  dispatch: (payload: StepPayload) => Promise<unknown>;
  execution: string;
  /** Called as each step starts and ends (for progress lines). */
  onStep?: (event: StepEvent) => void;
  /** Milliseconds of every Wait (default: the model's seconds; local runs pass a few ms). */
  waitMs?: number;
  /**
   * Retry policy mirroring the ASL's (same error names, same max attempts); this many milliseconds
   * stand for one second of the ASL's delays (default 1000).
   */
  retryDelayMs?: number;
  /** Stops the run where it stands: it ends `aborted` (a step already running is not waited for). */
  signal?: AbortSignal;
}

export interface SagaRunResult {
  status: 'succeeded' | 'failed' | 'aborted';
  /** The saga state the run ended with (the ASL's `$`). */
  state: unknown;
  /** Steps in the order they ran, once per invocation (retries not repeated). */
  steps: string[];
}

/**
 * Runs the saga `machine` in process with xstate: the same model the ASL is compiled from, the same
 * retry policy, and failures recorded in the same `{Error, Cause}` shape as Step Functions.
 */
export const runSaga = (
  machine: MachineId,
  input: unknown,
  options: SagaRunOptions,
): Promise<SagaRunResult> => {
  const steps: string[] = [];
  const secondMs = options.retryDelayMs ?? 1000;
  const runStep = async (payload: StepPayload): Promise<unknown> => {
    steps.push(payload.step);
    const started = Date.now();
    options.onStep?.({ step: payload.step, phase: 'start', elapsedMs: 0 });
    try {
      const output = await withRetry(() => options.dispatch(payload), secondMs);
      options.onStep?.({ step: payload.step, phase: 'succeeded', elapsedMs: Date.now() - started });
      return output;
    } catch (error) {
      const event = { step: payload.step, phase: 'failed' as const, elapsedMs: Date.now() - started };
      options.onStep?.({ ...event, error: toCaughtError(error) });
      throw error;
    }
  };
  const logic = MACHINES[machine].provide({
    actors: stepRecord(() => fromPromise<unknown, StepPayload>(({ input: payload }) => runStep(payload))),
    // Local runs give every wait the same few milliseconds (a length read from the state is still
    // read, so a step that did not write it fails here as on Step Functions); otherwise the model's
    // own delays stand.
    ...(options.waitMs === undefined
      ? {}
      : {
          delays: Object.fromEntries(
            Object.entries(DELAY_SECONDS).map(([name, length]) => [
              name,
              ({ context }: { context: { state: unknown } }) => {
                delayMs(length, context.state);
                return options.waitMs;
              },
            ]),
          ),
        }),
  });
  const actor = createActor(logic, { input: { execution: options.execution, input } });
  return new Promise<SagaRunResult>((resolve, reject) => {
    const abort = () => {
      actor.stop();
      resolve({ status: 'aborted', state: actor.getSnapshot().context.state, steps });
    };
    if (options.signal?.aborted) return abort();
    options.signal?.addEventListener('abort', abort, { once: true });
    actor.subscribe({
      complete: () => {
        const snapshot = actor.getSnapshot();
        const status = snapshot.value === FINAL_STATES.succeeded ? 'succeeded' : 'failed';
        resolve({ status, state: snapshot.context.state, steps });
      },
      error: reject,
    });
    actor.start();
  });
};
