import {
  type CreateBackupCommandOutput,
  type CreateTableCommandOutput,
  type DeleteTableCommandOutput,
  type DescribeContinuousBackupsCommandOutput,
  type DescribeTableCommandOutput,
  DynamoDBServiceException,
  LimitExceededException,
  type ListBackupsCommandOutput,
  type ListTablesCommandOutput,
  type ListTagsOfResourceCommandOutput,
  ResourceInUseException,
  ResourceNotFoundException,
  type TableDescription,
  TableNotFoundException,
  type TagResourceCommandOutput,
  type UpdateContinuousBackupsCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { QUOTAS } from '../../../../domain/quota-names.ts';
import { arn, errorMetadata, nextHex, type SimContext } from '../../context.ts';
import type { Out } from '../../plugin.ts';
import type { TableRecord } from './state.ts';

/*
 * The calls of DynamoDB's control plane tenantflow makes on a tenant's tables, with DynamoDB's rules
 * that shape them: names unique in the Region (3-255 of a-z, A-Z, 0-9, `_`, `-`, `.`), string keys
 * declared among the attribute definitions, tags at creation, point-in-time recovery off until turned
 * on, a backup only of a table that exists. A table is ACTIVE as soon as it is made (DynamoDB takes
 * seconds; nothing here models that wait), and gone as soon as it is deleted.
 */

/** DynamoDB's default quota of tables per account and Region (../shared/aws-limits.md). */
const TABLES_PER_REGION = QUOTAS.tablesPerRegion.limit;

const validation = (message: string) =>
  new DynamoDBServiceException({
    name: 'ValidationException',
    $fault: 'client',
    $metadata: errorMetadata(),
    message,
  });

const parse = <T extends z.ZodType>(schema: T, input: unknown): z.infer<T> => {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw validation(
      `1 validation error detected: Value at '${issue?.path.join('.') || 'input'}' failed to satisfy constraint: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
};

const TABLE_NAME = z.string().regex(/^[a-zA-Z0-9_.-]{3,255}$/, 'must be a table name');

const notFound = (name: string) =>
  new ResourceNotFoundException({
    message: `Requested resource not found: Table: ${name} not found`,
    $metadata: errorMetadata(),
  });

const requireTable = (ctx: SimContext, name: string): TableRecord => {
  const table = ctx.state.tables.find((candidate) => candidate.name === name);
  if (!table) throw notFound(name);
  return table;
};

const describe = (table: TableRecord): TableDescription => ({
  TableName: table.name,
  TableArn: table.arn,
  TableStatus: 'ACTIVE',
  CreationDateTime: new Date(table.createdAt),
  KeySchema: [
    { AttributeName: table.partitionKey, KeyType: 'HASH' },
    ...(table.sortKey ? [{ AttributeName: table.sortKey, KeyType: 'RANGE' as const }] : []),
  ],
  AttributeDefinitions: [
    { AttributeName: table.partitionKey, AttributeType: 'S' },
    ...(table.sortKey ? [{ AttributeName: table.sortKey, AttributeType: 'S' as const }] : []),
  ],
  BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
  ItemCount: 0,
  TableSizeBytes: 0,
});

const tagsInput = z
  .array(z.object({ Key: z.string().min(1).max(128), Value: z.string().max(256) }))
  .max(50)
  .optional();

const createInput = z.object({
  TableName: TABLE_NAME,
  KeySchema: z
    .array(z.object({ AttributeName: z.string().min(1), KeyType: z.enum(['HASH', 'RANGE']) }))
    .min(1)
    .max(2),
  AttributeDefinitions: z.array(
    z.object({ AttributeName: z.string().min(1), AttributeType: z.enum(['S', 'N', 'B']) }),
  ),
  BillingMode: z.enum(['PAY_PER_REQUEST', 'PROVISIONED']).optional(),
  Tags: tagsInput,
});

export const createTable = (ctx: SimContext, raw: unknown): Out<CreateTableCommandOutput> => {
  const input = parse(createInput, raw);
  if (input.BillingMode !== 'PAY_PER_REQUEST')
    throw validation('One or more parameter values were invalid: only PAY_PER_REQUEST is simulated');
  const partitionKey = input.KeySchema.find((key) => key.KeyType === 'HASH')?.AttributeName;
  const sortKey = input.KeySchema.find((key) => key.KeyType === 'RANGE')?.AttributeName;
  if (!partitionKey || input.KeySchema[0]?.KeyType !== 'HASH')
    throw validation('Invalid KeySchema: The first KeySchemaElement is not a HASH key type');
  const declared = new Set(input.AttributeDefinitions.map((definition) => definition.AttributeName));
  const keys = [partitionKey, ...(sortKey ? [sortKey] : [])];
  if (keys.some((key) => !declared.has(key)) || declared.size !== keys.length)
    throw validation(
      'One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions, or some AttributeDefinitions are not used',
    );
  if (ctx.state.tables.some((table) => table.name === input.TableName))
    throw new ResourceInUseException({
      message: `Table already exists: ${input.TableName}`,
      $metadata: errorMetadata(),
    });
  if (ctx.state.tables.length >= TABLES_PER_REGION)
    throw new LimitExceededException({
      message: `Subscriber limit exceeded: tables per Region (${TABLES_PER_REGION})`,
      $metadata: errorMetadata(),
    });
  const table = ctx.write.add('tables', {
    name: input.TableName,
    arn: arn(ctx, 'dynamodb', `table/${input.TableName}`),
    createdAt: ctx.now,
    partitionKey,
    ...(sortKey ? { sortKey } : {}),
    tags: (input.Tags ?? []).map((tag) => ({ key: tag.Key, value: tag.Value })),
    pointInTimeRecovery: false,
  });
  return { TableDescription: { ...describe(table), TableStatus: 'CREATING' } };
};

const nameInput = z.object({ TableName: TABLE_NAME });

export const describeTable = (ctx: SimContext, raw: unknown): Out<DescribeTableCommandOutput> => ({
  Table: describe(requireTable(ctx, parse(nameInput, raw).TableName)),
});

export const deleteTable = (ctx: SimContext, raw: unknown): Out<DeleteTableCommandOutput> => {
  const table = requireTable(ctx, parse(nameInput, raw).TableName);
  ctx.write.remove('tables', (candidate) => candidate.name === table.name);
  return { TableDescription: { ...describe(table), TableStatus: 'DELETING' } };
};

const listInput = z.object({
  ExclusiveStartTableName: z.string().optional(),
  Limit: z.number().int().min(1).max(100).optional(),
});

export const listTables = (ctx: SimContext, raw: unknown): Out<ListTablesCommandOutput> => {
  const input = parse(listInput, raw);
  const names = ctx.state.tables.map((table) => table.name).sort();
  const from = input.ExclusiveStartTableName
    ? names.findIndex((name) => name > (input.ExclusiveStartTableName ?? ''))
    : 0;
  const page = from < 0 ? [] : names.slice(from, from + (input.Limit ?? 100));
  const more = from >= 0 && from + page.length < names.length;
  return { TableNames: page, ...(more ? { LastEvaluatedTableName: page.at(-1) } : {}) };
};

/** The table an ARN names, or ResourceNotFoundException. */
const tableOfArn = (ctx: SimContext, resourceArn: string): TableRecord => {
  const table = ctx.state.tables.find((candidate) => candidate.arn === resourceArn);
  if (!table)
    throw new ResourceNotFoundException({
      message: `Requested resource not found: ResourcArn: ${resourceArn} not found`,
      $metadata: errorMetadata(),
    });
  return table;
};

export const listTagsOfResource = (ctx: SimContext, raw: unknown): Out<ListTagsOfResourceCommandOutput> => {
  const input = parse(z.object({ ResourceArn: z.string().min(1), NextToken: z.string().optional() }), raw);
  return { Tags: tableOfArn(ctx, input.ResourceArn).tags.map((tag) => ({ Key: tag.key, Value: tag.value })) };
};

export const tagResource = (ctx: SimContext, raw: unknown): Out<TagResourceCommandOutput> => {
  const input = parse(z.object({ ResourceArn: z.string().min(1), Tags: tagsInput.unwrap() }), raw);
  const table = ctx.write.touch('tables', tableOfArn(ctx, input.ResourceArn));
  for (const tag of input.Tags) {
    const existing = table.tags.find((candidate) => candidate.key === tag.Key);
    if (existing) existing.value = tag.Value;
    else table.tags.push({ key: tag.Key, value: tag.Value });
  }
  return {};
};

const continuous = (table: TableRecord) => ({
  ContinuousBackupsDescription: {
    ContinuousBackupsStatus: 'ENABLED' as const,
    PointInTimeRecoveryDescription: {
      PointInTimeRecoveryStatus: table.pointInTimeRecovery ? ('ENABLED' as const) : ('DISABLED' as const),
    },
  },
});

export const updateContinuousBackups = (
  ctx: SimContext,
  raw: unknown,
): Out<UpdateContinuousBackupsCommandOutput> => {
  const input = parse(
    nameInput.extend({
      PointInTimeRecoverySpecification: z.object({ PointInTimeRecoveryEnabled: z.boolean() }),
    }),
    raw,
  );
  const found = ctx.state.tables.find((candidate) => candidate.name === input.TableName);
  if (!found)
    throw new TableNotFoundException({
      message: `Table not found: ${input.TableName}`,
      $metadata: errorMetadata(),
    });
  const table = ctx.write.touch('tables', found);
  table.pointInTimeRecovery = input.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled;
  return continuous(table);
};

export const describeContinuousBackups = (
  ctx: SimContext,
  raw: unknown,
): Out<DescribeContinuousBackupsCommandOutput> => {
  const name = parse(nameInput, raw).TableName;
  const table = ctx.state.tables.find((candidate) => candidate.name === name);
  if (!table)
    throw new TableNotFoundException({ message: `Table not found: ${name}`, $metadata: errorMetadata() });
  return continuous(table);
};

export const createBackup = (ctx: SimContext, raw: unknown): Out<CreateBackupCommandOutput> => {
  const input = parse(
    nameInput.extend({ BackupName: z.string().regex(/^[a-zA-Z0-9_.-]{3,255}$/, 'must be a backup name') }),
    raw,
  );
  const table = ctx.state.tables.find((candidate) => candidate.name === input.TableName);
  if (!table)
    throw new TableNotFoundException({
      message: `Table not found: ${input.TableName}`,
      $metadata: errorMetadata(),
    });
  const backup = ctx.write.add('backups', {
    arn: `${table.arn}/backup/${ctx.now}-${nextHex(ctx, 8)}`,
    name: input.BackupName,
    tableName: table.name,
    tableArn: table.arn,
    createdAt: ctx.now,
  });
  return {
    BackupDetails: {
      BackupArn: backup.arn,
      BackupName: backup.name,
      BackupStatus: 'AVAILABLE',
      BackupType: 'USER',
      BackupCreationDateTime: new Date(backup.createdAt),
    },
  };
};

export const listBackups = (ctx: SimContext, raw: unknown): Out<ListBackupsCommandOutput> => {
  const input = parse(
    z.object({ TableName: TABLE_NAME.optional(), ExclusiveStartBackupArn: z.string().optional() }),
    raw,
  );
  const backups = ctx.state.backups
    .filter((backup) => !input.TableName || backup.tableName === input.TableName)
    .sort((a, b) => a.createdAt - b.createdAt || a.arn.localeCompare(b.arn));
  const from = input.ExclusiveStartBackupArn
    ? backups.findIndex((backup) => backup.arn === input.ExclusiveStartBackupArn) + 1
    : 0;
  return {
    BackupSummaries: backups.slice(from).map((backup) => ({
      TableName: backup.tableName,
      TableArn: backup.tableArn,
      BackupArn: backup.arn,
      BackupName: backup.name,
      BackupCreationDateTime: new Date(backup.createdAt),
      BackupStatus: 'AVAILABLE',
      BackupType: 'USER',
    })),
  };
};
