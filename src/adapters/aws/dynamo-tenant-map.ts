import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ConflictError, RetryableError, TenantLockedError } from '../../domain/errors.ts';
import type { TenantResources } from '../../domain/resources.ts';
import type { HistoryEntry, TenantRecord } from '../../domain/tenant-record.ts';
import type {
  AcquireRequest,
  MigrationChange,
  ReleaseRequest,
  RepairRequest,
  TenantMap,
} from '../../ports/tenant-map.ts';
import { type DynamoAdapterOptions, documentClient, isConditionFailed } from './dynamo-client.ts';
import { identityKey, TENANT_PK_PREFIX, tenantKey, toTenantRecord } from './dynamo-tenant-record.ts';
import {
  acquireUpdate,
  recordMigrationUpdate,
  recordResourcesUpdate,
  releaseUpdate,
  repairUpdate,
} from './dynamo-tenant-updates.ts';
import { translateTableError } from './errors.ts';
import { parseResult } from './parse.ts';

const identitySchema = z.object({ tenantId: z.string().min(1) });

/** Options of {@link DynamoTenantMap}; `now` stamps writes whose request carries no time. */
export type DynamoTenantMapOptions = DynamoAdapterOptions & { now?: () => Date };

/** {@link TenantMap} on one DynamoDB table (`pk`/`sk`): every write is conditional on the lock. */
export class DynamoTenantMap implements TenantMap {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #now: () => Date;

  constructor(options: DynamoTenantMapOptions) {
    this.#client = documentClient('DynamoTenantMap', options);
    this.#tableName = options.tableName;
    this.#now = options.now ?? (() => new Date());
  }

