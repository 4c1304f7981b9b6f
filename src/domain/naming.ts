import { createHash } from 'node:crypto';

/** Deterministic names of a tenant's AWS resources. */
export interface ResourceNames {
  clusterName: string;
  serviceName: string;
  taskDefinitionFamily: string;
  containerName: string;
  /** 1–32 characters, letters, digits and hyphens, never starting or ending with a hyphen. */
  targetGroupName: string;
  /** The tenant's Cognito user pool (a safe id keeps it within the pool name's 128 characters). */
  userPoolName: string;
  /**
   * Its hosted-UI prefix domain (`<it>.auth.<region>.amazoncognito.com`): lowercase letters, digits
   * and hyphens, at most 63, without the words Cognito reserves (aws, amazon, cognito).
   */
  hostedUiDomain: string;
}

/** The one container of every task definition tenantflow registers (and of the shared stack's pooled one). */
export const CONTAINER_NAME = 'app';

/** Tag keys written on every resource. */
export const TAG_KEYS = {
  tenantId: 'tenantflow:tenant-id',
  tier: 'tenantflow:tier',
  managedBy: 'tenantflow:managed-by',
  /** On a load balancer shard the orchestrator added (and its listener): the shard's number. */
  shard: 'tenantflow:shard',
} as const;

/** The value of the managed-by tag on everything tenantflow creates. */
export const MANAGED_BY = 'tenantflow';

export interface Tag {
  key: string;
  value: string;
}

/** Hex digits of the tenant digest in every name: 16 = 64 bits, so no search finds two ids sharing one. */
export const NAME_DIGEST_HEX = 16;

/**
 * The digest of the whole tenant id that every resource name carries; from generation 1 on (a
 * migrated tenant's next placement) the generation is part of what is digested.
 */
export const tenantDigest = (tenantId: string, generation = 0): string =>
  createHash('sha256')
    .update(generation === 0 ? tenantId : `${tenantId}#${generation}`)
    .digest('hex')
    .slice(0, NAME_DIGEST_HEX);

/**
 * Names every resource of a tenant. `tenantId` must already be a safe identifier (see the event
 * contract's normalisation). Every name ends in a 64-bit digest of the whole id, so two tenants never
 * share a name whatever their ids share; ECS names also keep the whole id, target group names
 * (32 characters at most) as much of it as fits.
 */
export const resourceNames = (tenantId: string, prefix = 'tf', generation = 0): ResourceNames => {
  const digest = tenantDigest(tenantId, generation);
  const ecsSafe = tenantId.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 200);
  const tgPrefix = prefix.replace(/[^A-Za-z0-9-]/g, '').replace(/^-+/, '') || 'tf';
  const room = 32 - tgPrefix.length - digest.length - 2;
  const slug = tenantId
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, Math.max(room, 0))
    .replace(/-+$/g, '');
  const ecsName = `${prefix}-${ecsSafe}-${digest}`;
  return {
    clusterName: ecsName,
    serviceName: ecsName,
    taskDefinitionFamily: ecsName,
    containerName: CONTAINER_NAME,
    targetGroupName: [tgPrefix, slug, digest].filter(Boolean).join('-'),
    userPoolName: ecsName,
    hostedUiDomain: hostedUiDomain(prefix, tenantId, digest),
  };
};

/** Cognito refuses a domain prefix containing any of these. */
const RESERVED_IN_DOMAINS = /aws|amazon|cognito/g;

/** `<prefix>-<as much of the tenant id as fits>-<digest>`, in what a Cognito prefix domain allows. */
const hostedUiDomain = (prefix: string, tenantId: string, digest: string): string => {
  const clean = (text: string) =>
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(RESERVED_IN_DOMAINS, (word) => word.replace(/[aeiou]/, 'x'))
      .replace(/^-+|-+$/g, '');
  const head = clean(prefix) || 'tf';
  const room = 63 - head.length - digest.length - 2;
  const slug = clean(tenantId).slice(0, Math.max(room, 0)).replace(/-+$/g, '');
  return [head, slug, digest].filter(Boolean).join('-').slice(0, 63).replace(/-+$/g, '');
};

/** The tags every resource of the tenant carries. */
export const tenantTags = (tenantId: string, tier: string): Tag[] => [
  { key: TAG_KEYS.tenantId, value: tenantId },
  { key: TAG_KEYS.tier, value: tier },
  { key: TAG_KEYS.managedBy, value: MANAGED_BY },
];

/** The value of tag `key`, if the resource carries it. */
export const tagValue = (tags: readonly Tag[], key: string): string | undefined =>
  tags.find((tag) => tag.key === key)?.value;

/**
 * Whose a resource is, by its tags: `ours` when tenantflow made it for `tenantId`, `foreign` when
 * anything else made it or it is another tenant's. Only `ours` may be adopted or deleted.
 */
export const ownership = (tags: readonly Tag[], tenantId: string): 'ours' | 'foreign' =>
  tagValue(tags, TAG_KEYS.managedBy) === MANAGED_BY && tagValue(tags, TAG_KEYS.tenantId) === tenantId
    ? 'ours'
    : 'foreign';

/** Who a foreign resource belongs to, for a refusal's reason. */
export const ownerOf = (tags: readonly Tag[]): string => {
  const tenant = tagValue(tags, TAG_KEYS.tenantId);
  if (tenant !== undefined && tagValue(tags, TAG_KEYS.managedBy) === MANAGED_BY) return `tenant ${tenant}`;
  return 'something other than tenantflow (no tenantflow tags)';
};

/** A stable hash of any JSON-serialisable value: detects whether an existing resource matches a spec. */
export const specHash = (value: unknown): string =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
