import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoPriorityRegistry } from '../../../../src/adapters/aws/dynamo-priority-registry.ts';
import { DynamoStatusLedger } from '../../../../src/adapters/aws/dynamo-status-ledger.ts';
import { DynamoTenantMap } from '../../../../src/adapters/aws/dynamo-tenant-map.ts';
import { RECORD_SCHEMA_VERSION } from '../../../../src/domain/record-schema.ts';
import type { AcquireRequest, ReleaseRequest } from '../../../../src/ports/tenant-map.ts';

/**
 * The conditional writes against a real DynamoDB-API server (dynalite, in memory): the mocked tests
 * pin the exact inputs, these prove that DynamoDB accepts them and that the conditions mean what they say.
 */
type DynaliteFactory = (options: { createTableMs: number }) => Server;
const isFactory = (value: unknown): value is DynaliteFactory => typeof value === 'function';
const loaded: unknown = createRequire(import.meta.url)('dynalite');
if (!isFactory(loaded)) throw new Error('dynalite did not export a factory');

const tableName = 'tenants';

/** What a promise rejected with (awaited at once, so no rejection is ever left unhandled). */
const failureOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => new Error('expected a rejection'),
    (error: unknown) => error,
  );
const server = loaded({ createTableMs: 0 });
let client: DynamoDBDocumentClient;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('dynalite is not listening on a port');
  const { port } = address;
  const raw = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await raw.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  client = DynamoDBDocumentClient.from(raw);
});

afterAll(async () => {
  client.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const onboard: AcquireRequest = {
  tenantId: 'acme',
  tenantRegistrationId: 'reg-1',
  tenantName: 'Acme',
  placement: { tier: 'basic', cluster: 'shared', service: 'pooled' },
  operation: 'onboard',
  execution: 'exec-1',
  status: 'PROVISIONING',
  allowedFrom: ['absent', 'DELETED', 'FAILED'],
  at: '2025-01-01T00:00:00.000Z',
};

const finish: ReleaseRequest = {
  tenantId: 'acme',
  execution: 'exec-1',
  status: 'ACTIVE',
  active: true,
  resources: { service: { cluster: 'tf', name: 'tf-acme', arn: 'arn:service' } },
  routing: {
    mode: 'silo',
    clusterName: 'tf',
    serviceName: 'tf-acme',
    targetGroupArn: 'tg',
    tenantHeader: 'acme',
  },
  lastError: null,
  history: [
    { operation: 'onboard', execution: 'exec-1', step: 'ActivateTenant', outcome: 'succeeded', at: 'T2' },
  ],
  at: '2025-01-01T00:10:00.000Z',
};

describe('DynamoTenantMap on dynalite', () => {
  it('runs a whole lifecycle through its conditional writes', async () => {
    // Prepare
    const tenants = new DynamoTenantMap({
      client,
      tableName,
      now: () => new Date('2025-01-01T00:05:00.000Z'),
    });

    // Act
    const first = await tenants.acquire(onboard);
    const retried = await tenants.acquire(onboard);
    const rival = await failureOf(tenants.acquire({ ...onboard, execution: 'exec-2' }));
    await tenants.recordResources('acme', 'exec-1', { cluster: { name: 'tf', arn: 'arn:cluster' } }, [
      { operation: 'onboard', execution: 'exec-1', step: 'CreateCluster', outcome: 'succeeded', at: 'T1' },
    ]);
    const foreignRecord = await failureOf(tenants.recordResources('acme', 'exec-2', {}, []));
    const done = await tenants.release(finish);
    const releasedAgain = await tenants.release(finish);
    const dead = await tenants.releaseDead(finish);
    const onboardAgain = await failureOf(tenants.acquire({ ...onboard, execution: 'exec-3' }));
    const offboard = await tenants.acquire({
      ...onboard,
      operation: 'offboard',
      execution: 'exec-4',
      status: 'DEPROVISIONING',
      allowedFrom: ['ACTIVE', 'INACTIVE', 'FAILED'],
    });
    const all = await tenants.list();

    // Assess
    expect(first).toMatchObject({
      lifecycleStatus: 'PROVISIONING',
      version: 1,
      active: false,
      history: [],
      resources: {},
    });
    expect(first.lock).toEqual({ execution: 'exec-1', operation: 'onboard', since: onboard.at });
    expect(retried.version).toBe(2);
    expect(rival).toMatchObject({
      name: 'TenantLockedError',
      message: expect.stringContaining('locked by execution exec-1 for operation onboard'),
    });
    expect(foreignRecord).toMatchObject({ name: 'ConflictError' });
    expect(done).toMatchObject({
      lifecycleStatus: 'ACTIVE',
      active: true,
      version: 4,
      routing: finish.routing,
    });
    expect(done.lock).toBeUndefined();
    expect(done.history.map((entry) => entry.step)).toEqual(['CreateCluster', 'ActivateTenant']);
    expect(releasedAgain).toEqual(done);
    expect(dead).toBeUndefined();
    expect(onboardAgain).toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('status ACTIVE does not allow onboard'),
    });
    expect(offboard).toMatchObject({ lifecycleStatus: 'DEPROVISIONING', createdAt: onboard.at, version: 5 });
    expect(offboard.resources).toEqual({ service: { cluster: 'tf', name: 'tf-acme', arn: 'arn:service' } });
    expect(offboard.placement).toEqual(onboard.placement);
    expect(all).toEqual([offboard]);
  });

  it('refuses to start an operation that needs a record on an unknown tenant', async () => {
    // Prepare
    const tenants = new DynamoTenantMap({ client, tableName });

    // Act
    const result = tenants.acquire({ ...onboard, tenantId: 'ghost', allowedFrom: ['ACTIVE'] });

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('no record'),
    });
  });
});

