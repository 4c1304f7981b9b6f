import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startLocalDynamo } from '../../../src/local/dynamo.ts';

const TABLE = 'tenantflow-tenants';
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const documentClient = (config: DynamoDBClientConfig) =>
  DynamoDBDocumentClient.from(new DynamoDBClient(config));

/** The iterator class of the abstract-level copy dynalite's `level` loads (what its reads iterate with). */
const valueIteratorOfDynalite = (): { prototype: { close(): Promise<void> } } => {
  const fromHere = createRequire(import.meta.url);
  const fromLevel = createRequire(createRequire(fromHere.resolve('dynalite')).resolve('level'));
  return fromLevel('abstract-level').AbstractValueIterator;
};

const tcpHandles = () => process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP'));

describe('startLocalDynamo', () => {
  it('returns only once the table is ACTIVE: the first write right after start succeeds', async () => {
    // Prepare
    const statuses: Array<string | undefined> = [];
    const writes: string[] = [];

    // Act
    for (let run = 0; run < 8; run += 1) {
      // On disk, as the local runtime keeps it: LevelDB makes the CREATING window wider.
      const dir = mkdtempSync(join(tmpdir(), 'tenantflow-dynamo-ready-'));
      dirs.push(dir);
      const local = await startLocalDynamo({ dir, tableName: TABLE });
      const client = documentClient(local.clientConfig);
      try {
        const described = await client.send(new DescribeTableCommand({ TableName: TABLE }));
        statuses.push(described.Table?.TableStatus);
        await client.send(new PutCommand({ TableName: TABLE, Item: { pk: `run#${run}`, sk: 'x' } }));
        writes.push('ok');
      } catch (error) {
        writes.push(error instanceof Error ? error.name : String(error));
      } finally {
        client.destroy();
        await local.stop();
      }
    }

    // Assess
    expect(statuses).toEqual(Array(8).fill('ACTIVE'));
    expect(writes).toEqual(Array(8).fill('ok'));
  });

  it.each([
    ['in memory', false],
    ['on disk', true],
  ])(
    'closes the iterator of every Query it answers (%s), read to its end or cut by a Limit',
    async (_, onDisk) => {
      // Prepare
      const dir = onDisk ? mkdtempSync(join(tmpdir(), 'tenantflow-dynamo-iterators-')) : undefined;
      if (dir) dirs.push(dir);
      const local = await startLocalDynamo({ ...(dir ? { dir } : {}), tableName: TABLE });
      const client = documentClient(local.clientConfig);
      const closed = vi.spyOn(valueIteratorOfDynalite().prototype, 'close');
      try {
        for (let i = 0; i < 5; i += 1)
          await client.send(new PutCommand({ TableName: TABLE, Item: { pk: 'PRIORITY#l', sk: `${i}` } }));
        closed.mockClear();

        // Act
        for (let i = 0; i < 10; i += 1)
          await client.send(
            new QueryCommand({
              TableName: TABLE,
              KeyConditionExpression: 'pk = :pk',
              ExpressionAttributeValues: { ':pk': 'PRIORITY#l' },
              ...(i % 2 === 0 ? {} : { Limit: 2 }),
            }),
          );
        // The stream frees its iterator as it ends, after the answer went out.
        await vi.waitFor(() => expect(closed.mock.calls.length).toBeGreaterThanOrEqual(10));

        // Assess: one close per Query (dynalite 4.0.0 alone left them all open)
        expect(closed.mock.calls.length).toBe(10);
      } finally {
        closed.mockRestore();
        client.destroy();
        await local.stop();
      }
    },
  );

  it('serves the table (pk/sk, on demand) in memory through the real SDK', async () => {
    // Prepare
    const local = await startLocalDynamo({ tableName: TABLE });
    const client = documentClient(local.clientConfig);

    // Act
    await client.send(
      new PutCommand({ TableName: TABLE, Item: { pk: 'TENANT#acme', sk: 'RECORD', tier: 'basic' } }),
    );
    const got = await client.send(
      new GetCommand({ TableName: TABLE, Key: { pk: 'TENANT#acme', sk: 'RECORD' } }),
    );
    const table = await client.send(new DescribeTableCommand({ TableName: TABLE }));
    client.destroy();
    await local.stop();

    // Assess
    expect(local.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(local.clientConfig).toMatchObject({ endpoint: local.endpoint, region: 'us-east-1' });
    expect(got.Item).toEqual({ pk: 'TENANT#acme', sk: 'RECORD', tier: 'basic' });
    expect(table.Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(table.Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('keeps the data on disk across a stop and a second start on the same directory, and leaves no handle open', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'tf-dynamo-'));
    dirs.push(dir);
    const first = await startLocalDynamo({ dir, tableName: TABLE });
    const writer = documentClient(first.clientConfig);
    await writer.send(
      new PutCommand({ TableName: TABLE, Item: { pk: 'TENANT#acme', sk: 'RECORD', version: 3 } }),
    );
    writer.destroy();
    await first.stop();

    // Act
    const second = await startLocalDynamo({ dir, tableName: TABLE });
    const reader = documentClient(second.clientConfig);
    const got = await reader.send(
      new GetCommand({ TableName: TABLE, Key: { pk: 'TENANT#acme', sk: 'RECORD' } }),
    );
    reader.destroy();
    await second.stop();
    await new Promise((resolve) => setImmediate(resolve));

    // Assess
    expect(got.Item).toEqual({ pk: 'TENANT#acme', sk: 'RECORD', version: 3 });
    expect(tcpHandles()).toEqual([]);
  });
});
