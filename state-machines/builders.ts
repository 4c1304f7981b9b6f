import type { StepName, StepPayload } from '../src/domain/saga.ts';
import type { DelayName, GuardName } from './guards.ts';
import type { SagaContext } from './setup.ts';

/**
 * Small builders for the only shapes the ASL compiler understands: a step (invoke), a choice
 * (guarded `always`), a wait (`after`) and the final states. Models are written with these alone.
 */

const payload =
  (step: StepName) =>
  ({ context }: { context: SagaContext }): StepPayload => ({
    step,
    machine: context.machine,
    execution: context.execution,
    state: context.state,
  });

/** A forward step: on failure, `failure = { step, error }` is recorded and `onError` takes over. */
export const forward = <S extends StepName>(step: S, next: string, onError: string) => ({
  invoke: {
    id: step,
    src: step,
    input: payload(step),
    onDone: { target: next, actions: { type: 'saveState' as const } },
    onError: { target: onError, actions: { type: 'recordFailure' as const, params: { step } } },
  },
});

/**
 * A step of the failure path: on failure, `compensationErrors[step]` is recorded (the failure that
 * led here stays as it is) and the chain goes on to `onError`, by default the same `next`.
 */
export const compensate = <S extends StepName>(step: S, next: string, onError: string = next) => ({
  invoke: {
    id: step,
    src: step,
    input: payload(step),
    onDone: { target: next, actions: { type: 'saveState' as const } },
    onError: { target: onError, actions: { type: 'recordCompensationError' as const, params: { step } } },
  },
});

/** A decision on the saga state: the first branch whose guard holds, else `otherwise`. */
export const choice = (branches: ReadonlyArray<readonly [GuardName, string]>, otherwise: string) => ({
  always: [...branches.map(([guard, target]) => ({ guard, target })), { target: otherwise }],
});

/** A pause of the named delay, then `next`. */
export const pause = (delay: DelayName, next: string) => ({ after: { [delay]: next } });

/** A final state. */
export const final = { type: 'final' } as const;
