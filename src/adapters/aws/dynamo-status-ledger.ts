import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { RetryableError } from '../../domain/errors.ts';
import type { StatusLedger } from '../../ports/tenant-map.ts';
import { type DynamoAdapterOptions, documentClient, isConditionFailed } from './dynamo-client.ts';
import { translateTableError } from './errors.ts';
import { parseResult } from './parse.ts';

/** Options of {@link DynamoStatusLedger}. */
export type DynamoStatusLedgerOptions = DynamoAdapterOptions & {
  /**
   * How long a claim keeps other owners out (default 90 s: longer than the step Lambda's timeout,
   * so only a sender that died loses its claim).
   */
  leaseSeconds?: number;
};

const entrySchema = z.object({ state: z.enum(['CLAIMED', 'SENT']) });

const ledgerKey = (execution: string) => ({ pk: `STATUS#${execution}`, sk: 'EVENT' }) as const;

/** {@link StatusLedger} on DynamoDB: one item per execution, `CLAIMED` then `SENT`. */
export class DynamoStatusLedger implements StatusLedger {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #leaseMs: number;

  constructor(options: DynamoStatusLedgerOptions) {
    this.#client = documentClient('DynamoStatusLedger', options);
    this.#tableName = options.tableName;
    this.#leaseMs = (options.leaseSeconds ?? 90) * 1000;
  }

  async claim(
    key: string,
    detailType: string,
    at: string,
    owner: string,
  ): Promise<'claimed' | 'sent' | 'busy'> {
    const context = `DynamoDB claim status event of ${key}`;
    const now = Date.parse(at);
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: {
            ...ledgerKey(key),
            detailType,
            state: 'CLAIMED',
            owner,
            at,
            leaseUntil: now + this.#leaseMs,
          },
          // New, or a claim (never a sent event) that is ours or whose sender died.
          ConditionExpression:
            'attribute_not_exists(#pk) OR (#state = :claimed AND (#owner = :owner OR #leaseUntil < :now))',
          ExpressionAttributeNames: {
            '#pk': 'pk',
            '#state': 'state',
            '#owner': 'owner',
            '#leaseUntil': 'leaseUntil',
          },
          ExpressionAttributeValues: { ':claimed': 'CLAIMED', ':owner': owner, ':now': now },
        }),
      );
      return 'claimed';
    } catch (error) {
      if (!isConditionFailed(error)) throw translateTableError(error, context, this.#tableName);
    }
    const existing = await this.#read(key, context);
    if (existing === undefined) {
      // Abandoned between our write and our read: the caller's retry will claim it afresh.
      throw new RetryableError(`${context}: the claim was given back concurrently; try again`);
    }
    return existing.state === 'SENT' ? 'sent' : 'busy';
  }

  async markSent(execution: string, at: string, note?: string): Promise<void> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: ledgerKey(execution),
          UpdateExpression: `SET #state = :sent, #sentAt = :at${note === undefined ? '' : ', #note = :note'}`,
          ExpressionAttributeNames: {
            '#state': 'state',
            '#sentAt': 'sentAt',
            ...(note === undefined ? {} : { '#note': 'note' }),
          },
          ExpressionAttributeValues: {
            ':sent': 'SENT',
            ':at': at,
            ...(note === undefined ? {} : { ':note': note }),
          },
        }),
      );
    } catch (error) {
      throw translateTableError(error, `DynamoDB mark status event of ${execution} sent`, this.#tableName);
    }
  }

  async abandon(execution: string, owner: string): Promise<void> {
    try {
      await this.#client.send(
        new DeleteCommand({
          TableName: this.#tableName,
          Key: ledgerKey(execution),
          // Never forget an event that did go out, nor another owner's claim.
          ConditionExpression: '#state = :claimed AND #owner = :owner',
          ExpressionAttributeNames: { '#state': 'state', '#owner': 'owner' },
          ExpressionAttributeValues: { ':claimed': 'CLAIMED', ':owner': owner },
        }),
      );
    } catch (error) {
      if (isConditionFailed(error)) return;
      throw translateTableError(error, `DynamoDB abandon status event of ${execution}`, this.#tableName);
    }
  }

  async recordStart(name: string, at: string): Promise<'first' | 'again'> {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: { pk: `START#${name}`, sk: 'EXECUTION', at },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': 'pk' },
        }),
      );
      return 'first';
    } catch (error) {
      if (isConditionFailed(error)) return 'again';
      throw translateTableError(error, `DynamoDB record the start of ${name}`, this.#tableName);
    }
  }

  async #read(execution: string, context: string) {
    try {
      const out = await this.#client.send(
        new GetCommand({ TableName: this.#tableName, Key: ledgerKey(execution), ConsistentRead: true }),
      );
      return out.Item === undefined ? undefined : parseResult(entrySchema, out.Item, context);
    } catch (error) {
      throw translateTableError(error, context, this.#tableName);
    }
  }
}
