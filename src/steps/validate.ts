import { parseLifecycleInput } from '../../events/index.ts';
import { ownsUserPool, placementOf } from '../domain/catalogue.ts';
import { operationsOf } from '../domain/saga.ts';
import type { SagaState } from '../domain/saga-state.ts';
import { adminEmail } from './identity.ts';
import type { StepContext, StepDeps } from './types.ts';

/**
 * ValidateRequest: the raw execution input (an SBT event, a request typed in the console, or a
 * restarted saga's state) becomes a fresh saga state; anything unusable raises its ValidationError.
 * An onboarding's placement is resolved here, once, from the tier catalogue.
 */
export const validateRequest = async (raw: unknown, deps: StepDeps, ctx: StepContext): Promise<SagaState> => {
  const result = parseLifecycleInput(raw, {
    contract: deps.config.contract,
    catalogue: deps.config.catalogue,
    accepts: operationsOf(ctx.machine),
  });
  if (!result.ok) throw result.error;
  const { request } = result;
  const state: SagaState = { request, execution: ctx.execution, resources: {} };
  if (request.operation !== 'onboard') return state;
  const tier = request.tier ?? deps.config.catalogue.defaultTier;
  const placement = placementOf(deps.config.catalogue, tier, deps.config.health.path);
  // A tenant with a pool of its own needs its admin user's address: refused before anything is made.
  if (ownsUserPool(placement)) adminEmail({ request, placement });
  return { ...state, placement };
};
