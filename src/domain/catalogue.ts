/**
 * The tier catalogue: each tier a SaaS provider sells, with its aliases, resolved into a *placement*
 * (where and how the tenant runs). Onboarding resolves the placement once and the record keeps it;
 * every later operation reads it from the record. Guards and steps test a placement's capabilities
 * (owns a service, has a dedicated cluster), never a tier's name, so a new tier is a catalogue row.
 * Pure: parsing and resolving only; `src/config.ts` reads the file and the environment.
 */
import { z } from 'zod';
import { ValidationError } from './errors.ts';
import { ownRecord } from './own-record.ts';

/** One item of an ECS capacity-provider strategy. */
export interface CapacityProviderItem {
  capacityProvider: string;
  base: number;
  weight: number;
}

const capacityItemSchema = z.strictObject({
  capacityProvider: z.enum(['FARGATE', 'FARGATE_SPOT']),
  base: z.number().int().min(0).max(100_000).default(0),
  weight: z.number().int().min(0).max(1000).default(0),
});

/** Fargate's task sizes: memory (MiB) allowed for each cpu (units), from the ECS developer guide. */
const FARGATE_MEMORY: Readonly<Record<string, { from: number; to: number; step: number }>> = {
  '256': { from: 512, to: 2048, step: 512 },
  '512': { from: 1024, to: 4096, step: 1024 },
  '1024': { from: 2048, to: 8192, step: 1024 },
  '2048': { from: 4096, to: 16384, step: 1024 },
  '4096': { from: 8192, to: 30720, step: 1024 },
  '8192': { from: 16384, to: 61440, step: 4096 },
  '16384': { from: 32768, to: 122880, step: 8192 },
};

/** True when Fargate runs a task of `cpu` units with `memory` MiB. */
export const isFargateSize = (cpu: string, memory: string): boolean => {
  const range = FARGATE_MEMORY[cpu];
  const mib = Number(memory);
  if (!range || !Number.isInteger(mib)) return false;
  // 256 cpu takes 512, 1024 and 2048 only.
  if (cpu === '256') return [512, 1024, 2048].includes(mib);
  return mib >= range.from && mib <= range.to && (mib - range.from) % range.step === 0;
};

/**
 * Which generation of the tenant's resources a placement uses: 0 for the first, one more per
 * migration, so the resources of the placement being left and the one being built never share a name.
 */
const generation = z.number().int().min(0).max(999).optional();

/** A companion's name: part of its ECS service's and task definition family's names. */
const COMPANION_NAME = /^[a-z][a-z0-9-]{0,19}$/;

/**
 * A service of the tenant's application besides the exposed one (which the tenant's target group and
 * listener rule serve): its own task definition and ECS service, not behind the load balancer.
 */
const companionSchema = z.strictObject({
  name: z.string().regex(COMPANION_NAME, 'companion names are 1-20 of a-z, 0-9, "-", starting with a letter'),
  /** The container image; the shared stack's tenant image when absent. */
  image: z.string().min(1).max(1024).optional(),
  containerPort: z.number().int().min(1).max(65535),
  cpu: z.string(),
  memory: z.string(),
  desiredCount: z.number().int().min(1).max(100),
  environment: ownRecord(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,99}$/), z.string().max(4096)).optional(),
});
export type Companion = z.infer<typeof companionSchema>;

/** At most this many companions per tier (each is a service in the cluster and a family). */
export const MAX_COMPANIONS = 9;

/** The companions of a tier: unique names, Fargate sizes. */
const companionsSchema = z
  .array(companionSchema)
  .max(MAX_COMPANIONS)
  .superRefine((companions, ctx) => {
    const seen = new Set<string>();
    for (const [index, companion] of companions.entries()) {
      if (seen.has(companion.name))
        ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `${companion.name} is named twice` });
      seen.add(companion.name);
      if (!isFargateSize(companion.cpu, companion.memory))
        ctx.addIssue({
          code: 'custom',
          path: [index, 'memory'],
          message: `${companion.memory} MiB is not a Fargate size for cpu ${companion.cpu} (see the ECS task size table)`,
        });
    }
  });

