/** The saga models (pure xstate machines), their vocabulary and the ASL compiler. */
import type { MachineId } from '../src/domain/saga.ts';
import { activationMachine } from './activation.ts';
import { migrationMachine } from './migration.ts';
import { offboardingMachine } from './offboarding.ts';
import { onboardingMachine } from './onboarding.ts';
import { rolloutMachine } from './rollout.ts';
import { shardMachine } from './shard.ts';
import { updateMachine } from './update.ts';

export { activationMachine } from './activation.ts';
export { toCaughtError } from './caught-error.ts';
export {
  compileMachine,
  MACHINE_TIMEOUT_SECONDS,
  STEP_FUNCTION_ARN_PLACEHOLDER,
  TASK_TIMEOUT_SECONDS,
} from './compile.ts';
export { DELAY_SECONDS, type DelayName, GUARD_CONDITIONS, type GuardName } from './guards.ts';
export { migrationMachine } from './migration.ts';
export { offboardingMachine } from './offboarding.ts';
export { onboardingMachine } from './onboarding.ts';
export { RETRY_POLICY, type Retrier, retrierFor } from './retry.ts';
export { rolloutMachine } from './rollout.ts';
export { FINAL_STATES, type SagaContext, type SagaInput, sagaSetup, stepRecord } from './setup.ts';
export { shardMachine } from './shard.ts';
export { updateMachine } from './update.ts';

/** The model of each state machine. */
export const MACHINES = {
  onboarding: onboardingMachine,
  offboarding: offboardingMachine,
  activation: activationMachine,
  migration: migrationMachine,
  update: updateMachine,
  rollout: rolloutMachine,
  shard: shardMachine,
} as const satisfies Record<MachineId, unknown>;

/** The machine type shared by the models (they come from one `setup`). */
export type SagaMachine = (typeof MACHINES)[MachineId];