describe('DynamoTenantMap on dynalite: stored schema versions', () => {
  /** A record as tenantflow up to bc5031f wrote it: no schemaVersion attribute. */
  const legacyItem = (tenantId: string, extra: Record<string, unknown> = {}) => ({
    pk: `TENANT#${tenantId}`,
    sk: 'RECORD',
    tenantId,
    tenantRegistrationId: `reg-${tenantId}`,
    tenantName: tenantId,
    placement: { tier: 'basic', cluster: 'shared', service: 'pooled' },
    lifecycleStatus: 'ACTIVE',
    active: true,
    resources: {},
    history: [],
    version: 3,
    createdAt: 'T0',
    updatedAt: 'T1',
    ...extra,
  });
  const schemaOf = async (tenantId: string) =>
    (
      await client.send(
        new GetCommand({ TableName: tableName, Key: { pk: `TENANT#${tenantId}`, sk: 'RECORD' } }),
      )
    ).Item?.schemaVersion;

  it('reads a record written before the version existed, and stamps it at its next write', async () => {
    // Prepare
    const tenants = new DynamoTenantMap({ client, tableName });
    await client.send(new PutCommand({ TableName: tableName, Item: legacyItem('legacy') }));

    // Act
    const read = await tenants.get('legacy');
    const before = await schemaOf('legacy');
    const locked = await tenants.acquire({
      ...onboard,
      tenantId: 'legacy',
      operation: 'deactivate',
      execution: 'exec-legacy',
      status: 'DEACTIVATING',
      allowedFrom: ['ACTIVE'],
    });
    const after = await schemaOf('legacy');

    // Assess
    expect(read).toMatchObject({ tenantId: 'legacy', lifecycleStatus: 'ACTIVE', version: 3 });
    expect(before).toBeUndefined();
    expect(locked).toMatchObject({ lifecycleStatus: 'DEACTIVATING', version: 4 });
    expect(after).toBe(RECORD_SCHEMA_VERSION);
  });

  it('neither reads nor overwrites a record of a newer schema version', async () => {
    // Prepare
    const tenants = new DynamoTenantMap({ client, tableName });
    const newer = RECORD_SCHEMA_VERSION + 1;
    await client.send(
      new PutCommand({ TableName: tableName, Item: legacyItem('future', { schemaVersion: newer }) }),
    );

    // Act
    const read = await failureOf(tenants.get('future'));
    const write = await failureOf(
      tenants.acquire({
        ...onboard,
        tenantId: 'future',
        operation: 'deactivate',
        execution: 'exec-future',
        status: 'DEACTIVATING',
        allowedFrom: ['ACTIVE'],
      }),
    );

    // Assess
    expect(read).toMatchObject({
      name: 'FatalError',
      message: expect.stringContaining(`schemaVersion ${newer} is not one this tenantflow reads`),
    });
    expect(write).toMatchObject({ name: 'FatalError' });
    expect(await schemaOf('future')).toBe(newer);
  });
});