/** Most tables a tier gives each tenant. */
export const MAX_TABLES = 10;

/**
 * One of a tenant's own DynamoDB tables: its name in the application (the table's name is the
 * tenant's, see `tableName`), its string partition key and optional string sort key. Billing is on
 * demand and point-in-time recovery is on; offboarding backs the table up before deleting it.
 */
const tableSpecSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,31}$/, 'table names are 1-32 of a-z, 0-9, "-", starting with a letter'),
  partitionKey: z.string().min(1).max(255),
  sortKey: z.string().min(1).max(255).optional(),
});
export type TableSpecOfTier = z.infer<typeof tableSpecSchema>;

/** The tables of a tier: unique names, and a sort key that is not the partition key. */
const tablesSchema = z
  .array(tableSpecSchema)
  .max(MAX_TABLES)
  .superRefine((tables, ctx) => {
    const seen = new Set<string>();
    for (const [index, table] of tables.entries()) {
      if (seen.has(table.name))
        ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `${table.name} is named twice` });
      seen.add(table.name);
      if (table.sortKey === table.partitionKey)
        ctx.addIssue({
          code: 'custom',
          path: [index, 'sortKey'],
          message: 'must differ from the partition key',
        });
    }
  });

/**
 * Where a tenant's users sign in. `own-pool`: a Cognito user pool of the tenant's own, with an app
 * client, a group named after the tenant id and the onboarding event's `email` as its admin user.
 * Absent: tenantflow makes no identity for the tier's tenants.
 */
const identitySchema = z.enum(['own-pool']);
export type IdentityPlacement = z.infer<typeof identitySchema>;

/** One HTTP code or a range (`200`, `200-299`): the load balancer takes 200 to 499 for HTTP. */
const HTTP_CODES = /^\d{3}(?:-\d{3})?(?:,\d{3}(?:-\d{3})?)*$/;

/** Whether every code and range of a matcher lies within 200-499, each range low to high. */
const isAlbMatcher = (matcher: string): boolean =>
  HTTP_CODES.test(matcher) &&
  matcher.split(',').every((part) => {
    const [low, high = low] = part.split('-').map(Number) as [number, number?];
    return low >= 200 && high <= 499 && low <= high;
  });

/**
 * How the load balancer decides a tenant's target is healthy, how long a target it lets go of drains,
 * and how long ECS ignores failing checks of a task that just started. Ranges are the load balancer's
 * and ECS's own; the timeout must be shorter than the interval.
 */
const healthFields = {
  /** Seconds between two checks of a target. */
  intervalSeconds: z.number().int().min(5).max(300),
  /** Seconds without an answer that fail a check. */
  timeoutSeconds: z.number().int().min(2).max(120),
  /** Passing checks in a row before a target is healthy: with the interval, the floor of readiness. */
  healthyThreshold: z.number().int().min(2).max(10),
  /** Failing checks in a row before a target is unhealthy. */
  unhealthyThreshold: z.number().int().min(2).max(10),
  /** The HTTP codes of a passing check (`200`, `200-399`, `200,204`). */
  matcher: z
    .string()
    .max(100)
    .refine(isAlbMatcher, 'must be HTTP codes or ranges within 200-499, e.g. 200-399'),
  /** Seconds a target the load balancer lets go of keeps serving requests in flight. */
  deregistrationDelaySeconds: z.number().int().min(0).max(3600),
  /** Seconds ECS ignores failing health checks of a task that just started. */
  gracePeriodSeconds: z.number().int().min(0).max(2_147_483_647),
};

/** Why a timeout does not fit its interval (the load balancer refuses a group then), if it does not. */
const timeoutProblem = (health: { intervalSeconds?: number; timeoutSeconds?: number }): string | undefined =>
  health.intervalSeconds !== undefined &&
  health.timeoutSeconds !== undefined &&
  health.timeoutSeconds >= health.intervalSeconds
    ? `${health.timeoutSeconds} s is not shorter than the interval (${health.intervalSeconds} s)`
    : undefined;

