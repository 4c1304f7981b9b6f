import { TAG_KEYS } from '../../domain/naming.ts';
import type { SimTag } from './base-state.ts';

/** One resource of the simulated cloud, as the CLI and the leak checks list it. */
export interface InventoryItem {
  service: string;
  type: string;
  id: string;
  arn: string;
  tenantId?: string;
  /** The tenant's tier tag, or `shared` for the seeded infrastructure. */
  tier?: string;
  status: string;
}

/** Whose a resource is, from its tags: a tenant's (and its tier), or the shared infrastructure's. */
export const owner = (tags: readonly SimTag[], shared: boolean): Pick<InventoryItem, 'tenantId' | 'tier'> => {
  if (shared) return { tier: 'shared' };
  const tenantId = tags.find((t) => t.key === TAG_KEYS.tenantId)?.value;
  const tier = tags.find((t) => t.key === TAG_KEYS.tier)?.value;
  return { ...(tenantId ? { tenantId } : {}), ...(tier ? { tier } : {}) };
};

/**
 * A resource a service holds, as the inventory lists it, with its tags and the Tagging API's name
 * for its type when GetResources can find it.
 */
export interface SimResource extends InventoryItem {
  tags: readonly SimTag[];
  /** `service:type` as GetResources filters by (`ecs:cluster`); absent: the Tagging API does not list it. */
  taggingType?: string;
  /**
   * Gone, but the tag index goes on listing it for a while, as AWS's does (INACTIVE ECS clusters and
   * services): left out of the inventory, still found by GetResources.
   */
  deleted?: boolean;
}
