import { createHash } from 'node:crypto';
import type { Tier } from './tier.ts';

/** Deterministic names of a tenant's AWS resources. */
export interface ResourceNames {
  clusterName: string;
  serviceName: string;
  taskDefinitionFamily: string;
  containerName: string;
  /** 1–32 characters, letters, digits and hyphens, never starting or ending with a hyphen. */
  targetGroupName: string;
}

/** Tag keys written on every resource. */
export const TAG_KEYS = {
  tenantId: 'tenantflow:tenant-id',
  tier: 'tenantflow:tier',
  managedBy: 'tenantflow:managed-by',
} as const;

export interface Tag {
  key: string;
  value: string;
}

const shortHash = (value: string, length: number): string =>
  createHash('sha256').update(value).digest('hex').slice(0, length);

/**
 * Names every resource of a tenant. `tenantId` must already be a safe identifier (see the event
 * contract's normalisation); the names are valid for ECS (≤ 255, letters, digits, `-`, `_`) and
 * ELBv2 whatever it holds, and two tenant ids never share a target group name (hash suffix).
 */
export const resourceNames = (tenantId: string, prefix = 'tf'): ResourceNames => {
  const ecsSafe = tenantId.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 200);
  const slug = tenantId
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 32 - prefix.length - 10)
    .replace(/-+$/g, '');
  const tgPrefix = prefix.replace(/[^A-Za-z0-9-]/g, '').replace(/^-+/, '') || 'tf';
  const targetGroupName = [tgPrefix, slug, shortHash(tenantId, 8)].filter(Boolean).join('-').slice(0, 32);
  return {
    clusterName: `${prefix}-${ecsSafe}`,
    serviceName: `${prefix}-${ecsSafe}`,
    taskDefinitionFamily: `${prefix}-${ecsSafe}`,
    containerName: 'app',
    targetGroupName,
  };
};

/** The tags every resource of the tenant carries. */
export const tenantTags = (tenantId: string, tier: Tier): Tag[] => [
  { key: TAG_KEYS.tenantId, value: tenantId },
  { key: TAG_KEYS.tier, value: tier },
  { key: TAG_KEYS.managedBy, value: 'tenantflow' },
];

/** A stable hash of any JSON-serialisable value: detects whether an existing resource matches a spec. */
export const specHash = (value: unknown): string => shortHash(JSON.stringify(value), 16);
