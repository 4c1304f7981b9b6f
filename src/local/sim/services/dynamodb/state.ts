import { z } from 'zod';
import { slice, simTagSchema as tag } from '../../base-state.ts';

/*
 * DynamoDB's control plane, in the simulated state: tenants' tables (their key, billing, tags,
 * point-in-time recovery) and on-demand backups. Items are not kept: the local tenant map's data lives
 * in dynalite, and a tenant's table here holds none.
 */

const table = z.object({
  name: z.string(),
  arn: z.string(),
  createdAt: z.number(),
  partitionKey: z.string(),
  sortKey: z.string().optional(),
  tags: z.array(tag),
  pointInTimeRecovery: z.boolean(),
});

/** An on-demand backup: kept after its table is deleted, until deleted itself. */
const backup = z.object({
  arn: z.string(),
  name: z.string(),
  tableName: z.string(),
  tableArn: z.string(),
  createdAt: z.number(),
});

export const DYNAMODB_SLICES = { tables: slice('name', table), backups: slice('arn', backup) };

export type TableRecord = z.infer<typeof table>;
export type BackupRecord = z.infer<typeof backup>;
