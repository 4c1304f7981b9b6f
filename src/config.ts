import { z } from 'zod';
import { type ContractConfig, contractConfig } from '../events/contract.ts';
import defaultCatalogue from '../infra/tier-catalogue.json' with { type: 'json' };
import { type Catalogue, parseCatalogue, resolveTier } from './domain/catalogue.ts';
import { DEFAULT_SHARED_STACK } from './domain/deployment.ts';
import { ValidationError } from './domain/errors.ts';

/** Everything tenantflow reads from its environment, validated once. */
export interface TenantFlowConfig {
  region: string;
  tableName: string;
  sharedStackName: string;
  /** The bus SBT's control plane listens on (SBT creates its own: there is no sensible default). */
  eventBusName: string;
  resourcePrefix: string;
  tenantHeaderName: string;
  /**
   * The base URL of the provider's API (API Gateway) that a tenant's web app calls: sent in
   * `tenantConfig.apiGatewayUrl`, as the reference's app expects. Absent: not sent.
   */
  apiGatewayUrl?: string;
  /**
   * Where tenant pools send their mail (invitations) from: an SES identity of the account
   * (`EmailSendingAccount: DEVELOPER`), past Cognito's own ~50 mails a day. Absent: Cognito's.
   */
  cognitoEmail?: { sourceArn: string; from?: string };
  /** The tiers and their placements; `defaultTier` is the tier of an onboarding that names none. */
  catalogue: Catalogue;
  /** How many readiness checks before giving up (their spacing is the ASL's `healthPoll` wait). */
  health: { maxAttempts: number; path: string };
  /** Tenants per load balancer shard, when fewer than the ALB quotas allow (src/domain/shards.ts). */
  shardCapacity?: number;
  /**
   * Adding load balancer shards (the shard machine): when every shard is filled to `threshold` (a
   * fraction), an onboarding starts one, up to `limit` added shards. No `threshold`: never.
   */
  shardGrowth: { threshold?: number; limit: number };
  contract: ContractConfig;
}

const csv = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value) =>
      value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    );

const envSchema = z.object({
  AWS_REGION: z.string().min(1).default('us-east-1'),
  TENANT_TABLE: z.string().min(3).default('tenantflow-tenants'),
  SHARED_STACK_NAME: z.string().min(1).default(DEFAULT_SHARED_STACK),
  SBT_EVENT_BUS: z
    .string({ error: "is required: the name or ARN of SBT's event bus (SBT always creates its own)" })
    .trim()
    .min(1, { error: "is required: the name or ARN of SBT's event bus (SBT always creates its own)" }),
  RESOURCE_PREFIX: z
    .string()
    .regex(/^[a-z][a-z0-9]{0,5}$/, 'lower-case letters and digits, at most 6')
    .default('tf'),
  TENANT_HEADER: z.string().min(1).default('x-tenant-id'),
  /** The provider's API base URL, for tenantConfig (empty: none). */
  API_GATEWAY_URL: z
    .string()
    .trim()
    .optional()
    .transform((value) => value || undefined)
    .pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional()),
  /** An SES identity's ARN tenant pools send their mail with (empty: Cognito's own mail). */
  COGNITO_EMAIL_SOURCE_ARN: z
    .string()
    .trim()
    .optional()
    .transform((value) => value || undefined)
    .pipe(
      z
        .string()
        .regex(
          /^arn:[a-z-]+:ses:[a-z0-9-]+:\d{12}:identity\/.+$/,
          'must be an SES identity ARN (arn:aws:ses:<region>:<account>:identity/<address or domain>)',
        )
        .optional(),
    ),
  /** The sender tenant pools' mail shows (`Name <address>`), with COGNITO_EMAIL_SOURCE_ARN. */
  COGNITO_EMAIL_FROM: z
    .string()
    .trim()
    .optional()
    .transform((value) => value || undefined),
  /** Overrides the catalogue's own default tier. */
  DEFAULT_TIER: z.string().optional(),
  /** A whole tier catalogue as JSON, replacing infra/tier-catalogue.json. */
  TIER_CATALOGUE: z.string().optional(),
  HEALTH_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(500).default(40),
  // The default tenant image (stock nginx) answers on / only.
  HEALTH_CHECK_PATH: z.string().startsWith('/').default('/'),
  /** Tenants per load balancer shard (1-100): headroom below what the ALB quotas allow. */
  SHARD_CAPACITY: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.coerce.number().int().min(1).max(100).optional(),
  ),
  /** Fill (0-1, e.g. 0.8) of every shard at which an onboarding starts adding one; empty: never. */
  SHARD_GROWTH_THRESHOLD: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.coerce.number().gt(0).max(1).optional(),
  ),
  /** How many load balancer shards the orchestrator may add (AWS: 50 load balancers per Region). */
  SHARD_GROWTH_LIMIT: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.coerce.number().int().min(0).max(40).default(4),
  ),
  CONTROL_PLANE_SOURCES: csv('sbt.control.plane,controlPlaneEventSource'),
  APPLICATION_PLANE_SOURCE: z.string().min(1).default('sbt.application.plane'),
  DETAIL_TYPE_PREFIX: z.string().default('sbt_aws_'),
});

