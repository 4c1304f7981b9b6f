import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { RetryableError } from '../../domain/errors.ts';
import type { StatusLedger } from '../../ports/tenant-map.ts';
import { type DynamoAdapterOptions, documentClient, isConditionFailed } from './dynamo-client.ts';
import { translateAwsError } from './errors.ts';
import { parseResult } from './parse.ts';

/** Options of {@link DynamoStatusLedger}. */
export type DynamoStatusLedgerOptions = DynamoAdapterOptions;

const entrySchema = z.object({ state: z.enum(['CLAIMED', 'SENT']) });

const ledgerKey = (execution: string) => ({ pk: `STATUS#${execution}`, sk: 'EVENT' }) as const;

/** {@link StatusLedger} on DynamoDB: one item per execution, `CLAIMED` then `SENT`. */
export class DynamoStatusLedger implements StatusLedger {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(options: DynamoStatusLedgerOptions) {
    this.#client = documentClient('DynamoStatusLedger', options);
    this.#tableName = options.tableName;
  }

  async claim(execution: string, detailType: string, at: string): Promise<'claimed' | 'sent'> {
    const context = `DynamoDB claim status event of ${execution}`;
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: { ...ledgerKey(execution), detailType, state: 'CLAIMED', at },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': 'pk' },
        }),
      );
      return 'claimed';
    } catch (error) {
      if (!isConditionFailed(error)) throw translateAwsError(error, context);
    }
    const existing = await this.#read(execution, context);
    if (existing === undefined) {
      // Abandoned between our write and our read: the caller's retry will claim it afresh.
      throw new RetryableError(`${context}: the claim was given back concurrently; try again`);
    }
    // A CLAIMED entry is a sender that crashed before sending: the retry must be able to send.
    return existing.state === 'SENT' ? 'sent' : 'claimed';
  }

  async markSent(execution: string, at: string): Promise<void> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: ledgerKey(execution),
          UpdateExpression: 'SET #state = :sent, #sentAt = :at',
          ExpressionAttributeNames: { '#state': 'state', '#sentAt': 'sentAt' },
          ExpressionAttributeValues: { ':sent': 'SENT', ':at': at },
        }),
      );
    } catch (error) {
      throw translateAwsError(error, `DynamoDB mark status event of ${execution} sent`);
    }
  }

  async abandon(execution: string): Promise<void> {
    try {
      await this.#client.send(
        new DeleteCommand({
          TableName: this.#tableName,
          Key: ledgerKey(execution),
          // Never forget an event that did go out: only a claim may be given back.
          ConditionExpression: '#state = :claimed',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':claimed': 'CLAIMED' },
        }),
      );
    } catch (error) {
      if (isConditionFailed(error)) return;
      throw translateAwsError(error, `DynamoDB abandon status event of ${execution}`);
    }
  }

  async #read(execution: string, context: string) {
    try {
      const out = await this.#client.send(
        new GetCommand({ TableName: this.#tableName, Key: ledgerKey(execution), ConsistentRead: true }),
      );
      return out.Item === undefined ? undefined : parseResult(entrySchema, out.Item, context);
    } catch (error) {
      throw translateAwsError(error, context);
    }
  }
}
