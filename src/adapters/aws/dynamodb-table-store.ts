import {
  CreateBackupCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  ListBackupsCommand,
  ListTablesCommand,
  ListTagsOfResourceCommand,
  type TableDescription,
  UpdateContinuousBackupsCommand,
} from '@aws-sdk/client-dynamodb';
import { FatalError, NotReadyError } from '../../domain/errors.ts';
import type { Tag } from '../../domain/naming.ts';
import type { TableInfo, TableSpec, TableStore } from '../../ports/table-store.ts';
import { type ClientOptions, resolveClient } from './client-options.ts';
import { awsErrorName, translateAwsError } from './errors.ts';

/** Options of {@link DynamoTableStore}: a `DynamoDBClient` or its configuration. */
export type DynamoTableStoreOptions = ClientOptions<DynamoDBClient, DynamoDBClientConfig>;

const isNamed = (error: unknown, ...names: string[]): boolean => names.includes(awsErrorName(error) ?? '');

/**
 * DynamoDB's answers that mean "the table is in another change (being made, updated, deleted), or
 * its backups are not ready yet": waiting gets past them.
 */
const BUSY = [
  'ResourceInUseException',
  'ContinuousBackupsUnavailableException',
  'BackupInUseException',
  // Too many tables CREATING, UPDATING or DELETING at once in the account (about 500), or backups
  // being made: it passes. (The tables-per-Region quota is admission's, before anything is made.)
  'LimitExceededException',
];

/** A table that does not exist, as the control plane's calls say it. */
const MISSING = ['ResourceNotFoundException', 'TableNotFoundException'];

const translate = (error: unknown, context: string) =>
  isNamed(error, ...BUSY)
    ? new NotReadyError(`${context}: the table is busy (${awsErrorName(error)}), try again`, { cause: error })
    : translateAwsError(error, context);

const keyOf = (table: TableDescription, type: 'HASH' | 'RANGE'): string | undefined =>
  table.KeySchema?.find((key) => key.KeyType === type)?.AttributeName;

/** {@link TableStore} on DynamoDB's control plane. */
export class DynamoTableStore implements TableStore {
  readonly #client: DynamoDBClient;

  constructor(options: DynamoTableStoreOptions = {}) {
    this.#client = resolveClient('DynamoTableStore', options, (config) => new DynamoDBClient(config ?? {}));
  }