const healthSchema = z.strictObject(healthFields).superRefine((health, ctx) => {
  const problem = timeoutProblem(health);
  if (problem) ctx.addIssue({ code: 'custom', path: ['timeoutSeconds'], message: problem });
});
export type HealthSettings = z.infer<typeof healthSchema>;

/**
 * The health settings of a tier that names none, tuned for readiness: a target healthy after two
 * checks five seconds apart (the load balancer's defaults take 30 s × 5), a 30 s drain (300 s).
 */
export const DEFAULT_HEALTH: HealthSettings = {
  intervalSeconds: 5,
  timeoutSeconds: 4,
  healthyThreshold: 2,
  unhealthyThreshold: 2,
  matcher: '200-399',
  deregistrationDelaySeconds: 30,
  gracePeriodSeconds: 60,
};

/**
 * The settings of a group made before tiers carried any (a record stored without `health`): the load
 * balancer's own defaults, which such a group was created with, and the grace ECS was given then.
 */
export const LEGACY_HEALTH: HealthSettings = {
  intervalSeconds: 30,
  timeoutSeconds: 5,
  healthyThreshold: 5,
  unhealthyThreshold: 2,
  matcher: '200-399',
  deregistrationDelaySeconds: 300,
  gracePeriodSeconds: 60,
};

/** A tenant sharing the pooled service of the shared cluster: nothing of its own but its record. */
const pooledPlacement = z.strictObject({
  tier: z.string().min(1),
  generation,
  cluster: z.literal('shared'),
  service: z.literal('pooled'),
});

/** A tenant with its own service, in the shared cluster or in a cluster of its own. */
const ownPlacement = z.strictObject({
  tier: z.string().min(1),
  generation,
  cluster: z.enum(['shared', 'dedicated']),
  service: z.literal('own'),
  cpu: z.string(),
  memory: z.string(),
  desiredCount: z.number().int().min(1).max(100),
  capacityProviderStrategy: z.array(capacityItemSchema).min(1).max(6),
  healthCheckPath: z.string().startsWith('/').max(1024),
  /** Health checks and draining (absent: a record from before tiers had them, see `healthOf`). */
  health: healthSchema.optional(),
  /** The application's other services (absent: a one-service tenant, as before companions existed). */
  companions: companionsSchema.optional(),
  /** Where its users sign in (absent: no identity of its own, as before tiers had one). */
  identity: identitySchema.optional(),
  /** Its own DynamoDB tables (absent: none, as before tiers had them). */
  tables: tablesSchema.optional(),
});

/** Where and how a tenant runs, as the record stores it. */
export const placementSchema = z.discriminatedUnion('service', [pooledPlacement, ownPlacement]);
export type Placement = z.infer<typeof placementSchema>;
export type OwnServicePlacement = z.infer<typeof ownPlacement>;

export {
  desiredCountOf,
  hasDedicatedCluster,
  ownsService,
  ownsTables,
  ownsUserPool,
} from './capabilities.ts';

const TIER_NAME = /^[a-z][a-z0-9_-]{0,31}$/;

const rowCommon = {
  description: z.string().max(500).optional(),
  /** Other names the tier goes by (compared case-insensitively, e.g. `standard` for advanced). */
  aliases: z.array(z.string().trim().min(1).max(64)).default([]),
  /**
   * A CloudWatch alarm (metric or composite) every rollout of the tier watches through its bakes,
   * unless the rollout request names its own.
   */
  rolloutAlarm: z
    .string()
    .regex(/^\S.{0,254}$/, 'must be the name of a CloudWatch alarm')
    .optional(),
};

