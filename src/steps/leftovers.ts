import { hasNoResources } from '../domain/resources.ts';
import type { SagaState } from '../domain/saga-state.ts';
import { REMOVALS } from './resource-operations.ts';
import type { Step } from './types.ts';

/**
 * RemoveLeftovers: before an onboarding places the tenant anew (a retry as another tier), whatever a
 * failed earlier placement left on the record goes, by the same deletions offboarding runs (every kind's, in removal order), each one
 * recording what is left. Nothing to remove (the usual case) costs nothing.
 */
export const removeLeftovers: Step = async (state, deps, ctx) => {
  const { leftovers, ...rest } = state;
  if (!leftovers) return state;
  let old: SagaState = {
    ...rest,
    resources: leftovers.resources,
    ...(leftovers.placement ? { placement: leftovers.placement } : {}),
  };
  if (!leftovers.placement) delete old.placement;
  for (const remove of REMOVALS) {
    if (hasNoResources(old.resources) && !old.placement) break;
    old = await remove(old, deps, ctx);
  }
  return { ...rest, resources: old.resources };
};
