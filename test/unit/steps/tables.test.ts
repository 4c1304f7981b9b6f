/**
 * The tenant's own tables, step by step over the fakes: CreateTables (create or adopt by name and
 * tag, record at once, wait for ACTIVE, point-in-time recovery on), DeleteTables (a backup first,
 * recorded before the delete; none when an onboarding is undone; only the tenant's), the record
 * keeping the backups after RemoveTenant, the catalogue's checks, admission against the table quota,
 * and the migration refused for a tenant with tables.
 */
import { describe, expect, it } from 'vitest';
import referenceApp from '../../../infra/catalogues/reference-app.json' with { type: 'json' };
import { parseCatalogue, placementOf } from '../../../src/domain/catalogue.ts';
import {
  ConflictError,
  FatalError,
  NotReadyError,
  OwnershipError,
  QuotaExceededError,
} from '../../../src/domain/errors.ts';
import { tableName, tenantTags } from '../../../src/domain/naming.ts';
import { QUOTAS } from '../../../src/domain/quotas.ts';
import { keptAfterRemoval } from '../../../src/domain/resources.ts';
import type { SagaState } from '../../../src/domain/saga-state.ts';
import { admitTenant } from '../../../src/steps/admission.ts';
import { planMigration } from '../../../src/steps/migration.ts';
import { RESOURCE_OPERATIONS } from '../../../src/steps/resource-operations.ts';
import { backupNameOf, createTables, deleteTables } from '../../../src/steps/tables.ts';
import { createFakes, testConfig } from '../../support/fake-ports.ts';
import { context, EXECUTION, lockedRecord, request, TENANT } from './fixtures.ts';

const config = () => testConfig({ TIER_CATALOGUE: JSON.stringify(referenceApp) });
const catalogue = parseCatalogue(referenceApp, 'reference-app.json');
const advanced = () => placementOf(catalogue, 'advanced', '/');
const ORDERS = tableName(TENANT, 'orders', 'tf');
const PRODUCTS = tableName(TENANT, 'products', 'tf');

const tablesState = (overrides: Partial<SagaState> = {}): SagaState => ({
  request: request({ tier: 'advanced', attributes: { email: 'ops@acme.example' } }),
  execution: EXECUTION,
  placement: advanced(),
  resources: {},
  ...overrides,
});

const setUp = () => {
  const fakes = createFakes({ config: config() });
  fakes.tenants.seed({ ...lockedRecord(), placement: advanced() });
  return fakes;
};