const catalogueRowSchema = z.discriminatedUnion('service', [
  z.strictObject({
    ...rowCommon,
    cluster: z.literal('shared').default('shared'),
    service: z.literal('pooled'),
  }),
  z
    .strictObject({
      ...rowCommon,
      cluster: z.enum(['shared', 'dedicated']),
      service: z.literal('own'),
      cpu: z.string(),
      memory: z.string(),
      desiredCount: z.number().int().min(1).max(100),
      capacityProviderStrategy: z.array(capacityItemSchema).min(1).max(6),
      /** The target group's health check path; the configured default when absent. */
      healthCheckPath: z.string().startsWith('/').max(1024).optional(),
      /** Health checks and draining, each setting `DEFAULT_HEALTH`'s when absent. */
      health: z.strictObject(healthFields).partial().optional(),
      /** The application's services besides the exposed one the top-level sizes describe. */
      companions: companionsSchema.optional(),
      /** Where the tier's tenants sign in (absent: tenantflow makes no identity for them). */
      identity: identitySchema.optional(),
      /** The DynamoDB tables each tenant of the tier gets of its own (absent: none). */
      tables: tablesSchema.optional(),
    })
    .superRefine((row, ctx) => {
      const timeout = timeoutProblem({ ...DEFAULT_HEALTH, ...row.health });
      if (timeout) ctx.addIssue({ code: 'custom', path: ['health', 'timeoutSeconds'], message: timeout });
      if (!isFargateSize(row.cpu, row.memory)) {
        ctx.addIssue({
          code: 'custom',
          path: ['memory'],
          message: `${row.memory} MiB is not a Fargate size for cpu ${row.cpu} (see the ECS task size table)`,
        });
      }
      if (row.capacityProviderStrategy.filter((item) => item.base > 0).length > 1) {
        ctx.addIssue({
          code: 'custom',
          path: ['capacityProviderStrategy'],
          message: 'only one capacity provider may have a base',
        });
      }
      if (!row.capacityProviderStrategy.some((item) => item.weight > 0)) {
        ctx.addIssue({
          code: 'custom',
          path: ['capacityProviderStrategy'],
          message: 'at least one capacity provider needs a weight',
        });
      }
    }),
]);

const catalogueSchema = z
  .strictObject({
    $comment: z.string().optional(),
    /** The tier of an onboarding that names none. */
    defaultTier: z.string(),
    tiers: ownRecord(
      z.string().regex(TIER_NAME, 'tier names are 1-32 of a-z, 0-9, "-", "_"'),
      catalogueRowSchema,
    ),
  })
  .superRefine((catalogue, ctx) => {
    if (Object.keys(catalogue.tiers).length === 0) {
      ctx.addIssue({ code: 'custom', path: ['tiers'], message: 'the catalogue needs at least one tier' });
    }
    if (!Object.hasOwn(catalogue.tiers, catalogue.defaultTier)) {
      ctx.addIssue({ code: 'custom', path: ['defaultTier'], message: `no tier ${catalogue.defaultTier}` });
    }
    const owners = new Map<string, string>();
    for (const name of Object.keys(catalogue.tiers)) owners.set(name, name);
    for (const [name, row] of Object.entries(catalogue.tiers)) {
      for (const [index, alias] of row.aliases.entries()) {
        const key = alias.toLowerCase();
        const owner = owners.get(key);
        if (owner !== undefined && owner !== name) {
          ctx.addIssue({
            code: 'custom',
            path: ['tiers', name, 'aliases', index],
            message: `"${alias}" already names tier ${owner}`,
          });
        }
        owners.set(key, name);
      }
    }
  });

/** A validated catalogue. */
export type Catalogue = z.infer<typeof catalogueSchema>;

/**
 * Validates a catalogue (the parsed JSON of a file or of the `TIER_CATALOGUE` variable). Throws a
 * `ValidationError` whose field is the path of the first problem, e.g. `tiers.gold.memory`.
 */
export const parseCatalogue = (raw: unknown, source: string): Catalogue => {
  const parsed = catalogueSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join('.') || 'catalogue';
  throw new ValidationError(field, `${issue?.message ?? 'is invalid'} (tier catalogue from ${source})`);
};

