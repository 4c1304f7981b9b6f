import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { GrownShard } from '../../domain/shards.ts';
import type { ShardRegistry } from '../../ports/tenant-map.ts';
import {
  type DynamoAdapterOptions,
  documentClient,
  isConditionFailed,
  queryPartition,
} from './dynamo-client.ts';
import { translateTableError } from './errors.ts';
import { parseResult } from './parse.ts';

/** Options of {@link DynamoShardRegistry}. */
export type DynamoShardRegistryOptions = DynamoAdapterOptions;

const SHARD_PK = 'SHARD';

/** Key of one grown shard; zero-padded so the sort key orders like the index. */
const shardKey = (index: number) => ({ pk: SHARD_PK, sk: String(index).padStart(4, '0') });

const itemSchema = z.object({
  sk: z.string().regex(/^\d{4}$/),
  status: z.enum(['CREATING', 'ACTIVE']),
  execution: z.string().min(1),
  loadBalancerArn: z.string().min(1).optional(),
  listenerArn: z.string().min(1).optional(),
  dnsName: z.string().min(1).optional(),
});

/** {@link ShardRegistry} on the tenant table: one item per grown shard, every change conditional. */
export class DynamoShardRegistry implements ShardRegistry {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(options: DynamoShardRegistryOptions) {
    this.#client = documentClient('DynamoShardRegistry', options);
    this.#tableName = options.tableName;
  }

  async list(): Promise<GrownShard[]> {
    const context = 'DynamoDB Query grown load balancer shards';
    try {
      return (await queryPartition(this.#client, this.#tableName, SHARD_PK)).map((item) => {
        const { sk, ...rest } = parseResult(itemSchema, item, context);
        return { index: Number(sk), ...rest };
      });
    } catch (error) {
      throw translateTableError(error, context, this.#tableName);
    }
  }

  async reserve(index: number, execution: string): Promise<'reserved' | 'taken'> {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: { ...shardKey(index), status: 'CREATING', execution },
          ConditionExpression:
            'attribute_not_exists(#pk) OR (#execution = :execution AND #status = :creating)',
          ExpressionAttributeNames: { '#pk': 'pk', '#execution': 'execution', '#status': 'status' },
          ExpressionAttributeValues: { ':execution': execution, ':creating': 'CREATING' },
        }),
      );
      return 'reserved';
    } catch (error) {
      if (isConditionFailed(error)) return 'taken';
      throw translateTableError(
        error,
        `DynamoDB reserve load balancer shard ${index} for ${execution}`,
        this.#tableName,
      );
    }
  }

  async takeOver(index: number, from: string, execution: string): Promise<boolean> {
    if (from === execution) return (await this.reserve(index, execution)) === 'reserved';
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: shardKey(index),
          UpdateExpression: 'SET #execution = :execution',
          ConditionExpression: '#execution = :from AND #status = :creating',
          ExpressionAttributeNames: { '#execution': 'execution', '#status': 'status' },
          ExpressionAttributeValues: { ':execution': execution, ':from': from, ':creating': 'CREATING' },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw translateTableError(
        error,
        `DynamoDB take over load balancer shard ${index} from ${from}`,
        this.#tableName,
      );
    }
  }

  async activate(
    index: number,
    execution: string,
    shard: { loadBalancerArn: string; listenerArn: string; dnsName: string },
  ): Promise<boolean> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: shardKey(index),
          UpdateExpression: 'SET #status = :active, #lb = :lb, #listener = :listener, #dns = :dns',
          ConditionExpression: '#execution = :execution',
          ExpressionAttributeNames: {
            '#status': 'status',
            '#execution': 'execution',
            '#lb': 'loadBalancerArn',
            '#listener': 'listenerArn',
            '#dns': 'dnsName',
          },
          ExpressionAttributeValues: {
            ':active': 'ACTIVE',
            ':execution': execution,
            ':lb': shard.loadBalancerArn,
            ':listener': shard.listenerArn,
            ':dns': shard.dnsName,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw translateTableError(
        error,
        `DynamoDB activate load balancer shard ${index} for ${execution}`,
        this.#tableName,
      );
    }
  }

  async release(index: number, execution: string): Promise<void> {
    try {
      await this.#client.send(
        new DeleteCommand({
          TableName: this.#tableName,
          Key: shardKey(index),
          ConditionExpression: '#execution = :execution AND #status = :creating',
          ExpressionAttributeNames: { '#execution': 'execution', '#status': 'status' },
          ExpressionAttributeValues: { ':execution': execution, ':creating': 'CREATING' },
        }),
      );
    } catch (error) {
      // Not this execution's, or ACTIVE (tenants may be on it), or gone: nothing of ours to free.
      if (isConditionFailed(error)) return;
      throw translateTableError(
        error,
        `DynamoDB release load balancer shard ${index} for ${execution}`,
        this.#tableName,
      );
    }
  }
}
