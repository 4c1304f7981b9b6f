import { assign, fromPromise, setup } from 'xstate';
import type { CaughtError } from '../src/domain/resources.ts';
import type { MachineId, StepName, StepPayload } from '../src/saga-contract.ts';
import { toCaughtError } from './caught-error.ts';
import { conditionHolds, DELAY_SECONDS, GUARD_CONDITIONS } from './guards.ts';

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

/** Builds one value per step name; the explicit list lets the type checker prove it is complete. */
export const stepRecord = <T>(make: (step: StepName) => T): Record<StepName, T> => ({
  ValidateRequest: make('ValidateRequest'),
  ReserveTenant: make('ReserveTenant'),
  CreateCluster: make('CreateCluster'),
  RegisterTaskDefinition: make('RegisterTaskDefinition'),
  CreateTargetGroup: make('CreateTargetGroup'),
  CreateListenerRule: make('CreateListenerRule'),
  CreateService: make('CreateService'),
  WaitForHealthy: make('WaitForHealthy'),
  ActivateTenant: make('ActivateTenant'),
  DeleteService: make('DeleteService'),
  DeleteListenerRule: make('DeleteListenerRule'),
  DeleteTargetGroup: make('DeleteTargetGroup'),
  DeregisterTaskDefinition: make('DeregisterTaskDefinition'),
  DeleteCluster: make('DeleteCluster'),
  MarkFailed: make('MarkFailed'),
  LockTenant: make('LockTenant'),
  RemoveTenant: make('RemoveTenant'),
  ScaleService: make('ScaleService'),
  SetActivation: make('SetActivation'),
  NotifySuccess: make('NotifySuccess'),
  NotifyFailure: make('NotifyFailure'),
});

/** A placeholder step actor: the engine supplies real ones with `.provide()`. */
const notProvided = (step: StepName) =>
  fromPromise<unknown, StepPayload>(async () => {
    throw new Error(`step actor ${step} not provided`);
  });

const errorOf = (event: { [key: string]: unknown }): CaughtError => toCaughtError(event.error);

/** The shared vocabulary of the three sagas: step actors, guards, delays and the state-recording actions. */
export const sagaSetup = setup({
  types: {} as { context: SagaContext; input: SagaInput },
  actors: stepRecord(notProvided),
  guards: {
    isPremium: ({ context }) => conditionHolds(GUARD_CONDITIONS.isPremium, context.state),
    isAdvanced: ({ context }) => conditionHolds(GUARD_CONDITIONS.isAdvanced, context.state),
    isBasic: ({ context }) => conditionHolds(GUARD_CONDITIONS.isBasic, context.state),
    isHealthy: ({ context }) => conditionHolds(GUARD_CONDITIONS.isHealthy, context.state),
  },
  delays: { healthPoll: DELAY_SECONDS.healthPoll * 1000 },
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
