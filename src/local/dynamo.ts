import { mkdirSync } from 'node:fs';
import { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';

/** A running local DynamoDB-API server and the client configuration that reaches it. */
export interface LocalDynamo {
  endpoint: string;
  clientConfig: DynamoDBClientConfig;
  /** Closes the server and its LevelDB store. */
  stop(): Promise<void>;
}

interface DynaliteOptions {
  path?: string;
  createTableMs: number;
  deleteTableMs: number;
  updateTableMs: number;
}
type DynaliteFactory = (options: DynaliteOptions) => unknown;

// dynalite is CommonJS without type declarations: load it through require and check what came back.
const requireHere = createRequire(import.meta.url);
const loaded: unknown = requireHere('dynalite');
const isFactory = (value: unknown): value is DynaliteFactory => typeof value === 'function';

/**
 * dynalite 4.0.0 answers each Query and Scan from a read stream over a `level` iterator and, once the
 * stream is done, frees the iterator by calling its `return()`, which abstract-level 3's iterators do
 * not have (they have `close()`). So every Query and Scan left its iterator open: held in the
 * database's resource set with its read-ahead cache (and on disk, LevelDB's native iterator and
 * snapshot), for the life of the process. A fleet of 2,000 onboardings left thousands of them, most
 * of the memory that grew with the fleet. Giving the iterators the `return()` dynalite calls closes
 * them. The abstract-level copy is the one `level` loads for dynalite.
 */
const closeIteratorsOnReturn = (): void => {
  const fromDynalite = createRequire(requireHere.resolve('dynalite'));
  const fromLevel = createRequire(fromDynalite.resolve('level'));
  const abstractLevel: Record<string, unknown> = fromLevel('abstract-level');
  for (const name of ['AbstractIterator', 'AbstractKeyIterator', 'AbstractValueIterator']) {
    const iterator = abstractLevel[name];
    if (typeof iterator !== 'function') continue;
    const prototype: object = iterator.prototype;
    if ('return' in prototype) continue;
    Object.defineProperty(prototype, 'return', {
      configurable: true,
      writable: true,
      value(this: { close(): Promise<void> }) {
        return this.close();
      },
    });
  }
};
closeIteratorsOnReturn();

/** Never leaves the machine: dynalite accepts any key. */
const credentials = { accessKeyId: 'LOCALDYNAMO', secretAccessKey: 'local-dynamo' };

const listen = (server: Server): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      const address: AddressInfo | string | null = server.address();
      if (address === null || typeof address === 'string')
        reject(new Error('dynalite did not bind a TCP port'));
      else resolve(address.port);
    });
  });

const close = (server: Server): Promise<void> =>
  new Promise((resolve, reject) => {
    // Idle keep-alive sockets of SDK clients would otherwise hold the server open.
    server.closeAllConnections();
    server.close((error) => (error ? reject(error) : resolve()));
  });

const tableStatus = async (client: DynamoDBClient, tableName: string): Promise<string | undefined> => {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return Table?.TableStatus ?? 'UNKNOWN';
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
};

/** How long a new table may take to turn ACTIVE (dynalite flips it a tick after CreateTable). */
const TABLE_READY_TIMEOUT_MS = 5_000;

/**
 * Creates the single-table design's table (`pk` + `sk`, on demand) unless it is there already, and
 * waits until it is ACTIVE: dynalite answers CreateTable while the table is still CREATING, and a
 * write in between fails with ResourceNotFoundException.
 */
const ensureTable = async (clientConfig: DynamoDBClientConfig, tableName: string): Promise<void> => {
  const client = new DynamoDBClient(clientConfig);
  try {
    if ((await tableStatus(client, tableName)) === undefined) {
      await client.send(
        new CreateTableCommand({
          TableName: tableName,
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
    }
    const deadline = Date.now() + TABLE_READY_TIMEOUT_MS;
    for (;;) {
      const status = await tableStatus(client, tableName);
      if (status === 'ACTIVE') return;
      if (Date.now() > deadline) {
        throw new Error(
          `local DynamoDB table ${tableName} is ${status ?? 'missing'}, not ACTIVE: the state dir is damaged (tenantflow reset empties it)`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    client.destroy();
  }
};

/**
 * Starts dynalite on 127.0.0.1 (a free port), on disk under `dir` when given (so the next run
 * sees the same data) or in memory, and makes sure `tableName` exists.
 */
export const startLocalDynamo = async (options: {
  dir?: string;
  tableName: string;
}): Promise<LocalDynamo> => {
  if (!isFactory(loaded)) throw new Error('dynalite did not export a server factory');
  if (options.dir) mkdirSync(options.dir, { recursive: true });
  const server = loaded({
    ...(options.dir ? { path: options.dir } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  if (!(server instanceof Server)) throw new Error('dynalite did not return an HTTP server');
  const port = await listen(server);
  const endpoint = `http://127.0.0.1:${port}`;
  const clientConfig: DynamoDBClientConfig = { endpoint, region: 'us-east-1', credentials };
  try {
    await ensureTable(clientConfig, options.tableName);
  } catch (error) {
    await close(server);
    throw error;
  }
  return { endpoint, clientConfig, stop: () => close(server) };
};
