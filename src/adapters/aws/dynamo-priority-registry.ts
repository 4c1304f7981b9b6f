import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { PriorityClaim, PriorityRegistry } from '../../ports/tenant-map.ts';
import {
  type DynamoAdapterOptions,
  documentClient,
  isConditionFailed,
  queryPartition,
} from './dynamo-client.ts';
import { translateTableError } from './errors.ts';
import { parseResult } from './parse.ts';

/** Options of {@link DynamoPriorityRegistry}. */
export type DynamoPriorityRegistryOptions = DynamoAdapterOptions;

const claimSchema = z.object({ sk: z.string().regex(/^\d{5}$/), tenantId: z.string().min(1) });

/** Key of one priority on one listener; zero-padded so the sort key orders like the number. */
const priorityKey = (listenerArn: string, priority: number) => ({
  pk: `PRIORITY#${listenerArn}`,
  sk: String(priority).padStart(5, '0'),
});

/** {@link PriorityRegistry} on DynamoDB: one item per claimed priority, written conditionally. */
export class DynamoPriorityRegistry implements PriorityRegistry {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(options: DynamoPriorityRegistryOptions) {
    this.#client = documentClient('DynamoPriorityRegistry', options);
    this.#tableName = options.tableName;
  }

  async list(listenerArn: string): Promise<PriorityClaim[]> {
    const context = `DynamoDB Query priorities of ${listenerArn}`;
    try {
      return (await queryPartition(this.#client, this.#tableName, `PRIORITY#${listenerArn}`)).map((item) => {
        const parsed = parseResult(claimSchema, item, context);
        return { priority: Number(parsed.sk), tenantId: parsed.tenantId };
      });
    } catch (error) {
      throw translateTableError(error, context, this.#tableName);
    }
  }

  async claim(listenerArn: string, priority: number, tenantId: string): Promise<boolean> {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: { ...priorityKey(listenerArn, priority), tenantId },
          ConditionExpression: 'attribute_not_exists(#pk) OR #tenantId = :tenantId',
          ExpressionAttributeNames: { '#pk': 'pk', '#tenantId': 'tenantId' },
          ExpressionAttributeValues: { ':tenantId': tenantId },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw translateTableError(
        error,
        `DynamoDB claim priority ${priority} of ${listenerArn} for ${tenantId}`,
        this.#tableName,
      );
    }
  }

  async release(listenerArn: string, priority: number, tenantId: string): Promise<void> {
    try {
      await this.#client.send(
        new DeleteCommand({
          TableName: this.#tableName,
          Key: priorityKey(listenerArn, priority),
          ConditionExpression: '#tenantId = :tenantId',
          ExpressionAttributeNames: { '#tenantId': 'tenantId' },
          ExpressionAttributeValues: { ':tenantId': tenantId },
        }),
      );
    } catch (error) {
      // Not held by this tenant (or not held at all): there is nothing of ours to free.
      if (isConditionFailed(error)) return;
      throw translateTableError(
        error,
        `DynamoDB release priority ${priority} of ${listenerArn} for ${tenantId}`,
        this.#tableName,
      );
    }
  }
}