  async get(tenantId: string): Promise<TenantRecord | undefined> {
    const context = `DynamoDB GetItem tenant ${tenantId}`;
    try {
      const out = await this.#client.send(
        new GetCommand({ TableName: this.#tableName, Key: tenantKey(tenantId), ConsistentRead: true }),
      );
      return out.Item === undefined ? undefined : toTenantRecord(out.Item, context);
    } catch (error) {
      throw translateTableError(error, context, this.#tableName);
    }
  }

  async list(): Promise<TenantRecord[]> {
    const context = 'DynamoDB Scan tenants';
    const records: TenantRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    try {
      do {
        const out = await this.#client.send(
          new ScanCommand({
            TableName: this.#tableName,
            FilterExpression: 'begins_with(#pk, :prefix)',
            ExpressionAttributeNames: { '#pk': 'pk' },
            ExpressionAttributeValues: { ':prefix': TENANT_PK_PREFIX },
            ExclusiveStartKey: startKey,
          }),
        );
        records.push(...(out.Items ?? []).map((item) => toTenantRecord(item, context)));
        startKey = out.LastEvaluatedKey;
      } while (startKey);
    } catch (error) {
      throw translateTableError(error, context, this.#tableName);
    }
    return records;
  }

  async acquire(request: AcquireRequest): Promise<TenantRecord> {
    const context = `DynamoDB acquire tenant ${request.tenantId} for ${request.operation}`;
    if (request.operation === 'onboard') await this.#claimIdentity(request.tenantId);
    try {
      const out = await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: tenantKey(request.tenantId),
          ...acquireUpdate(request),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toTenantRecord(out.Attributes, context);
    } catch (error) {
      if (!isConditionFailed(error)) throw translateTableError(error, context, this.#tableName);
      const current = await this.get(request.tenantId);
      throw acquireConflict(request, current, error);
    }
  }

  /**
   * Makes `tenantId` the owner of its id case-insensitively. Another tenant owning it refuses the
   * onboarding, unless that tenant is gone (no record, or offboarded): then the claim is taken over.
   */
  async #claimIdentity(tenantId: string): Promise<void> {
    const context = `DynamoDB claim the id of tenant ${tenantId}`;
    const claim = async (previousOwner?: string): Promise<boolean> => {
      try {
        await this.#client.send(
          new PutCommand({
            TableName: this.#tableName,
            Item: { ...identityKey(tenantId), tenantId },
            ConditionExpression:
              previousOwner === undefined
                ? 'attribute_not_exists(#pk) OR #tenantId = :tenantId'
                : '#tenantId = :previous',
            ExpressionAttributeNames:
              previousOwner === undefined
                ? { '#pk': 'pk', '#tenantId': 'tenantId' }
                : { '#tenantId': 'tenantId' },
            ExpressionAttributeValues:
              previousOwner === undefined ? { ':tenantId': tenantId } : { ':previous': previousOwner },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailed(error)) return false;
        throw translateTableError(error, context, this.#tableName);
      }
    };
    if (await claim()) return;
    let owner: string;
    try {
      const out = await this.#client.send(
        new GetCommand({ TableName: this.#tableName, Key: identityKey(tenantId), ConsistentRead: true }),
      );
      if (out.Item === undefined)
        throw new RetryableError(`${context}: the claim changed meanwhile; try again`);
      owner = parseResult(identitySchema, out.Item, context).tenantId;
    } catch (error) {
      throw translateTableError(error, context, this.#tableName);
    }
    const holder = await this.get(owner);
    if (holder !== undefined && holder.lifecycleStatus !== 'DELETED') {
      throw new ConflictError(
        `tenant id ${tenantId} differs only in case from tenant ${owner} (${holder.lifecycleStatus}): ` +
          'the load balancer matches tenant headers case-insensitively, so both cannot be tenants',
      );
    }
    if (!(await claim(owner))) throw new RetryableError(`${context}: the claim changed meanwhile; try again`);
  }

  async recordResources(
    tenantId: string,
    execution: string,
    resources: TenantResources,
    history: HistoryEntry[],
  ): Promise<void> {
    const context = `DynamoDB record resources of tenant ${tenantId}`;
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: tenantKey(tenantId),
          ...recordResourcesUpdate({ execution, resources, history, at: this.#now().toISOString() }),
        }),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw translateTableError(error, context, this.#tableName);
      const current = await this.get(tenantId);
      throw new ConflictError(`${context}: ${lockMismatch(tenantId, execution, current)}`, { cause: error });
    }
  }

  async repairResources(request: RepairRequest): Promise<TenantRecord> {
    const context = `DynamoDB repair the resources of tenant ${request.tenantId}`;
    try {
      const out = await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: tenantKey(request.tenantId),
          ...repairUpdate(request),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toTenantRecord(out.Attributes ?? {}, context);
    } catch (error) {
      if (!isConditionFailed(error)) throw translateTableError(error, context, this.#tableName);
      const current = await this.get(request.tenantId);
      const why = !current
        ? 'no record'
        : current.lock
          ? `held by ${current.lock.execution}`
          : `changed (version ${current.version}, expected ${request.expectedVersion})`;
      throw new ConflictError(`${context}: the tenant is ${why}`, { cause: error });
    }
  }

  async recordMigration(
    tenantId: string,
    execution: string,
    change: MigrationChange,
    history: HistoryEntry[],
  ): Promise<void> {
    const context = `DynamoDB record the migration of tenant ${tenantId}`;
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: tenantKey(tenantId),
          ...recordMigrationUpdate({ execution, change, history, at: this.#now().toISOString() }),
        }),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw translateTableError(error, context, this.#tableName);
      const current = await this.get(tenantId);
      const why =
        current?.lock?.execution === execution
          ? 'the record has no migration to record resources into'
          : lockMismatch(tenantId, execution, current);
      throw new ConflictError(`${context}: ${why}`, { cause: error });
    }
  }

  async release(request: ReleaseRequest): Promise<TenantRecord> {
    const context = `DynamoDB release tenant ${request.tenantId}`;
    try {
      return await this.#releaseWrite(request, context);
    } catch (error) {
      if (!isConditionFailed(error)) throw translateTableError(error, context, this.#tableName);
      const current = await this.get(request.tenantId);
      // A retried release step: the first attempt already wrote this very outcome.
      if (current && !current.lock && current.lifecycleStatus === request.status) {
        if (current.history.at(-1)?.execution === request.execution) return current;
      }
      throw new ConflictError(`${context}: ${lockMismatch(request.tenantId, request.execution, current)}`, {
        cause: error,
      });
    }
  }

  async releaseDead(request: ReleaseRequest): Promise<TenantRecord | undefined> {
    const context = `DynamoDB release dead lock of tenant ${request.tenantId}`;
    try {
      return await this.#releaseWrite(request, context);
    } catch (error) {
      if (isConditionFailed(error)) return undefined;
      throw translateTableError(error, context, this.#tableName);
    }
  }

  async #releaseWrite(request: ReleaseRequest, context: string): Promise<TenantRecord> {
    const out = await this.#client.send(
      new UpdateCommand({
        TableName: this.#tableName,
        Key: tenantKey(request.tenantId),
        ...releaseUpdate(request),
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toTenantRecord(out.Attributes, context);
  }
}

const lockMismatch = (tenantId: string, execution: string, current: TenantRecord | undefined): string => {
  if (!current) return `tenant ${tenantId} has no record`;
  if (current.lock) {
    return `tenant ${tenantId} is locked by execution ${current.lock.execution} for operation ${current.lock.operation}, not by ${execution}`;
  }
  return `execution ${execution} does not hold the lock of tenant ${tenantId} (no lock held; status ${current.lifecycleStatus})`;
};

/** Why `acquire`'s condition failed, read from the item as it is now. */
const acquireConflict = (request: AcquireRequest, current: TenantRecord | undefined, cause: unknown) => {
  const prefix = `cannot ${request.operation} tenant ${request.tenantId}`;
  const allowed = request.allowedFrom.join(', ') || 'nothing';
  if (!current) {
    if (request.allowedFrom.includes('absent')) {
      return new RetryableError(`${prefix}: the record changed during the write; try again`, { cause });
    }
    return new ConflictError(`${prefix}: tenant not found (no record; allowed from: ${allowed})`, { cause });
  }
  if (current.lock && current.lock.execution !== request.execution) {
    return new TenantLockedError(
      `${prefix}: locked by execution ${current.lock.execution} for operation ${current.lock.operation} since ${current.lock.since}`,
      current.lock,
      current.tenantRegistrationId,
      { cause },
    );
  }
  if (!request.allowedFrom.includes(current.lifecycleStatus)) {
    return new ConflictError(
      `${prefix}: status ${current.lifecycleStatus} does not allow ${request.operation} (allowed from: ${allowed})`,
      { cause },
    );
  }
  if (request.expectedVersion !== undefined && current.version !== request.expectedVersion) {
    return new ConflictError(
      `${prefix}: the record is at version ${current.version}, not ${request.expectedVersion}: someone worked on the tenant since`,
      { cause },
    );
  }
  // The item now satisfies the condition: another writer released it between our write and our read.
  return new RetryableError(`${prefix}: the record changed during the write; try again`, { cause });
};
