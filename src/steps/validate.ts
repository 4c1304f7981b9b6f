import { parseLifecycleInput } from '../../events/index.ts';
import type { Operation } from '../domain/request.ts';
import type { SagaState } from '../domain/resources.ts';
import type { MachineId } from '../saga-contract.ts';
import type { StepContext, StepDeps } from './types.ts';

/** The operations each state machine carries out. */
export const ACCEPTED_OPERATIONS: Readonly<Record<MachineId, readonly Operation[]>> = {
  onboarding: ['onboard'],
  offboarding: ['offboard'],
  activation: ['activate', 'deactivate'],
} as const;

/**
 * ValidateRequest: the raw execution input (an SBT event, a request typed in the console, or a
 * restarted saga's state) becomes a fresh saga state; anything unusable raises its ValidationError.
 */
export const validateRequest = async (raw: unknown, deps: StepDeps, ctx: StepContext): Promise<SagaState> => {
  const result = parseLifecycleInput(raw, {
    contract: deps.config.contract,
    defaultTier: deps.config.defaultTier,
    accepts: ACCEPTED_OPERATIONS[ctx.machine],
  });
  if (!result.ok) throw result.error;
  return { request: result.request, execution: ctx.execution, resources: {} };
};
