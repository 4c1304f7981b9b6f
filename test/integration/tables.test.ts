/**
 * A tenant's own tables on the embedded default, with the reference application's catalogue
 * (infra/catalogues/reference-app.json): an advanced tenant gets its orders and products tables (its
 * key, on demand, tagged as the tenant's, point-in-time recovery on); an onboarding that fails after
 * them removes them without a backup; a table deleted by hand is found missing and made again;
 * offboarding backs each table up, deletes it, and leaves the backups named on the DELETED record;
 * another tenant's tables are never touched.
 */
import { readFileSync } from 'node:fs';
import {
  DeleteTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListBackupsCommand,
  ListTablesCommand,
  ListTagsOfResourceCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantText } from '../../src/cli/output.ts';
import { tableName } from '../../src/domain/naming.ts';
import {
  cloudAt,
  LOCAL_CLIENT,
  lifecycleEvent,
  newTenant,
  openWorld,
  removeWorldDirs,
  type TestTenant,
  typesOf,
  type World,
} from '../support/reliability/world.ts';

const CATALOGUE = readFileSync(new URL('../../infra/catalogues/reference-app.json', import.meta.url), 'utf8');

/** DynamoDB's control plane of the world's simulated cloud (read from its state file, as another process would). */
const dynamoOf = (stateDir: string) => cloudAt(stateDir).attach(new DynamoDBClient(LOCAL_CLIENT));

const tablesOf = (tenant: TestTenant) => ({
  orders: tableName(tenant.tenantId, 'orders', 'tf'),
  products: tableName(tenant.tenantId, 'products', 'tf'),
});

const allTables = async (world: World): Promise<string[]> =>
  ((await dynamoOf(world.stateDir).send(new ListTablesCommand({}))).TableNames ?? []).slice().sort();

