import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  type DynamoDBClientConfig,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type ClientOptions, resolveClient } from './client-options.ts';

/** Options of the DynamoDB adapters: a document client (or a config to build one) and the table. */
export type DynamoAdapterOptions = ClientOptions<DynamoDBDocumentClient, DynamoDBClientConfig> & {
  tableName: string;
};

/** Resolves the document client; one built here drops `undefined` attributes instead of failing on them. */
export const documentClient = (adapter: string, options: DynamoAdapterOptions): DynamoDBDocumentClient =>
  resolveClient(adapter, options, (config) =>
    DynamoDBDocumentClient.from(new DynamoDBClient(config ?? {}), {
      marshallOptions: { removeUndefinedValues: true },
    }),
  );

/** True for the failed condition of a conditional write (an expected outcome, not a fault). */
export const isConditionFailed = (error: unknown): boolean =>
  error instanceof ConditionalCheckFailedException;

/**
 * Every item of partition `pk` of `tableName`, page after page, read consistently. SDK errors
 * propagate as raised (the caller translates them with its own context).
 */
export const queryPartition = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  pk: string,
): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': 'pk' },
        ExpressionAttributeValues: { ':pk': pk },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(out.Items ?? []));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return items;
};