/** Catalogue tier `tier`'s row; none for a name that is not a tier (`toString` included). */
const tierRow = (catalogue: Catalogue, tier: string) =>
  Object.hasOwn(catalogue.tiers, tier) ? catalogue.tiers[tier] : undefined;

/** The tier `name` names, by name or alias, case-insensitively and ignoring surrounding spaces. */
export const resolveTier = (catalogue: Catalogue, name: string): string | undefined => {
  const wanted = name.trim().toLowerCase();
  if (wanted === '') return undefined;
  for (const [tier, row] of Object.entries(catalogue.tiers)) {
    if (tier === wanted || row.aliases.some((alias) => alias.toLowerCase() === wanted)) return tier;
  }
  return undefined;
};

/** Every name an onboarding may use, for error messages: `basic, advanced (standard), …`. */
export const tierNames = (catalogue: Catalogue): string =>
  Object.entries(catalogue.tiers)
    .map(([tier, row]) => (row.aliases.length ? `${tier} (${row.aliases.join(', ')})` : tier))
    .join(', ');

/** The alarm a rollout of `tier` watches when its request names none (the catalogue's). */
export const tierRolloutAlarm = (catalogue: Catalogue, tier: string): string | undefined =>
  tierRow(catalogue, tier)?.rolloutAlarm;

/** Whether tier `tier`'s tenants run in the shared stack's pooled service (one for every pooled tier). */
export const isPooledTier = (catalogue: Catalogue, tier: string): boolean =>
  tierRow(catalogue, tier)?.service === 'pooled';

/** The placement of catalogue tier `tier` (a name `resolveTier` returned). */
export const placementOf = (
  catalogue: Catalogue,
  tier: string,
  defaultHealthCheckPath: string,
): Placement => {
  const row = tierRow(catalogue, tier);
  if (!row) throw new ValidationError('tier', `no tier ${tier} in the catalogue`);
  if (row.service === 'pooled') return { tier, cluster: 'shared', service: 'pooled' };
  return {
    tier,
    cluster: row.cluster,
    service: 'own',
    cpu: row.cpu,
    memory: row.memory,
    desiredCount: row.desiredCount,
    capacityProviderStrategy: row.capacityProviderStrategy.map((item) => ({ ...item })),
    healthCheckPath: row.healthCheckPath ?? defaultHealthCheckPath,
    health: { ...DEFAULT_HEALTH, ...row.health },
    ...(row.companions?.length
      ? {
          companions: row.companions.map((companion) => ({
            ...companion,
            ...(companion.environment ? { environment: { ...companion.environment } } : {}),
          })),
        }
      : {}),
    ...(row.identity ? { identity: row.identity } : {}),
    ...(row.tables?.length ? { tables: row.tables.map((table) => ({ ...table })) } : {}),
  };
};

/** The own tables of a placement (none for a pooled one or a tier without tables). */
export const tablesOf = (placement: Placement | undefined): readonly TableSpecOfTier[] =>
  placement?.service === 'own' ? (placement.tables ?? []) : [];

/** The health settings of an own-service placement (a record from before they existed: the load balancer's defaults). */
export const healthOf = (placement: OwnServicePlacement): HealthSettings => placement.health ?? LEGACY_HEALTH;

/** The companions of a placement (none for a pooled one or a one-service tier). */
export const companionsOf = (placement: Placement | undefined): readonly Companion[] =>
  placement?.service === 'own' ? (placement.companions ?? []) : [];

/**
 * True when two placements put the tenant into the same resources: same tier, same kind of cluster
 * and service. Sizes may differ (a catalogue edit): the create steps bring adopted resources to size.
 */
export const sameResources = (a: Placement | undefined, b: Placement | undefined): boolean =>
  a !== undefined &&
  b !== undefined &&
  a.tier === b.tier &&
  a.cluster === b.cluster &&
  a.service === b.service &&
  (a.generation ?? 0) === (b.generation ?? 0);
