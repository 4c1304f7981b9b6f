import type { z } from 'zod';
import { type Catalogue, resolveTier, tierNames } from '../src/domain/catalogue.ts';
import { ValidationError } from '../src/domain/errors.ts';
import { OPERATION_TABLE, type Operation } from '../src/domain/operations.ts';
import { parseRelease, type Release } from '../src/domain/release.ts';
import { ATTRIBUTES_MAX_BYTES, isPlainObject, safeIdSchema, TENANT_NAME_MAX } from './schemas.ts';

/** The tenant fields of a request, read from an event's `detail` or a plain request. */
export interface DetailFields {
  tenantId: string;
  tenantRegistrationId?: string;
  tenantName: string;
  tier?: string;
  release?: Release;
  attributes: Record<string, unknown>;
}

export type DetailResult = { ok: true; fields: DetailFields } | { ok: false; error: ValidationError };

/** How a detail is read. */
export interface DetailRules {
  operation: Operation;
  catalogue: Catalogue;
  /** False: a detail without `tenantRegistrationId` is fine (the request then answers nobody). */
  registrationRequired: boolean;
}

const KNOWN_KEYS = ['tenantId', 'tenantRegistrationId', 'tenantName', 'tier', 'release'] as const;

/** A tier named by a request that does not onboard is only compared with the record: kept short. */
const TIER_ECHO_MAX = 64;

/** Input echoed in a message is cut short: it is untrusted and may be huge. */
const quote = (value: string): string => JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);

const firstMessage = (error: z.ZodError): string => error.issues[0]?.message ?? 'is invalid';

const readId = (detail: Record<string, unknown>, key: string, prefix: string): string | ValidationError => {
  const parsed = safeIdSchema.safeParse(detail[key]);
  return parsed.success ? parsed.data : new ValidationError(`${prefix}.${key}`, firstMessage(parsed.error));
};

const isBlank = (value: unknown): boolean =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/**
 * Onboarding: the catalogue tier the detail names (the default when it names none). Any other
 * operation: the tier as named, never a reason to refuse (the record's tier is the one that counts).
 */
const readTier = (
  value: unknown,
  field: string,
  rules: DetailRules,
): string | undefined | ValidationError => {
  const { catalogue } = rules;
  const meaning = OPERATION_TABLE[rules.operation].tier;
  if (meaning === 'informational') {
    if (typeof value !== 'string' || value.trim() === '') return undefined;
    return resolveTier(catalogue, value) ?? value.trim().slice(0, TIER_ECHO_MAX);
  }
  if (isBlank(value) && meaning === 'target')
    return new ValidationError(
      field,
      `is required: the tier to move the tenant to, one of ${tierNames(catalogue)}`,
    );
  if (isBlank(value)) return catalogue.defaultTier;
  if (typeof value !== 'string')
    return new ValidationError(field, `must be a string, one of ${tierNames(catalogue)}`);
  return (
    resolveTier(catalogue, value) ??
    new ValidationError(field, `unknown tier ${quote(value)}; allowed tiers: ${tierNames(catalogue)}`)
  );
};

const readTenantName = (value: unknown, field: string, tenantId: string): string | ValidationError => {
  if (value === undefined || value === null) return tenantId;
  if (typeof value !== 'string') return new ValidationError(field, 'must be a string');
  if (value.trim() === '') return tenantId;
  if (value.length <= TENANT_NAME_MAX) return value;
  const cut = value.slice(0, TENANT_NAME_MAX);
  // Never leave half a surrogate pair at the end (an emoji cut in two is not valid text).
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
};

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');

/** A rejection when the extra fields are too big to carry through the saga; it names the biggest. */
const attributesTooBig = (
  attributes: Record<string, unknown>,
  prefix: string,
): ValidationError | undefined => {
  const bytes = jsonBytes(attributes);
  if (bytes <= ATTRIBUTES_MAX_BYTES) return undefined;
  let biggest = '';
  let most = -1;
  for (const [key, value] of Object.entries(attributes)) {
    const size = jsonBytes(value);
    if (size > most) [biggest, most] = [key, size];
  }
  return new ValidationError(
    prefix,
    `extra fields take ${bytes} bytes as JSON, over the ${ATTRIBUTES_MAX_BYTES} carried through the saga; the biggest is ${quote(biggest)}`,
  );
};

/**
 * Validates and normalises the tenant fields of `detail`; every other key (but those in `omit`)
 * is kept in `attributes`. Field names in errors are `<prefix>.<key>`, or `prefix` itself when
 * `detail` is not a JSON object.
 */
export const readDetail = (
  detail: unknown,
  prefix: string,
  rules: DetailRules,
  omit: readonly string[] = [],
): DetailResult => {
  if (!isPlainObject(detail))
    return { ok: false, error: new ValidationError(prefix, 'must be a JSON object') };
  const tenantId = readId(detail, 'tenantId', prefix);
  if (tenantId instanceof ValidationError) return { ok: false, error: tenantId };
  let tenantRegistrationId: string | undefined;
  const row = OPERATION_TABLE[rules.operation];
  // An operation that reports to nobody has no registration to answer: one named is not kept.
  if (row.reports && (rules.registrationRequired || !isBlank(detail.tenantRegistrationId))) {
    const read = readId(detail, 'tenantRegistrationId', prefix);
    if (read instanceof ValidationError) return { ok: false, error: read };
    tenantRegistrationId = read;
  }
  const tier = readTier(detail.tier, `${prefix}.tier`, rules);
  if (tier instanceof ValidationError) return { ok: false, error: tier };
  const tenantName = readTenantName(detail.tenantName, `${prefix}.tenantName`, tenantId);
  if (tenantName instanceof ValidationError) return { ok: false, error: tenantName };
  let release: Release | undefined;
  if (row.release === 'required') {
    try {
      release = parseRelease(detail.release, `${prefix}.release`);
    } catch (error) {
      if (error instanceof ValidationError) return { ok: false, error };
      throw error;
    }
  }
  const skip = new Set<string>([...KNOWN_KEYS, ...omit]);
  const attributes = Object.fromEntries(Object.entries(detail).filter(([key]) => !skip.has(key)));
  const tooBig = attributesTooBig(attributes, prefix);
  if (tooBig) return { ok: false, error: tooBig };
  return {
    ok: true,
    fields: {
      tenantId,
      ...(tenantRegistrationId === undefined ? {} : { tenantRegistrationId }),
      tenantName,
      ...(tier === undefined ? {} : { tier }),
      ...(release === undefined ? {} : { release }),
      attributes,
    },
  };
};
