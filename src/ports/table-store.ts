/**
 * What tenantflow asks of DynamoDB's control plane for a tenant's own tables (a tier whose `tables`
 * lists them): make one with its keys, on-demand billing and tenantflow's tags; keep point-in-time
 * recovery on; back it up before it is deleted. Adapters translate "not found" into `undefined` (or
 * nothing to do), a table busy in another change (or DynamoDB's limit on concurrent table changes)
 * into a `NotReadyError`, other failures into the project's errors.
 */
import type { Tag } from '../domain/naming.ts';

/** A table's lifecycle as DynamoDB reports it. */
export type TableStatus = 'CREATING' | 'ACTIVE' | 'UPDATING' | 'DELETING' | 'ARCHIVING' | 'ARCHIVED' | string;

/** A table as tenantflow sees it. */
export interface TableInfo {
  name: string;
  arn: string;
  status: TableStatus;
  /** Its key: the partition key and, when it has one, the sort key (both strings). */
  partitionKey: string;
  sortKey?: string;
  tags: Tag[];
}

/** A tenant's table: its name (unique in the account and Region), key and tags. Billing is on demand. */
export interface TableSpec {
  name: string;
  partitionKey: string;
  sortKey?: string;
  tags: Tag[];
}

export interface TableStore {
  /** The table of this name with its tags, or `undefined` when it does not exist. */
  describeTable(name: string): Promise<TableInfo | undefined>;
  /** Only the status of the table of this name (no tags: one call), or `undefined` when it does not exist. */
  tableStatus(name: string): Promise<TableStatus | undefined>;
  /**
   * Makes the table (on demand, string keys, with its tags); one of the name that exists already is
   * returned as it is (the caller checks it is the tenant's). A new table is CREATING for a while.
   */
  createTable(spec: TableSpec): Promise<TableInfo>;
  /**
   * Turns point-in-time recovery on (idempotent). A table not yet ACTIVE cannot take it: a
   * `RetryableError`.
   */
  enablePointInTimeRecovery(name: string): Promise<void>;
  /** Whether point-in-time recovery is on (`undefined`: no such table). */
  pointInTimeRecovery(name: string): Promise<boolean | undefined>;
  /**
   * An on-demand backup of the table named `backupName`; returns its ARN. A table not ACTIVE (being
   * made, or already being deleted) is a `NotReadyError`; no such table a `FatalError`.
   */
  backupTable(name: string, backupName: string): Promise<string>;
  /** The backups of a table, newest first (name and ARN). */
  listBackups(name: string): Promise<Array<{ name: string; arn: string }>>;
  /** Deletes the table (one already gone is no error; one busy in another change is a `RetryableError`). */
  deleteTable(name: string): Promise<void>;
  /** How many tables the account has in the Region (the quota admission counts). */
  countTables(): Promise<number>;
}
