/** The saga steps: one function per Step Functions Task, run by the step dispatcher and the xstate engine. */
import { FatalError } from '../domain/errors.ts';
import {
  isMachineId,
  isRolloutStepName,
  isShardStepName,
  isStepName,
  ROLLOUT_MACHINE,
  type SagaStepName,
  SHARD_MACHINE,
  type StepPayload,
} from '../domain/saga.ts';
import { admitTenant } from './admission.ts';
import { confirmCommitted } from './commit.ts';
import { waitForHealthy } from './health.ts';
import { inviteAdmin } from './identity.ts';
import { removeLeftovers } from './leftovers.ts';
import {
  attachTargetGroup,
  commitMigration,
  finishMigration,
  planMigration,
  removeMigrationSource,
  restoreTenant,
  switchBack,
  switchRouting,
  undoMigrationTarget,
} from './migration.ts';
import { notifyFailure, notifySuccess, notifyUnvalidatedFailure } from './notify.ts';
import { RESOURCE_STEPS } from './resource-operations.ts';
import { dispatchRolloutStep } from './rollout.ts';
import { scaleService } from './service.ts';
import { dispatchShardStep } from './shard.ts';
import { sagaStateSchema, unvalidatedStateSchema } from './state-schema.ts';
import { lockTenant, reserveTenant } from './tenant-lock.ts';
import { activateTenant, markFailed, removeTenant, setActivation } from './tenant-release.ts';
import type { Step, StepDeps } from './types.ts';
import {
  abandonUpdate,
  commitRelease,
  deployRelease,
  deregisterRelease,
  planUpdate,
  registerRelease,
  retireRevisions,
  rollBackRelease,
  waitForDeployment,
} from './update.ts';
import { validateRequest } from './validate.ts';

export type { UnvalidatedState } from './notify.ts';
export type { Step, StepContext, StepDeps } from './types.ts';

/**
 * Every saga step's function, by the names of the saga vocabulary (`SAGA_STEP_NAMES`; each resource
 * kind's two from its operations, src/steps/resource-operations.ts; the rollout's
 * are in rollout.ts, the shard machine's in shard.ts). `ValidateRequest` is
 * handed the raw execution input instead of a saga state.
 */
export const STEPS: Readonly<Record<SagaStepName, Step>> = {
  ValidateRequest: validateRequest,
  ReserveTenant: reserveTenant,
  RemoveLeftovers: removeLeftovers,
  AdmitTenant: admitTenant,
  WaitForHealthy: waitForHealthy,
  InviteAdmin: inviteAdmin,
  ActivateTenant: activateTenant,
  MarkFailed: markFailed,
  LockTenant: lockTenant,
  RemoveTenant: removeTenant,
  ScaleService: scaleService,
  SetActivation: setActivation,
  ConfirmCommitted: confirmCommitted,
  PlanMigration: planMigration,
  AttachTargetGroup: attachTargetGroup,
  SwitchRouting: switchRouting,
  CommitMigration: commitMigration,
  RemoveMigrationSource: removeMigrationSource,
  FinishMigration: finishMigration,
  SwitchBack: switchBack,
  UndoMigrationTarget: undoMigrationTarget,
  RestoreTenant: restoreTenant,
  PlanUpdate: planUpdate,
  RegisterRelease: registerRelease,
  DeployRelease: deployRelease,
  WaitForDeployment: waitForDeployment,
  CommitRelease: commitRelease,
  RetireRevisions: retireRevisions,
  RollBackRelease: rollBackRelease,
  DeregisterRelease: deregisterRelease,
  AbandonUpdate: abandonUpdate,
  NotifySuccess: notifySuccess,
  NotifyFailure: notifyFailure,
  ...RESOURCE_STEPS,
};

/**
 * Runs `payload.step` on `payload.state`. Errors propagate as raised (the adapters already turned
 * AWS errors into ours, whose names the ASL's Retry/Catch match); an unknown step or machine, or a
 * state that is not a saga state, is a FatalError. When ValidateRequest itself failed, the failure
 * path gets the raw input back: MarkFailed leaves it alone (no lock of ours to mark) and
 * NotifyFailure reports to whatever registration the input names.
 */
export async function dispatchStep(payload: StepPayload, deps: StepDeps): Promise<unknown> {
  const step: string = payload.step;
  const machine: string = payload.machine;
  if (!isStepName(step)) throw new FatalError(`unknown step ${JSON.stringify(step)}`);
  if (!isMachineId(machine)) throw new FatalError(`unknown state machine ${JSON.stringify(machine)}`);
  if (typeof payload.execution !== 'string' || payload.execution === '') {
    throw new FatalError('the step payload names no execution');
  }
  const ctx = { machine, execution: payload.execution };
  if (
    (machine === ROLLOUT_MACHINE) !== isRolloutStepName(step) ||
    (machine === SHARD_MACHINE) !== isShardStepName(step)
  )
    throw new FatalError(`step ${step} is not a step of the ${machine} machine`);
  if (isRolloutStepName(step)) return dispatchRolloutStep(step, payload.state, deps, ctx);
  if (isShardStepName(step)) return dispatchShardStep(step, payload.state, deps, ctx);
  if (step === 'ValidateRequest') return validateRequest(payload.state, deps, ctx);
  const parsed = sagaStateSchema.safeParse(payload.state);
  if (parsed.success) return STEPS[step](parsed.data, deps, ctx);
  if (step === 'NotifyFailure' || step === 'MarkFailed') {
    const unvalidated = unvalidatedStateSchema.safeParse(payload.state);
    const state = unvalidated.success ? unvalidated.data : {};
    return step === 'NotifyFailure' ? notifyUnvalidatedFailure(state, deps, ctx) : state;
  }
  const issue = parsed.error.issues[0];
  const field = ['state', ...(issue?.path.map(String) ?? [])].join('.');
  throw new FatalError(`${field}: ${issue?.message ?? 'is not a saga state'}`);
}
