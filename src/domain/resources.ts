/**
 * The AWS resources a tenant can own, listed once, in the order they are removed (the reverse of the
 * order onboarding creates them). Each kind records what identifies it on its own, so a record can be
 * cleaned up from what it names whatever placement it was made for. The `TenantResources` type, its
 * schema, what a failure reports as left behind and what a deletion leaves all derive from this list.
 */
import { z } from 'zod';

export const RESOURCE_SCHEMAS = {
  /** The tenant's own ECS service, in the shared cluster or its dedicated one. */
  service: z.object({ cluster: z.string().min(1), name: z.string().min(1), arn: z.string().min(1) }),
  /** The listener rule forwarding the tenant's header to its target group. */
  listenerRule: z.object({
    listenerArn: z.string().min(1),
    arn: z.string().min(1),
    priority: z.number().int(),
  }),
  targetGroup: z.object({ name: z.string().min(1), arn: z.string().min(1) }),
  /** The family; `arn` is the revision the service runs. */
  taskDefinition: z.object({ family: z.string().min(1), arn: z.string().min(1) }),
  /** A dedicated cluster (never the shared one). */
  cluster: z.object({ name: z.string().min(1), arn: z.string().min(1) }),
} as const;

export type ResourceKind = keyof typeof RESOURCE_SCHEMAS;

/** Every kind, in removal order. */
export const RESOURCE_KINDS = Object.keys(RESOURCE_SCHEMAS) as readonly ResourceKind[];

/** What the saga state and the tenant map record of a tenant's resources. */
export type TenantResources = { [K in ResourceKind]?: z.infer<(typeof RESOURCE_SCHEMAS)[K]> };

/** Parses `TenantResources` (every kind optional). */
export const tenantResourcesSchema = z
  .object(RESOURCE_SCHEMAS)
  .partial() satisfies z.ZodType<TenantResources>;

/** A copy of `resources` without `kind`: what a deletion leaves. */
export const withoutResource = (resources: TenantResources, kind: ResourceKind): TenantResources => {
  const next = { ...resources };
  delete next[kind];
  return next;
};

/** The identity of each resource still named (its ARN), in removal order. */
export const resourceArns = (resources: TenantResources): string[] =>
  RESOURCE_KINDS.flatMap((kind) => {
    const resource = resources[kind];
    return resource ? [resource.arn] : [];
  });

/** True when no resource is named. */
export const hasNoResources = (resources: TenantResources): boolean => resourceArns(resources).length === 0;
