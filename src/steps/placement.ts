import type { TenantFlowConfig, TierProfile } from '../config.ts';
import { FatalError } from '../domain/errors.ts';
import { type ResourceNames, resourceNames } from '../domain/naming.ts';
import type { TenantResources } from '../domain/resources.ts';
import { type Tier, tierOwnsCluster } from '../domain/tier.ts';
import type { SharedInfrastructure } from '../ports/shared-infrastructure.ts';

/** The tenant's deterministic resource names under the configured prefix. */
export const namesFor = (config: TenantFlowConfig, tenantId: string): ResourceNames =>
  resourceNames(tenantId, config.resourcePrefix);

/** Sizing of a tier that owns a service; basic tenants share the pooled service and have none. */
export const tierProfile = (config: TenantFlowConfig, tier: Tier): TierProfile => {
  if (tier === 'basic') throw new FatalError('tier basic has no service of its own');
  return config.tiers[tier];
};

/** The cluster a tenant's own service runs in: its dedicated cluster (premium) or the shared one. */
export const serviceCluster = (tier: Tier, names: ResourceNames, infra: SharedInfrastructure): string =>
  tierOwnsCluster(tier) ? names.clusterName : infra.clusterName;

/** A copy of `resources` without `keys`: what a compensation leaves once it removed them. */
export const withoutResources = (
  resources: TenantResources,
  keys: ReadonlyArray<keyof TenantResources>,
): TenantResources => {
  const next = { ...resources };
  for (const key of keys) delete next[key];
  return next;
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
