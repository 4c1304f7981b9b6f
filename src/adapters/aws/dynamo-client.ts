import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  type DynamoDBClientConfig,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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
