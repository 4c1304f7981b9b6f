import { z } from 'zod';

/**
 * Identifiers that may end up in resource names, execution names and DynamoDB keys: rejected
 * outright when they do not fit, never rewritten. UUIDs fit.
 */
export const SAFE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** The resources of a tenant (see `TenantResources`), as read back from a saga state or the tenant map. */
export const tenantResourcesSchema = z.object({
  clusterName: z.string().optional(),
  clusterArn: z.string().optional(),
  taskDefinitionFamily: z.string().optional(),
  taskDefinitionArn: z.string().optional(),
  targetGroupName: z.string().optional(),
  targetGroupArn: z.string().optional(),
  listenerRuleArn: z.string().optional(),
  listenerRulePriority: z.number().int().optional(),
  serviceName: z.string().optional(),
  serviceArn: z.string().optional(),
});
