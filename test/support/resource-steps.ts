/**
 * The saga steps that create and remove a tier's resources, derived from the resource kinds
 * (src/domain/resource-kinds.ts) and the test catalogue, so that tests follow the registry instead of
 * copying its order.
 */
import { placementOf } from '../../src/domain/catalogue.ts';
import {
  CREATION_ORDER,
  hasCapability,
  kindsToCreate,
  RESOURCE_KIND_SPECS,
} from '../../src/domain/resource-kinds.ts';
import type { StepName } from '../../src/domain/saga.ts';
import { SCENARIO_CATALOGUE } from './catalogues.ts';

// The scenarios' catalogue: the bundled tiers and `app` (a superset: every bundled tier as it is).
const placementOfTier = (tier: string) => placementOf(SCENARIO_CATALOGUE, tier, '/health');

/** The steps creating what a tenant of `tier` owns, in creation order (none for a pooled tier). */
export const createStepsOf = (tier: string): StepName[] =>
  kindsToCreate(placementOfTier(tier)).map((kind) => RESOURCE_KIND_SPECS[kind].createStep);

/** The steps removing what a tenant of `tier` owns, in removal order (none for a pooled tier). */
export const removeStepsOf = (tier: string): StepName[] =>
  kindsToCreate(placementOfTier(tier))
    .reverse()
    .map((kind) => RESOURCE_KIND_SPECS[kind].removeStep);

/**
 * Every kind's creation step, in creation order: the chain the models run for a placement that
 * enters it at its first kind (a step with nothing to make for the placement returns at once).
 */
export const CREATION_CHAIN: StepName[] = CREATION_ORDER.map((kind) => RESOURCE_KIND_SPECS[kind].createStep);

/** Every kind's removal step, in removal order: the models' compensation and removal chains. */
export const REMOVAL_CHAIN: StepName[] = [...CREATION_ORDER]
  .reverse()
  .map((kind) => RESOURCE_KIND_SPECS[kind].removeStep);

/**
 * The creation steps a tenant of `tier` runs: the chain from the first kind whose capability its
 * placement has (the models' place choice tests capabilities; a kind the placement does not own
 * within them returns at once), none for a placement that owns nothing.
 */
export const chainStepsOf = (tier: string): StepName[] => {
  const placement = placementOfTier(tier);
  if (kindsToCreate(placement).length === 0) return [];
  const first = CREATION_ORDER.findIndex((kind) => hasCapability(placement, RESOURCE_KIND_SPECS[kind].needs));
  return CREATION_CHAIN.slice(first);
};
