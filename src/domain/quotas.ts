/**
 * The AWS quotas a tenant's placement uses, listed once (values from ../shared/aws-limits.md): the
 * admission check before an onboarding creates anything, and the simulated cloud's enforcement,
 * both read them here.
 */
import type { Placement } from './catalogue.ts';
import { QUOTA_NAMES, QUOTAS, type QuotaName } from './quota-names.ts';
import { kindsToCreate, RESOURCE_KIND_SPECS } from './resource-kinds.ts';

export { QUOTA_NAMES, QUOTAS, type QuotaName } from './quota-names.ts';

/**
 * What is in use now, per quota, where the tenant would go: rules of the shared listener other than
 * its default one and the distinct groups they forward to (neither counting the tenant's own), active
 * services in the shared cluster, active clusters in the account.
 */
export type QuotaUsage = Record<QuotaName, number>;

/** How much of each quota one tenant of `placement` takes: the sum over the kinds it owns. */
export const quotaNeeds = (placement: Placement | undefined): Record<QuotaName, number> => {
  const needs = Object.fromEntries(QUOTA_NAMES.map((quota) => [quota, 0])) as Record<QuotaName, number>;
  if (!placement) return needs;
  for (const kind of kindsToCreate(placement)) {
    const taken: Partial<Record<QuotaName, number>> = RESOURCE_KIND_SPECS[kind].quotas(placement);
    for (const quota of QUOTA_NAMES) needs[quota] += taken[quota] ?? 0;
  }
  return needs;
};

/**
 * The quotas a tenant of `placement` would exceed, as one reason each naming the quota, what is in
 * use and what the tenant needs (empty: it fits). Pure: usage is measured by the caller.
 */
export const quotaRefusals = (placement: Placement | undefined, usage: QuotaUsage): string[] =>
  refusalsFor(quotaNeeds(placement), usage);

/** The quotas `needs` would exceed at `usage`, one reason each (empty: it fits). Pure. */
export const refusalsFor = (needs: Record<QuotaName, number>, usage: QuotaUsage): string[] =>
  QUOTA_NAMES.flatMap((quota) => {
    const need = needs[quota];
    const { limit, name } = QUOTAS[quota];
    if (need === 0 || usage[quota] + need <= limit) return [];
    return [`${name}: ${usage[quota]} of ${limit} in use, this tenant needs ${need} more`];
  });