describe('a tenant’s own tables (the reference application’s catalogue)', () => {
  let world: World;
  const kept: TestTenant = newTenant('advanced');
  const leaving: TestTenant = newTenant('advanced');

  beforeAll(async () => {
    world = await openWorld([], { settings: { TIER_CATALOGUE: CATALOGUE } });
  });

  afterAll(async () => {
    await world?.close();
    removeWorldDirs();
  });

  it('onboards each tenant with its orders and products tables: its key, its tags, point-in-time recovery on', async () => {
    // Act
    const results = await world.send([lifecycleEvent('onboard', kept), lifecycleEvent('onboard', leaving)]);
    const dynamo = dynamoOf(world.stateDir);

    // Assess
    expect(results.map((result) => result.outcome)).toEqual(['succeeded', 'succeeded']);
    expect(await allTables(world)).toEqual(
      [...Object.values(tablesOf(kept)), ...Object.values(tablesOf(leaving))].sort(),
    );
    for (const tenant of [kept, leaving]) {
      const names = tablesOf(tenant);
      const record = await world.runtime.tenant(tenant.tenantId);
      const orders = (await dynamo.send(new DescribeTableCommand({ TableName: names.orders }))).Table;
      expect(orders?.KeySchema).toEqual([
        { AttributeName: 'tenantId', KeyType: 'HASH' },
        { AttributeName: 'orderId', KeyType: 'RANGE' },
      ]);
      expect(orders?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
      const tags = await dynamo.send(new ListTagsOfResourceCommand({ ResourceArn: orders?.TableArn }));
      expect(tags.Tags).toEqual(
        expect.arrayContaining([
          { Key: 'tenantflow:tenant-id', Value: tenant.tenantId },
          { Key: 'tenantflow:managed-by', Value: 'tenantflow' },
        ]),
      );
      for (const name of Object.values(names)) {
        const backups = await dynamo.send(new DescribeContinuousBackupsCommand({ TableName: name }));
        expect(
          backups.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus,
        ).toBe('ENABLED');
      }
      expect(record?.resources.tables?.tables).toEqual({
        orders: { name: names.orders, arn: orders?.TableArn, pointInTimeRecovery: true },
        products: {
          name: names.products,
          arn: expect.stringContaining(names.products),
          pointInTimeRecovery: true,
        },
      });
      expect(typesOf(world, tenant.tenantId).filter((type) => type === 'table')).toEqual(['table', 'table']);
      const shown = record ? tenantText(record, false).join('\n') : '';
      expect(shown).toContain(
        `tables orders ${names.orders} (point-in-time recovery on), products ${names.products} (point-in-time recovery on)`,
      );
    }
    // Made before the services that use them.
    const steps = world.progress.filter((p) => p.ok).map((p) => p.step);
    expect(steps.indexOf('CreateTables')).toBeLessThan(steps.indexOf('RegisterTaskDefinition'));
    expect((await world.runtime.reconcile({ repair: false })).drifts).toEqual([]);
    expect((await world.check()).fresh).toEqual([]);
  });

  it('removes the tables it made, without a backup, when the onboarding fails after them', async () => {
    // Prepare
    const failing = newTenant('advanced');
    world = await world.reopen([{ step: 'WaitForHealthy', kind: 'fatal', count: 1 }]);
    const before = await allTables(world);

    // Act
    const [result] = await world.send([lifecycleEvent('onboard', failing)]);

    // Assess
    expect(result?.outcome).toBe('failed');
    expect(world.progress.map((p) => p.step)).toContain('DeleteTables');
    expect((await world.runtime.tenant(failing.tenantId))?.resources).toEqual({});
    expect(await allTables(world)).toEqual(before);
    const backups = await dynamoOf(world.stateDir).send(new ListBackupsCommand({}));
    expect(backups.BackupSummaries).toEqual([]);
    world = await world.reopen([]);
    expect((await world.check()).fresh).toEqual([]);
  });

  it('finds a table deleted by hand missing, and makes it again on repair', async () => {
    // Prepare
    const { orders } = tablesOf(kept);
    // By hand, while no tenantflow process holds the state dir.
    world = await world.reopen([], async (stateDir) => {
      const sim = cloudAt(stateDir);
      await sim.attach(new DynamoDBClient(LOCAL_CLIENT)).send(new DeleteTableCommand({ TableName: orders }));
      sim.save();
    });

    // Act
    const found = await world.runtime.reconcile({ repair: false, tenantId: kept.tenantId });
    const repaired = await world.runtime.reconcile({ repair: true, tenantId: kept.tenantId });

    // Assess
    expect(found.drifts.map((drift) => `${drift.kind} ${drift.resource}`)).toEqual(['missing tables']);
    expect(repaired.drifts.map((drift) => drift.repair)).toEqual(['repaired']);
    expect(await allTables(world)).toContain(orders);
    expect((await world.runtime.reconcile({ repair: false })).drifts).toEqual([]);
  });

  it('offboarding backs each table up, then deletes it; the DELETED record keeps the backups; the other tenant’s tables stay', async () => {
    // Act
    const [result] = await world.send([lifecycleEvent('offboard', leaving)]);
    const dynamo = dynamoOf(world.stateDir);

    // Assess
    expect(result?.outcome).toBe('succeeded');
    const names = tablesOf(leaving);
    expect(await allTables(world)).toEqual(Object.values(tablesOf(kept)).sort());
    const record = await world.runtime.tenant(leaving.tenantId);
    expect(record?.lifecycleStatus).toBe('DELETED');
    const backups = (await dynamo.send(new ListBackupsCommand({}))).BackupSummaries ?? [];
    expect(backups.map((backup) => backup.TableName).sort()).toEqual(Object.values(names).sort());
    expect(record?.resources).toEqual({
      tables: {
        tables: {},
        backups: backups.map((backup) => ({
          table: backup.TableName,
          arn: backup.BackupArn,
          at: expect.any(String),
        })),
      },
    });
    expect(typesOf(world, leaving.tenantId)).toEqual([]);
    expect(record ? tenantText(record, false).join('\n') : '').toContain(`backup of ${names.orders}: `);
    expect((await world.runtime.reconcile({ repair: false })).drifts).toEqual([]);
    expect((await world.check()).fresh).toEqual([]);
  });
});
