/**
 * What the tenant record stores of each resource kind (one schema per kind of
 * `RESOURCE_KIND_SPECS`, src/domain/resource-kinds.ts, whose descriptors say everything else about
 * the kinds), and the `TenantResources` a saga state and a record carry. What a failure reports as
 * left behind and what a deletion leaves derive from these.
 */
import { z } from 'zod';
import { RESOURCE_KINDS, type ResourceKind } from './resource-kinds.ts';

export * from './resource-kinds.ts';

/** Each kind's schema (`arn` is the resource's identity). */
export const RESOURCE_SCHEMAS = {
  /** The pool (`arn` its ARN, `userPoolId` what Cognito's calls take), and what was made in it so far. */
  identity: z.object({
    name: z.string().min(1),
    userPoolId: z.string().min(1),
    arn: z.string().min(1),
    appClientId: z.string().min(1).optional(),
    /** Its hosted-UI prefix domain, once made. */
    domain: z.string().min(1).optional(),
    /** The group named after the tenant id, once made. */
    group: z.string().min(1).optional(),
    /** The admin user's address (the onboarding's `email`), as `status` shows it. */
    adminEmail: z.string().min(1).optional(),
    /** The admin user's name in the pool, once made and in the group. */
    adminUser: z.string().min(1).optional(),
    /**
     * When its invitation was mailed (InviteAdmin, once the tenant serves healthy). Absent: not yet,
     * or (a pool made before the admin was invited last) by Cognito when the user was made.
     */
    invitedAt: z.string().min(1).optional(),
  }),
  service: z.object({ cluster: z.string().min(1), name: z.string().min(1), arn: z.string().min(1) }),
  listenerRule: z.object({
    listenerArn: z.string().min(1),
    arn: z.string().min(1),
    priority: z.number().int(),
  }),
  targetGroup: z.object({ name: z.string().min(1), arn: z.string().min(1) }),
  taskDefinition: z.object({ family: z.string().min(1), arn: z.string().min(1) }),
  cluster: z.object({ name: z.string().min(1), arn: z.string().min(1) }),
  /**
   * Each of the tenant's tables made so far, by its name in the placement; and the on-demand backups
   * made of them before they were deleted (kept after the tenant is gone, see `keptAfterRemoval`).
   */
  tables: z.object({
    tables: z.record(
      z.string().min(1),
      z.object({
        name: z.string().min(1),
        arn: z.string().min(1),
        /** Point-in-time recovery turned on. */
        pointInTimeRecovery: z.boolean(),
      }),
    ),
    backups: z
      .array(z.object({ table: z.string().min(1), arn: z.string().min(1), at: z.string().min(1) }))
      .optional(),
  }),
  /** Each companion made so far, by its name in the placement. */
  companions: z.object({
    services: z.record(
      z.string().min(1),
      z.object({
        cluster: z.string().min(1),
        name: z.string().min(1),
        arn: z.string().min(1),
        family: z.string().min(1),
        taskDefinitionArn: z.string().min(1),
      }),
    ),
  }),
} as const satisfies { [K in ResourceKind]: z.ZodObject };

/** What the record stores of one kind. */
export type ResourceOf<K extends ResourceKind> = z.infer<(typeof RESOURCE_SCHEMAS)[K]>;

/** What the saga state and the tenant map record of a tenant's resources. */
export type TenantResources = { [K in ResourceKind]?: ResourceOf<K> };

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

/** The ARNs of the AWS resources one record entry of `kind` names (a companion: service and revision). */
export const arnsOf = (kind: ResourceKind, resource: ResourceOf<ResourceKind>): string[] => {
  // A table's backups are not the tenant's live resources: they stay when the tables go.
  if ('tables' in resource) return Object.values(resource.tables).map((table) => table.arn);
  if ('services' in resource)
    return Object.values(resource.services).flatMap((companion) => [
      companion.arn,
      companion.taskDefinitionArn,
    ]);
  return kind === 'companions' ? [] : [resource.arn];
};

/** The identity of each resource still named (its ARN), in removal order. */
export const resourceArns = (resources: TenantResources): string[] =>
  RESOURCE_KINDS.flatMap((kind) => {
    const resource = resources[kind];
    return resource ? arnsOf(kind, resource) : [];
  });

/** True when no resource is named. */
export const hasNoResources = (resources: TenantResources): boolean => resourceArns(resources).length === 0;

/**
 * What a tenant's record keeps of its resources once they are all removed: the backups of its
 * tables (an offboarding's last copy of its data), nothing else.
 */
export const keptAfterRemoval = (resources: TenantResources): TenantResources => {
  const backups = resources.tables?.backups ?? [];
  return backups.length > 0 ? { tables: { tables: {}, backups } } : {};
};

/**
 * `resources` with every table backup `stored` names that it does not: the backups a record names
 * are only ever added to (a failed step's input, which a failure path writes back, may predate one).
 */
export const withStoredBackups = (resources: TenantResources, stored: TenantResources): TenantResources => {
  const known = new Set((resources.tables?.backups ?? []).map((backup) => backup.arn));
  const missed = (stored.tables?.backups ?? []).filter((backup) => !known.has(backup.arn));
  if (missed.length === 0) return resources;
  const tables = resources.tables ?? { tables: {} };
  return { ...resources, tables: { ...tables, backups: [...(tables.backups ?? []), ...missed] } };
};
