import { hasNoResources } from '../domain/resources.ts';
import type { SagaState } from '../domain/saga-state.ts';
import { deleteCluster } from './cluster.ts';
import { deleteListenerRule } from './listener-rule.ts';
import { deleteService } from './service.ts';
import { deleteTargetGroup } from './target-group.ts';
import { deregisterTaskDefinition } from './task-definition.ts';
import type { Step } from './types.ts';

/** The deletions of a placement's resources, in the order offboarding runs them. */
const REMOVALS: readonly Step[] = [
  deleteService,
  deleteListenerRule,
  deleteTargetGroup,
  deregisterTaskDefinition,
  deleteCluster,
];

/**
 * RemoveLeftovers: before an onboarding places the tenant anew (a retry as another tier), whatever a
 * failed earlier placement left on the record goes, by the same deletions offboarding runs, each one
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
