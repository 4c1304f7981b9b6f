import type { TenantFlowConfig } from '../config.ts';
import {
  hasDedicatedCluster,
  type OwnServicePlacement,
  ownsService,
  type Placement,
} from '../domain/catalogue.ts';
import { FatalError, OwnershipError } from '../domain/errors.ts';
import { ownerOf, ownership, type ResourceNames, resourceNames, type Tag } from '../domain/naming.ts';
import type { SagaState } from '../domain/saga-state.ts';
import type { SharedInfrastructure } from '../ports/shared-infrastructure.ts';

/** The tenant's deterministic resource names under the configured prefix, for `placement`'s generation. */
export const namesFor = (
  config: TenantFlowConfig,
  tenantId: string,
  placement: Pick<Placement, 'generation'> | undefined,
): ResourceNames => resourceNames(tenantId, config.resourcePrefix, placement?.generation ?? 0);

/** The cluster a tenant's own service runs in: its dedicated cluster or the shared one. */
export const serviceCluster = (
  placement: Placement,
  names: ResourceNames,
  infra: Pick<SharedInfrastructure, 'clusterName'>,
): string => (hasDedicatedCluster(placement) ? names.clusterName : infra.clusterName);

/** The placement of the saga: every step past ValidateRequest/LockTenant has one. */
export const placementIn = (state: SagaState): Placement => {
  if (!state.placement) throw new FatalError('state.placement is missing from the saga state');
  return state.placement;
};

/** The placement of a step that only makes sense for a tenant with its own service. */
export const ownServicePlacement = (state: SagaState, step: string): OwnServicePlacement => {
  const placement = placementIn(state);
  if (!ownsService(placement)) {
    throw new FatalError(`${step}: tier ${placement.tier} has no service of its own (pooled placement)`);
  }
  return placement;
};

/** The distinct, defined values, first occurrence first. */
export const distinct = (values: ReadonlyArray<string | undefined>): string[] => [
  ...new Set(values.filter((value): value is string => value !== undefined && value !== '')),
];

/** Throws `FatalError` when an earlier step should have recorded `value` and did not. */
export const required = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new FatalError(`${what} is missing from the saga state`);
  return value;
};

/**
 * Refuses to adopt a resource of the tenant's name that its tags do not give to the tenant: another
 * tenant's (or something tenantflow did not make) is never taken over.
 */
export const ensureOurs = (tags: readonly Tag[], tenantId: string, what: string): void => {
  if (ownership(tags, tenantId) === 'ours') return;
  throw new OwnershipError(
    `${what} already exists and belongs to ${ownerOf(tags)}, not to tenant ${tenantId}: it is left untouched`,
  );
};

/** The history note of a deletion that left resources alone because they are not the tenant's. */
export const notOurs = (skipped: readonly string[], kind: string): string | undefined =>
  skipped.length === 0 ? undefined : `left alone, not tagged as this tenant's: ${kind} ${skipped.join(', ')}`;