const readCatalogue = (env: { TIER_CATALOGUE?: string | undefined; DEFAULT_TIER?: string | undefined }) => {
  let raw: unknown = defaultCatalogue;
  let source = 'infra/tier-catalogue.json';
  if (env.TIER_CATALOGUE !== undefined && env.TIER_CATALOGUE.trim() !== '') {
    source = 'TIER_CATALOGUE';
    try {
      raw = JSON.parse(env.TIER_CATALOGUE);
    } catch (cause) {
      throw new ValidationError('TIER_CATALOGUE', 'is not JSON', { cause });
    }
  }
  const catalogue = parseCatalogue(raw, source);
  if (env.DEFAULT_TIER === undefined || env.DEFAULT_TIER.trim() === '') return catalogue;
  const tier = resolveTier(catalogue, env.DEFAULT_TIER);
  if (tier === undefined) {
    throw new ValidationError(
      'DEFAULT_TIER',
      `${env.DEFAULT_TIER} is not a tier of the catalogue (${source})`,
    );
  }
  return { ...catalogue, defaultTier: tier };
};

/** The pools' mail settings: a sender without an SES identity is refused, naming both. */
const cognitoEmailOf = (
  sourceArn: string | undefined,
  from: string | undefined,
): Pick<TenantFlowConfig, 'cognitoEmail'> => {
  if (sourceArn === undefined) {
    if (from !== undefined)
      throw new ValidationError(
        'COGNITO_EMAIL_FROM',
        'needs COGNITO_EMAIL_SOURCE_ARN (the SES identity that sends as it)',
      );
    return {};
  }
  return { cognitoEmail: { sourceArn, ...(from !== undefined ? { from } : {}) } };
};

/**
 * Reads the configuration from `env`. Throws naming the variable (a `ZodError`) or the catalogue
 * field (a `ValidationError`) when one is invalid. Pure: the caller passes `process.env` (or a test's
 * own object).
 */
export const loadConfig = (env: Record<string, string | undefined>): TenantFlowConfig => {
  const e = envSchema.parse(env);
  return {
    region: e.AWS_REGION,
    tableName: e.TENANT_TABLE,
    sharedStackName: e.SHARED_STACK_NAME,
    eventBusName: e.SBT_EVENT_BUS,
    resourcePrefix: e.RESOURCE_PREFIX,
    tenantHeaderName: e.TENANT_HEADER,
    ...(e.API_GATEWAY_URL ? { apiGatewayUrl: e.API_GATEWAY_URL } : {}),
    ...cognitoEmailOf(e.COGNITO_EMAIL_SOURCE_ARN, e.COGNITO_EMAIL_FROM),
    catalogue: readCatalogue(e),
    health: {
      maxAttempts: e.HEALTH_MAX_ATTEMPTS,
      path: e.HEALTH_CHECK_PATH,
    },
    ...(e.SHARD_CAPACITY !== undefined ? { shardCapacity: e.SHARD_CAPACITY } : {}),
    shardGrowth: {
      ...(e.SHARD_GROWTH_THRESHOLD !== undefined ? { threshold: e.SHARD_GROWTH_THRESHOLD } : {}),
      limit: e.SHARD_GROWTH_LIMIT,
    },
    contract: contractConfig({
      controlPlaneSources: e.CONTROL_PLANE_SOURCES,
      applicationPlaneSource: e.APPLICATION_PLANE_SOURCE,
      detailTypePrefix: e.DETAIL_TYPE_PREFIX,
    }),
  };
};
