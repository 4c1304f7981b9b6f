import { z } from 'zod';
import { OPERATIONS } from '../src/domain/operations.ts';
import { ownRecord } from '../src/domain/own-record.ts';
import { releaseSchema } from '../src/domain/release.ts';
import { CLEANUP_ATTEMPTS } from '../src/domain/request.ts';
import { SAFE_ID_PATTERN } from '../src/domain/schemas.ts';

export { SAFE_ID_PATTERN };

/** Display names are free text; only their length is bounded. */
export const TENANT_NAME_MAX = 256;

/**
 * Extra detail fields ride along in the saga state through every Step Functions state, and a state
 * may pass at most 256 KiB (a payload over that fails the execution with States.DataLimitExceeded,
 * which no Catch can take). Capping them keeps the rest of that budget for the saga itself.
 */
export const ATTRIBUTES_MAX_BYTES = 32 * 1024;

/** Salvaged values go into a failure event only, so a looser bound than `SAFE_ID_PATTERN` is enough. */
export const SALVAGE_MAX = 256;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A safe identifier (see {@link SAFE_ID_PATTERN}). */
export const safeIdSchema = z
  .string({
    error: (issue) =>
      issue.input === undefined || issue.input === null ? 'is required' : 'must be a string',
  })
  .regex(SAFE_ID_PATTERN, {
    error: 'must be 1-64 letters, digits, "-" or "_", starting with a letter or digit',
  });

/** The fields of an EventBridge envelope this project reads; the rest is tolerated. */
export const envelopeSchema = z.looseObject({
  id: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }),
  source: z.string({ error: 'must be a string' }),
  'detail-type': z.string({ error: 'must be a string' }),
  detail: z.unknown(),
});

/** An operation named explicitly (plain request or saved saga state). */
export const operationSchema = z.enum(OPERATIONS, {
  error: `must be one of ${OPERATIONS.join(', ')}`,
});

/** The `request` of a saga state as it was saved: already normalised, so checked strictly. */
/** Step Functions execution names: 1-80 of letters, digits, `-` and `_`. */
export const executionNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,80}$/, { error: 'must be an execution name: 1-80 letters, digits, "-" or "_"' });

/** A cleanup's marks (see TenantRequest.cleanup). */
export const cleanupSchema = z.strictObject({
  of: executionNameSchema,
  attempt: z.number().int().min(1).max(CLEANUP_ATTEMPTS),
  version: z.number().int().min(0),
});

export const savedRequestSchema = z.object({
  operation: operationSchema,
  tenantId: safeIdSchema,
  tenantRegistrationId: safeIdSchema.optional(),
  tenantName: z.string().min(1).max(TENANT_NAME_MAX),
  tier: z.string().min(1).max(64).optional(),
  eventId: z.string().min(1).optional(),
  cleanup: cleanupSchema.optional(),
  release: releaseSchema.optional(),
  attributes: ownRecord(z.string(), z.unknown()),
});

/** True when `raw` looks like an EventBridge event rather than a request typed by hand. */
export const looksLikeEnvelope = (raw: Record<string, unknown>): boolean =>
  'detail-type' in raw || ('detail' in raw && 'source' in raw);

/** True when `raw` looks like a saga state handed back to a restarted execution. */
export const looksLikeSagaState = (raw: Record<string, unknown>): boolean =>
  'request' in raw && !('tenantId' in raw);

export { isPlainObject };
