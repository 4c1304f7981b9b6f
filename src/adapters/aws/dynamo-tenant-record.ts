import { z } from 'zod';
import { placementSchema } from '../../domain/catalogue.ts';
import { OPERATIONS } from '../../domain/operations.ts';
import { type StoredItem, upgradeRecordItem } from '../../domain/record-schema.ts';
import { tenantReleaseSchema } from '../../domain/release.ts';
import { tenantResourcesSchema } from '../../domain/resources.ts';
import { TENANT_STATUSES, type TenantRecord } from '../../domain/tenant-record.ts';
import { parseResult } from './parse.ts';

/** Key of a tenant's item in the single table. */
export const tenantKey = (tenantId: string) => ({ pk: `TENANT#${tenantId}`, sk: 'RECORD' }) as const;

/** Partition key prefix shared by every tenant item (the table also holds priorities and the ledger). */
export const TENANT_PK_PREFIX = 'TENANT#';

/**
 * Key of the item that says which tenant owns an id case-insensitively: ALB header conditions match
 * case-insensitively, so `acme` and `ACME` must never both be tenants.
 */
export const identityKey = (tenantId: string) =>
  ({ pk: `IDKEY#${tenantId.toLowerCase()}`, sk: 'OWNER' }) as const;

const historyEntrySchema = z.object({
  operation: z.enum(OPERATIONS),
  execution: z.string(),
  step: z.string(),
  outcome: z.enum(['succeeded', 'failed', 'compensated', 'skipped']),
  at: z.string(),
  durationMs: z.number().optional(),
  reason: z.string().optional(),
});

/** A tenant map item as read back from DynamoDB (the keys `pk`/`sk` are dropped). */
export const tenantRecordSchema = z.object({
  tenantId: z.string().min(1),
  tenantRegistrationId: z.string().optional(),
  tenantName: z.string(),
  email: z.string().optional(),
  placement: placementSchema.optional(),
  lifecycleStatus: z.enum(TENANT_STATUSES),
  active: z.boolean(),
  lock: z.object({ execution: z.string(), operation: z.enum(OPERATIONS), since: z.string() }).optional(),
  resources: tenantResourcesSchema,
  migration: z
    .object({
      direction: z.enum(['to', 'from']),
      placement: placementSchema,
      resources: tenantResourcesSchema,
    })
    .optional(),
  routing: z
    .object({
      mode: z.enum(['pooled', 'silo']),
      clusterName: z.string(),
      serviceName: z.string(),
      targetGroupArn: z.string(),
      tenantHeader: z.string(),
      loadBalancerDns: z.string().optional(),
    })
    .optional(),
  release: tenantReleaseSchema.optional(),
  lastError: z
    .object({ operation: z.enum(OPERATIONS), step: z.string(), reason: z.string(), at: z.string() })
    .optional(),
  history: z.array(historyEntrySchema),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
}) satisfies z.ZodType<TenantRecord>;

/**
 * Parses a tenant item, upgraded from the schema version it was stored at; an item that does not fit
 * the record, or of a newer schema version, is a `FatalError`.
 */
export const toTenantRecord = (item: unknown, context: string): TenantRecord =>
  parseResult(
    tenantRecordSchema,
    typeof item === 'object' && item !== null && !Array.isArray(item)
      ? upgradeRecordItem(item as StoredItem, context)
      : item,
    context,
  );