describe('CreateTables', () => {
  it('makes each table of the tier tagged as the tenant’s, with its key, and turns point-in-time recovery on', async () => {
    // Prepare
    const fakes = setUp();

    // Act
    const next = await createTables(tablesState(), fakes.deps, context());

    // Assess
    const tags = [...tenantTags(TENANT, 'advanced'), { key: 'tenantflow:made-by', value: EXECUTION }];
    expect(fakes.tables.callsOf('createTable')).toEqual([
      [{ name: ORDERS, partitionKey: 'tenantId', sortKey: 'orderId', tags }],
      [{ name: PRODUCTS, partitionKey: 'tenantId', sortKey: 'productId', tags }],
    ]);
    expect(fakes.tables.callsOf('enablePointInTimeRecovery')).toEqual([[ORDERS], [PRODUCTS]]);
    expect(next.resources.tables).toEqual({
      tables: {
        orders: { name: ORDERS, arn: expect.stringMatching(/:table\//), pointInTimeRecovery: true },
        products: { name: PRODUCTS, arn: expect.stringMatching(/:table\//), pointInTimeRecovery: true },
      },
    });
    expect((await fakes.tenants.get(TENANT))?.resources.tables).toEqual(next.resources.tables);
    expect([...fakes.tables.tables.values()].every((table) => table.pointInTimeRecovery)).toBe(true);
  });

  it('records a table still CREATING and fails with NotReadyError; the retry adopts it and finishes', async () => {
    // Prepare
    const fakes = setUp();
    fakes.tables.creatingFor = 1;

    // Act
    const first = createTables(tablesState(), fakes.deps, context());
    await expect(first).rejects.toBeInstanceOf(NotReadyError);
    const recorded = (await fakes.tenants.get(TENANT))?.resources.tables;
    fakes.tables.creatingFor = 0;
    const next = await createTables(tablesState({ resources: { tables: recorded } }), fakes.deps, context());

    // Assess
    expect(recorded?.tables.orders).toMatchObject({ name: ORDERS, pointInTimeRecovery: false });
    expect(fakes.tables.callsOf('createTable').map(([spec]) => spec)).toHaveLength(2);
    expect(fakes.tables.tables.size).toBe(2);
    expect(Object.values(next.resources.tables?.tables ?? {}).map((t) => t.pointInTimeRecovery)).toEqual([
      true,
      true,
    ]);
  });

  it('leaves a table of its name that is not the tenant’s alone (OwnershipError), and refuses one whose key differs', async () => {
    // Prepare
    const foreign = setUp();
    await foreign.tables.createTable({
      name: ORDERS,
      partitionKey: 'tenantId',
      sortKey: 'orderId',
      tags: tenantTags('someone-else', 'advanced'),
    });
    const rekeyed = setUp();
    await rekeyed.tables.createTable({
      name: ORDERS,
      partitionKey: 'pk',
      tags: tenantTags(TENANT, 'advanced'),
    });

    // Act
    const taken = createTables(tablesState(), foreign.deps, context());
    const changed = createTables(tablesState(), rekeyed.deps, context());

    // Assess
    await expect(taken).rejects.toBeInstanceOf(OwnershipError);
    await expect(changed).rejects.toBeInstanceOf(FatalError);
    await expect(changed).rejects.toThrow(/tables\.orders/);
    expect(foreign.tables.callsOf('enablePointInTimeRecovery')).toEqual([]);
    expect(foreign.tables.tables.get(ORDERS)?.spec.tags).toEqual(tenantTags('someone-else', 'advanced'));
  });

  it('makes nothing, and calls nothing, for a tier without tables', async () => {
    // Prepare
    const fakes = setUp();

    // Act
    await createTables(
      tablesState({ placement: placementOf(catalogue, 'basic', '/') }),
      fakes.deps,
      context(),
    );

    // Assess
    expect(fakes.tables.calls).toEqual([]);
  });
});

describe('DeleteTables', () => {
  const made = async () => {
    const fakes = setUp();
    const state = await createTables(tablesState(), fakes.deps, context());
    fakes.tables.calls.length = 0;
    return { fakes, state };
  };

  it('backs each table up, records the backup, then deletes the table (an offboarding)', async () => {
    // Prepare
    const { fakes, state } = await made();
    const offboarding = { ...state, request: { ...state.request, operation: 'offboard' as const } };

    // Act
    const next = await deleteTables(offboarding, fakes.deps, context('offboarding'));

    // Assess
    expect(fakes.tables.calls.map((call) => `${call.method} ${call.args[0]}`)).toEqual([
      `describeTable ${ORDERS}`,
      `listBackups ${ORDERS}`,
      `backupTable ${ORDERS}`,
      `deleteTable ${ORDERS}`,
      `describeTable ${PRODUCTS}`,
      `listBackups ${PRODUCTS}`,
      `backupTable ${PRODUCTS}`,
      `deleteTable ${PRODUCTS}`,
    ]);
    expect(fakes.tables.callsOf('backupTable')[0]).toEqual([ORDERS, backupNameOf(ORDERS, EXECUTION)]);
    expect(fakes.tables.tables.size).toBe(0);
    expect(next.resources.tables).toEqual({
      tables: {},
      backups: [
        { table: ORDERS, arn: fakes.tables.backups[0]?.arn, at: expect.any(String) },
        { table: PRODUCTS, arn: fakes.tables.backups[1]?.arn, at: expect.any(String) },
      ],
    });
    expect(keptAfterRemoval(next.resources)).toEqual({ tables: next.resources.tables });
  });

  it('makes the backup once: a retry after a try that died past its backup finds it by name', async () => {
    // Prepare
    const { fakes, state } = await made();
    const offboarding = { ...state, request: { ...state.request, operation: 'offboard' as const } };
    await fakes.tables.backupTable(ORDERS, backupNameOf(ORDERS, EXECUTION));

    // Act
    await deleteTables(offboarding, fakes.deps, context('offboarding'));

    // Assess
    expect(fakes.tables.backups.map((backup) => backup.table)).toEqual([ORDERS, PRODUCTS]);
  });

  it('names a backup an earlier execution made that the record lost, and still makes its own of a table still there', async () => {
    // Prepare: an offboarding that backed orders up, lost the record write, and died.
    const { fakes, state } = await made();
    const offboarding = { ...state, request: { ...state.request, operation: 'offboard' as const } };
    const earlier = await fakes.tables.backupTable(ORDERS, backupNameOf(ORDERS, 'offboard-dead-execution'));
    await fakes.tables.backupTable(ORDERS, 'someone-elses-backup');

    // Act
    const next = await deleteTables(offboarding, fakes.deps, context('offboarding'));

    // Assess
    const named = next.resources.tables?.backups?.map((backup) => backup.arn) ?? [];
    expect(named).toContain(earlier);
    expect(named).toHaveLength(3);
    expect(fakes.tables.backups.filter((backup) => backup.table === ORDERS)).toHaveLength(3);
    expect(named).not.toContain(fakes.tables.backups.find((b) => b.name === 'someone-elses-backup')?.arn);
  });

  it('backs up, when an onboarding is undone, a table it adopted from an earlier life of the tenant (not made by it)', async () => {
    // Prepare: the tenant's orders table left with its data by an offboarding that failed before it.
    const fakes = setUp();
    await fakes.tables.createTable({
      name: ORDERS,
      partitionKey: 'tenantId',
      sortKey: 'orderId',
      tags: [...tenantTags(TENANT, 'advanced'), { key: 'tenantflow:made-by', value: 'onboard-long-ago' }],
    });
    const state = await createTables(tablesState(), fakes.deps, context());

    // Act: a later step of this onboarding failed: its compensation
    const next = await deleteTables(state, fakes.deps, context());

    // Assess: the adopted table kept its data in a backup; the one this onboarding made has none.
    expect(fakes.tables.backups.map((backup) => backup.table)).toEqual([ORDERS]);
    expect(next.resources.tables?.backups?.map((backup) => backup.table)).toEqual([ORDERS]);
    expect(fakes.tables.tables.size).toBe(0);
  });

  it('deletes without a backup when an onboarding is undone, and leaves nothing recorded', async () => {
    // Prepare
    const { fakes, state } = await made();

    // Act
    const next = await deleteTables(state, fakes.deps, context());

    // Assess
    expect(fakes.tables.callsOf('backupTable')).toEqual([]);
    expect(fakes.tables.tables.size).toBe(0);
    expect(next.resources.tables).toBeUndefined();
  });

  it('finds by name a table a try made and never recorded, and leaves another tenant’s alone', async () => {
    // Prepare
    const fakes = setUp();
    await fakes.tables.createTable({
      name: ORDERS,
      partitionKey: 'tenantId',
      sortKey: 'orderId',
      tags: tenantTags(TENANT, 'advanced'),
    });
    await fakes.tables.createTable({
      name: PRODUCTS,
      partitionKey: 'tenantId',
      sortKey: 'productId',
      tags: tenantTags('someone-else', 'advanced'),
    });

    // Act
    await deleteTables(tablesState(), fakes.deps, context());

    // Assess
    expect([...fakes.tables.tables.keys()]).toEqual([PRODUCTS]);
    expect(fakes.tables.callsOf('deleteTable')).toEqual([[ORDERS]]);
  });

  it('removes an orphan table by ARN only after backing it up, and refuses another tenant’s', async () => {
    // Prepare
    const fakes = setUp();
    const orphan = await fakes.tables.createTable({
      name: ORDERS,
      partitionKey: 'tenantId',
      tags: tenantTags(TENANT, 'advanced'),
    });
    const foreign = await fakes.tables.createTable({
      name: PRODUCTS,
      partitionKey: 'tenantId',
      tags: tenantTags('someone-else', 'advanced'),
    });

    // Act
    await RESOURCE_OPERATIONS.tables.removeByArn(fakes.deps, orphan.arn, TENANT);
    const refused = RESOURCE_OPERATIONS.tables.removeByArn(fakes.deps, foreign.arn, TENANT);

    // Assess
    await expect(refused).rejects.toBeInstanceOf(OwnershipError);
    expect(fakes.tables.backups.map((backup) => backup.table)).toEqual([ORDERS]);
    expect([...fakes.tables.tables.keys()]).toEqual([PRODUCTS]);
  });
});

describe('tables in the catalogue, admission and migration', () => {
  it('names the field of a table named twice, or sorted by its partition key', () => {
    const row = referenceApp.tiers.advanced;
    const twice = {
      ...referenceApp,
      tiers: { ...referenceApp.tiers, advanced: { ...row, tables: [row.tables[0], row.tables[0]] } },
    };
    const sameKey = {
      ...referenceApp,
      tiers: {
        ...referenceApp.tiers,
        advanced: { ...row, tables: [{ name: 'orders', partitionKey: 'id', sortKey: 'id' }] },
      },
    };

    expect(() => parseCatalogue(twice, 'c.json')).toThrow(/tiers\.advanced\.tables\.1\.name.*named twice/);
    expect(() => parseCatalogue(sameKey, 'c.json')).toThrow(/tiers\.advanced\.tables\.0\.sortKey/);
  });

  it('refuses an onboarding whose tables do not fit the Region’s table quota, before anything is made', async () => {
    // Prepare
    const fakes = setUp();
    for (let i = 0; i < QUOTAS.tablesPerRegion.limit - 1; i += 1)
      fakes.tables.tables.set(`other-${i}`, {
        spec: { name: `other-${i}`, partitionKey: 'pk', tags: [] },
        arn: `arn:aws:dynamodb:us-east-1:000000000000:table/other-${i}`,
        pointInTimeRecovery: false,
        creating: 0,
      });

    // Act
    const run = admitTenant(tablesState(), fakes.deps, context());

    // Assess
    await expect(run).rejects.toBeInstanceOf(QuotaExceededError);
    await expect(run).rejects.toThrow(
      'DynamoDB tables per Region: 2499 of 2500 in use, this tenant needs 2 more',
    );
    expect(fakes.tables.callsOf('createTable')).toEqual([]);
  });

  it('refuses to migrate a tenant with tables, before anything changes', async () => {
    // Prepare: a tier with tables and no pool of its own (the pool's refusal would come first).
    const { identity: _pool, ...tablesOnly } = referenceApp.tiers.advanced;
    const raw = { ...referenceApp, tiers: { ...referenceApp.tiers, advanced: tablesOnly } };
    const placement = placementOf(parseCatalogue(raw, 'c.json'), 'advanced', '/');
    const fakes = createFakes({ config: testConfig({ TIER_CATALOGUE: JSON.stringify(raw) }) });
    fakes.tenants.seed({ ...lockedRecord(), placement });
    const state = await createTables(tablesState({ placement }), fakes.deps, context());
    const record = await fakes.tenants.get(TENANT);
    fakes.tenants.seed({ ...record, tenantId: TENANT, lock: undefined, resources: state.resources });
    const before = await fakes.tenants.get(TENANT);

    // Act
    const run = planMigration(
      tablesState({
        request: request({ operation: 'migrate', tier: 'basic' }),
        placement,
        resources: state.resources,
      }),
      fakes.deps,
      context('migration'),
    );

    // Assess
    await expect(run).rejects.toBeInstanceOf(ConflictError);
    await expect(run).rejects.toThrow(/its own DynamoDB tables, and a migration does not move their items/);
    expect(await fakes.tenants.get(TENANT)).toEqual(before);
  });
});
