import { assign, fromPromise, setup } from 'xstate';
import {
  type DelayLength,
  type MachineId,
  type StepName,
  type StepPayload,
  stepRecord,
} from '../src/domain/saga.ts';
import type { CaughtError } from '../src/domain/saga-state.ts';
import { toCaughtError } from './caught-error.ts';
import { type Condition, conditionHolds, DELAY_SECONDS, delayMs, GUARD_CONDITIONS } from './guards.ts';

/** What a saga actor is started with. */
export interface SagaInput {
  /** Execution name (Step Functions) or run id: reaches every step as `execution`. */
  execution: string;
  /** The raw execution input: `ValidateRequest` turns it into the saga state. */
  input: unknown;
}

/**
 * The machine's context. `state` is the JSON document the ASL calls `$`: the raw input until
 * `ValidateRequest` returns, then the saga state each step replaces wholesale.
 */
export interface SagaContext {
  machine: MachineId;
  execution: string;
  state: unknown;
}

/** Names of the two final states; the compiler turns them into Succeed and Fail. */
export const FINAL_STATES = { succeeded: 'Succeeded', failed: 'Failed' } as const;

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const asDocument = (state: unknown): Json => (isRecord(state) ? state : {});

export { stepRecord };

/** A placeholder step actor: the engine supplies real ones with `.provide()`. */
const notProvided = (step: StepName) =>
  fromPromise<unknown, StepPayload>(async () => {
    throw new Error(`step actor ${step} not provided`);
  });

/** One xstate guard per condition of the table, evaluating it on the saga state. */
const guardsOf = <K extends string>(conditions: Record<K, Condition>) => {
  const guards: Partial<Record<K, (args: { context: SagaContext }) => boolean>> = {};
  for (const name of Object.keys(conditions) as K[]) {
    guards[name] = ({ context }) => conditionHolds(conditions[name], context.state);
  }
  return guards as Record<K, (args: { context: SagaContext }) => boolean>;
};

/** One xstate delay (milliseconds) per named wait (fixed seconds, or seconds the state holds). */
const delaysOf = <K extends string>(
  lengths: Record<K, DelayLength>,
): Record<K, (args: { context: SagaContext }) => number> => {
  const delays: Partial<Record<K, (args: { context: SagaContext }) => number>> = {};
  for (const name of Object.keys(lengths) as K[])
    delays[name] = ({ context }) => delayMs(lengths[name], context.state);
  return delays as Record<K, (args: { context: SagaContext }) => number>;
};

const errorOf = (event: { [key: string]: unknown }): CaughtError => toCaughtError(event.error);

/** The shared vocabulary of the sagas: step actors, guards, delays and the state-recording actions. */
export const sagaSetup = setup({
  types: {} as { context: SagaContext; input: SagaInput },
  actors: stepRecord(notProvided),
  guards: guardsOf(GUARD_CONDITIONS),
  delays: delaysOf(DELAY_SECONDS),
  actions: {
    // ASL `ResultPath: "$"`: the step's output replaces the whole document.
    saveState: assign({ state: ({ context, event }) => ('output' in event ? event.output : context.state) }),
    // ASL Catch into `$.failure.error`, then a Pass writing `$.failure.step`.
    recordFailure: assign({
      state: ({ context, event }, params: { step: StepName }) => ({
        ...asDocument(context.state),
        failure: { error: errorOf(event), step: params.step },
      }),
    }),
    // ASL Catch into `$.compensationErrors.<step>`: the chain goes on.
    recordCompensationError: assign({
      state: ({ context, event }, params: { step: StepName }) => {
        const document = asDocument(context.state);
        const previous = isRecord(document.compensationErrors) ? document.compensationErrors : {};
        return { ...document, compensationErrors: { ...previous, [params.step]: errorOf(event) } };
      },
    }),
  },
});

/** The initial context of machine `machine`. */
export const initialContext =
  (machine: MachineId) =>
  ({ input }: { input: SagaInput }): SagaContext => ({
    machine,
    execution: input.execution,
    state: input.input,
  });
