/**
 * The saga steps that create and remove a tier's resources, derived from the resource kinds
 * (src/domain/resource-kinds.ts) and the test catalogue, so that tests follow the registry instead of
 * copying its order.
 */
import { placementOf } from '../../src/domain/catalogue.ts';
import { kindsToCreate, RESOURCE_KIND_SPECS } from '../../src/domain/resource-kinds.ts';
import type { StepName } from '../../src/domain/saga.ts';
import { testConfig } from './fake-ports.ts';

const placementOfTier = (tier: string) => placementOf(testConfig().catalogue, tier, '/health');

/** The steps creating what a tenant of `tier` owns, in creation order (none for a pooled tier). */
export const createStepsOf = (tier: string): StepName[] =>
  kindsToCreate(placementOfTier(tier)).map((kind) => RESOURCE_KIND_SPECS[kind].createStep);

/** The steps removing what a tenant of `tier` owns, in removal order (none for a pooled tier). */
export const removeStepsOf = (tier: string): StepName[] =>
  kindsToCreate(placementOfTier(tier))
    .reverse()
    .map((kind) => RESOURCE_KIND_SPECS[kind].removeStep);