describe('DynamoPriorityRegistry on dynalite', () => {
  it('hands each priority to one tenant', async () => {
    // Prepare
    const registry = new DynamoPriorityRegistry({ client, tableName });

    // Act
    const claimed = await registry.claim('listener-1', 1000, 'acme');
    const again = await registry.claim('listener-1', 1000, 'acme');
    const taken = await registry.claim('listener-1', 1000, 'globex');
    const other = await registry.claim('listener-1', 42, 'globex');
    await registry.release('listener-1', 42, 'acme');
    const before = await registry.list('listener-1');
    await registry.release('listener-1', 1000, 'acme');
    const after = await registry.list('listener-1');

    // Assess
    expect([claimed, again, taken, other]).toEqual([true, true, false, true]);
    expect(before).toEqual([
      { priority: 42, tenantId: 'globex' },
      { priority: 1000, tenantId: 'acme' },
    ]);
    expect(after).toEqual([{ priority: 42, tenantId: 'globex' }]);
  });
});

describe('DynamoStatusLedger on dynalite', () => {
  const at = (second: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, second)).toISOString();

  it('claims, lets the same owner take its claim back after a crash, and never forgets a sent event', async () => {
    // Prepare
    const ledger = new DynamoStatusLedger({ client, tableName, leaseSeconds: 30 });

    // Act
    const first = await ledger.claim('exec-1', 'sbt_aws_provisionSuccess', at(1), 'saga');
    const afterCrash = await ledger.claim('exec-1', 'sbt_aws_provisionSuccess', at(2), 'saga');
    await ledger.abandon('exec-1', 'saga');
    const afterAbandon = await ledger.claim('exec-1', 'sbt_aws_provisionSuccess', at(3), 'saga');
    await ledger.markSent('exec-1', at(4));
    await ledger.abandon('exec-1', 'saga');
    const afterSent = await ledger.claim('exec-1', 'sbt_aws_provisionSuccess', at(5), 'watcher');

    // Assess
    expect([first, afterCrash, afterAbandon, afterSent]).toEqual(['claimed', 'claimed', 'claimed', 'sent']);
  });

  it('keeps other owners out while the lease runs, and lets them take over a dead claim', async () => {
    // Prepare
    const ledger = new DynamoStatusLedger({ client, tableName, leaseSeconds: 30 });
    await ledger.claim('exec-2', 'sbt_aws_provisionFailure', at(0), 'delivery-a');

    // Act
    const concurrent = await Promise.all([
      ledger.claim('exec-2', 'sbt_aws_provisionFailure', at(1), 'delivery-b'),
      ledger.claim('exec-2', 'sbt_aws_provisionFailure', at(1), 'delivery-c'),
    ]);
    await ledger.abandon('exec-2', 'delivery-b');
    const stillHeld = await ledger.claim('exec-2', 'sbt_aws_provisionFailure', at(29), 'delivery-b');
    const takenOver = await ledger.claim('exec-2', 'sbt_aws_provisionFailure', at(31), 'delivery-b');

    // Assess
    expect(concurrent).toEqual(['busy', 'busy']);
    expect(stillHeld).toBe('busy');
    expect(takenOver).toBe('claimed');
  });
});
