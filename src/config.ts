import { z } from 'zod';
import { TIERS, type Tier } from './domain/tier.ts';
import type { CapacityProviderItem } from './ports/container-platform.ts';

/** Per-tier sizing and placement of a tenant's service. */
export interface TierProfile {
  cpu: string;
  memory: string;
  desiredCount: number;
  capacityProviderStrategy: CapacityProviderItem[];
}

/** Names of the SBT contract: every one configurable (pre-0.9 installations used other names). */
export interface ContractConfig {
  /** Sources accepted on inbound events (first is canonical). */
  controlPlaneSources: string[];
  applicationPlaneSource: string;
  /** Inbound detail-types accepted per operation (canonical first, aliases after). */
  inbound: Record<'onboard' | 'offboard' | 'activate' | 'deactivate', string[]>;
  /** Outbound detail-types per operation and outcome. */
  outbound: Record<'onboard' | 'offboard' | 'activate' | 'deactivate', { success: string; failure: string }>;
}

/** Everything tenantflow reads from its environment, validated once. */
export interface TenantFlowConfig {
  region: string;
  tableName: string;
  sharedStackName: string;
  eventBusName: string;
  resourcePrefix: string;
  tenantHeaderName: string;
  defaultTier: Tier;
  health: { maxAttempts: number; pollSeconds: number; path: string };
  tiers: Record<Exclude<Tier, 'basic'>, TierProfile>;
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
  SHARED_STACK_NAME: z.string().min(1).default('tenantflow-shared'),
  SBT_EVENT_BUS: z.string().min(1).default('default'),
  RESOURCE_PREFIX: z
    .string()
    .regex(/^[a-z][a-z0-9]{0,5}$/, 'lower-case letters and digits, at most 6')
    .default('tf'),
  TENANT_HEADER: z.string().min(1).default('x-tenant-id'),
  DEFAULT_TIER: z.enum(TIERS).default('basic'),
  HEALTH_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(500).default(40),
  HEALTH_POLL_SECONDS: z.coerce.number().int().min(1).max(300).default(15),
  // The default tenant image (stock nginx) answers on / only.
  HEALTH_CHECK_PATH: z.string().startsWith('/').default('/'),
  CONTROL_PLANE_SOURCES: csv('sbt.control.plane,controlPlaneEventSource'),
  APPLICATION_PLANE_SOURCE: z.string().min(1).default('sbt.application.plane'),
  DETAIL_TYPE_PREFIX: z.string().default('sbt_aws_'),
});

const strategy = (spotWeight: number): CapacityProviderItem[] => [
  { capacityProvider: 'FARGATE', base: 1, weight: 1 },
  { capacityProvider: 'FARGATE_SPOT', base: 0, weight: spotWeight },
];

/**
 * Reads the configuration from `env`. Throws a `ZodError` naming the variable when one is invalid.
 * Pure: the caller passes `process.env` (or a test's own object).
 */
export const loadConfig = (env: Record<string, string | undefined>): TenantFlowConfig => {
  const e = envSchema.parse(env);
  const p = e.DETAIL_TYPE_PREFIX;
  const inbound = (name: string): string[] => [...new Set([`${p}${name}`, `sbt_aws_${name}`, name])];
  const outbound = (name: string) => ({ success: `${p}${name}Success`, failure: `${p}${name}Failure` });
  return {
    region: e.AWS_REGION,
    tableName: e.TENANT_TABLE,
    sharedStackName: e.SHARED_STACK_NAME,
    eventBusName: e.SBT_EVENT_BUS,
    resourcePrefix: e.RESOURCE_PREFIX,
    tenantHeaderName: e.TENANT_HEADER,
    defaultTier: e.DEFAULT_TIER,
    health: {
      maxAttempts: e.HEALTH_MAX_ATTEMPTS,
      pollSeconds: e.HEALTH_POLL_SECONDS,
      path: e.HEALTH_CHECK_PATH,
    },
    tiers: {
      advanced: { cpu: '256', memory: '512', desiredCount: 1, capacityProviderStrategy: strategy(1) },
      premium: { cpu: '512', memory: '1024', desiredCount: 2, capacityProviderStrategy: strategy(0) },
    },
    contract: {
      controlPlaneSources: e.CONTROL_PLANE_SOURCES,
      applicationPlaneSource: e.APPLICATION_PLANE_SOURCE,
      inbound: {
        onboard: inbound('onboardingRequest'),
        offboard: inbound('offboardingRequest'),
        activate: inbound('activateRequest'),
        deactivate: inbound('deactivateRequest'),
      },
      outbound: {
        onboard: outbound('provision'),
        offboard: outbound('deprovision'),
        activate: outbound('activate'),
        deactivate: outbound('deactivate'),
      },
    },
  };
};