  async describeTable(name: string): Promise<TableInfo | undefined> {
    const context = `DynamoDB DescribeTable ${name}`;
    let table: TableDescription | undefined;
    try {
      table = (await this.#client.send(new DescribeTableCommand({ TableName: name }))).Table;
    } catch (error) {
      if (isNamed(error, ...MISSING)) return undefined;
      throw translateAwsError(error, context);
    }
    const partitionKey = table ? keyOf(table, 'HASH') : undefined;
    if (!table?.TableArn || !table.TableName || !partitionKey)
      throw new FatalError(`${context}: the answer has no table name, ARN or partition key`);
    const sortKey = keyOf(table, 'RANGE');
    return {
      name: table.TableName,
      arn: table.TableArn,
      // A status not said is not ACTIVE: nothing waits on it as if it were.
      status: table.TableStatus ?? 'CREATING',
      partitionKey,
      ...(sortKey ? { sortKey } : {}),
      tags: await this.#tags(table.TableArn),
    };
  }

  async tableStatus(name: string): Promise<string | undefined> {
    try {
      const out = await this.#client.send(new DescribeTableCommand({ TableName: name }));
      return out.Table?.TableStatus ?? 'CREATING';
    } catch (error) {
      if (isNamed(error, ...MISSING)) return undefined;
      throw translateAwsError(error, `DynamoDB DescribeTable ${name}`);
    }
  }

  async #tags(arn: string): Promise<Tag[]> {
    const tags: Tag[] = [];
    let token: string | undefined;
    do {
      const context = `DynamoDB ListTagsOfResource ${arn}`;
      try {
        const out = await this.#client.send(
          new ListTagsOfResourceCommand({ ResourceArn: arn, ...(token ? { NextToken: token } : {}) }),
        );
        for (const tag of out.Tags ?? [])
          if (tag.Key !== undefined) tags.push({ key: tag.Key, value: tag.Value ?? '' });
        token = out.NextToken || undefined;
      } catch (error) {
        // Deleted between the two reads: no tags is what it has.
        if (isNamed(error, ...MISSING)) return tags;
        throw translateAwsError(error, context);
      }
    } while (token);
    return tags;
  }

  async createTable(spec: TableSpec): Promise<TableInfo> {
    const context = `DynamoDB CreateTable ${spec.name}`;
    const keys = [
      { AttributeName: spec.partitionKey, KeyType: 'HASH' as const },
      ...(spec.sortKey ? [{ AttributeName: spec.sortKey, KeyType: 'RANGE' as const }] : []),
    ];
    try {
      const out = await this.#client.send(
        new CreateTableCommand({
          TableName: spec.name,
          KeySchema: keys,
          AttributeDefinitions: keys.map((key) => ({ AttributeName: key.AttributeName, AttributeType: 'S' })),
          BillingMode: 'PAY_PER_REQUEST',
          Tags: spec.tags.map((tag) => ({ Key: tag.key, Value: tag.value })),
        }),
      );
      const table = out.TableDescription;
      if (!table?.TableArn) throw new FatalError(`${context}: the answer has no table ARN`);
      return {
        name: spec.name,
        arn: table.TableArn,
        status: table.TableStatus ?? 'CREATING',
        partitionKey: spec.partitionKey,
        ...(spec.sortKey ? { sortKey: spec.sortKey } : {}),
        tags: spec.tags,
      };
    } catch (error) {
      // One of the name exists already (made by a try that died, or someone else's): as it is.
      if (isNamed(error, 'ResourceInUseException')) {
        const existing = await this.describeTable(spec.name);
        if (existing) return existing;
        throw new NotReadyError(`${context}: a table of the name is in use but not found yet`, {
          cause: error,
        });
      }
      throw translate(error, context);
    }
  }

  async enablePointInTimeRecovery(name: string): Promise<void> {
    const context = `DynamoDB UpdateContinuousBackups ${name}`;
    try {
      await this.#client.send(
        new UpdateContinuousBackupsCommand({
          TableName: name,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        }),
      );
    } catch (error) {
      throw translate(error, context);
    }
  }

  async pointInTimeRecovery(name: string): Promise<boolean | undefined> {
    const context = `DynamoDB DescribeContinuousBackups ${name}`;
    try {
      const out = await this.#client.send(new DescribeContinuousBackupsCommand({ TableName: name }));
      const status =
        out.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus;
      return status === 'ENABLED';
    } catch (error) {
      if (isNamed(error, ...MISSING)) return undefined;
      throw translateAwsError(error, context);
    }
  }

  async backupTable(name: string, backupName: string): Promise<string> {
    const context = `DynamoDB CreateBackup ${name}`;
    try {
      const out = await this.#client.send(
        new CreateBackupCommand({ TableName: name, BackupName: backupName }),
      );
      const arn = out.BackupDetails?.BackupArn;
      if (!arn) throw new FatalError(`${context}: the answer has no backup ARN`);
      return arn;
    } catch (error) {
      if (isNamed(error, ...MISSING))
        throw new FatalError(`${context} failed: table ${name} does not exist`, { cause: error });
      throw translate(error, context);
    }
  }

  async listBackups(name: string): Promise<Array<{ name: string; arn: string; createdAt?: number }>> {
    const context = `DynamoDB ListBackups ${name}`;
    const backups: Array<{ name: string; arn: string; createdAt?: number }> = [];
    let start: string | undefined;
    do {
      try {
        const out = await this.#client.send(
          // Every type: with AWS Backup's advanced features on, the account's backups may be listed as such.
          new ListBackupsCommand({
            TableName: name,
            BackupType: 'ALL',
            ...(start ? { ExclusiveStartBackupArn: start } : {}),
          }),
        );
        for (const backup of out.BackupSummaries ?? [])
          if (backup.BackupArn && backup.BackupName)
            backups.push({
              name: backup.BackupName,
              arn: backup.BackupArn,
              ...(backup.BackupCreationDateTime
                ? { createdAt: backup.BackupCreationDateTime.getTime() }
                : {}),
            });
        start = out.LastEvaluatedBackupArn || undefined;
      } catch (error) {
        throw translateAwsError(error, context);
      }
    } while (start);
    return backups
      .sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0))
      .map(({ name: backupName, arn }) => ({ name: backupName, arn }));
  }

  async deleteTable(name: string): Promise<void> {
    const context = `DynamoDB DeleteTable ${name}`;
    try {
      await this.#client.send(new DeleteTableCommand({ TableName: name }));
    } catch (error) {
      if (isNamed(error, ...MISSING)) return;
      throw translate(error, context);
    }
  }

  async countTables(): Promise<number> {
    let count = 0;
    let start: string | undefined;
    do {
      try {
        const out = await this.#client.send(
          new ListTablesCommand({ Limit: 100, ...(start ? { ExclusiveStartTableName: start } : {}) }),
        );
        count += out.TableNames?.length ?? 0;
        start = out.LastEvaluatedTableName || undefined;
      } catch (error) {
        throw translateAwsError(error, 'DynamoDB ListTables');
      }
    } while (start);
    return count;
  }
}
