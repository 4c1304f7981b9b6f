/**
 * Tenants' own tables against moto's DynamoDB: the TableStore contract (the same spec the fake and the
 * adapter on the simulated cloud pass), then CreateTables and DeleteTables over the production adapter:
 * the tables made once with their keys, tags and point-in-time recovery when the step runs twice, and
 * an offboarding's removal that backs each up before deleting it.
 */
import {
  DescribeContinuousBackupsCommand,
  DynamoDBClient,
  ListBackupsCommand,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import referenceApp from '../../infra/catalogues/reference-app.json' with { type: 'json' };
import { DynamoTableStore } from '../../src/adapters/aws/index.ts';
import { parseCatalogue, placementOf } from '../../src/domain/catalogue.ts';
import { tableName, tenantTags } from '../../src/domain/naming.ts';
import type { SagaState } from '../../src/domain/saga-state.ts';
import { createTables, deleteTables } from '../../src/steps/tables.ts';
import { createFakes, testConfig } from '../support/fake-ports.ts';
import { tableStoreContract } from '../unit/ports/table-store.contract.ts';

const endpoint = inject('motoEndpoint');
const dynamo = () =>
  new DynamoDBClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'moto', secretAccessKey: 'moto' },
  });

tableStoreContract([{ name: 'moto', make: async () => new DynamoTableStore({ client: dynamo() }) }]);

describe('CreateTables and DeleteTables on moto', () => {
  it("makes the tenant's tables once with point-in-time recovery, and an offboarding backs each up before deleting it", async () => {
    // Prepare
    const catalogue = parseCatalogue(referenceApp, 'infra/catalogues/reference-app.json');
    const fakes = createFakes({ config: testConfig({ TIER_CATALOGUE: JSON.stringify(referenceApp) }) });
    const client = dynamo();
    const deps = { ...fakes.deps, tables: new DynamoTableStore({ client }) };
    const tenantId = `moto-tables-${Date.now().toString(36)}`;
    const state: SagaState = {
      request: {
        operation: 'onboard',
        tenantId,
        tenantRegistrationId: `reg-${tenantId}`,
        tenantName: 'Moto Tables',
        tier: 'advanced',
        attributes: {},
      },
      execution: `onboard-${tenantId}`,
      placement: placementOf(catalogue, 'advanced', '/'),
      resources: {},
    };
    fakes.tenants.seed({
      tenantId,
      placement: state.placement,
      lifecycleStatus: 'PROVISIONING',
      lock: { execution: state.execution, operation: 'onboard', since: '2025-01-01T00:00:00.000Z' },
    });
    const ctx = { machine: 'onboarding' as const, execution: state.execution };
    const names = [tableName(tenantId, 'orders', 'tf'), tableName(tenantId, 'products', 'tf')];

    // Act
    const made = await createTables(state, deps, ctx);
    const again = await createTables(made, deps, ctx);
    const described = await Promise.all(names.map((name) => deps.tables.describeTable(name)));
    const recovery = await Promise.all(
      names.map((name) => client.send(new DescribeContinuousBackupsCommand({ TableName: name }))),
    );
    const offboarding: SagaState = { ...again, request: { ...again.request, operation: 'offboard' } };
    // The same execution holds the tenant's lock here (the fake map checks it on every checkpoint).
    const removed = await deleteTables(offboarding, deps, ctx);
    const backups = await Promise.all(
      names.map(
        async (name) => (await client.send(new ListBackupsCommand({ TableName: name }))).BackupSummaries,
      ),
    );

    // Assess
    expect(again.resources.tables).toEqual(made.resources.tables);
    expect(described.map((table) => [table?.name, table?.partitionKey, table?.sortKey])).toEqual([
      [names[0], 'tenantId', 'orderId'],
      [names[1], 'tenantId', 'productId'],
    ]);
    for (const table of described)
      expect(table?.tags).toEqual(expect.arrayContaining(tenantTags(tenantId, 'advanced')));
    expect(
      recovery.map(
        (answer) =>
          answer.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus,
      ),
    ).toEqual(['ENABLED', 'ENABLED']);
    expect(await Promise.all(names.map((name) => deps.tables.describeTable(name)))).toEqual([
      undefined,
      undefined,
    ]);
    expect(backups.map((list) => list?.length)).toEqual([1, 1]);
    expect(removed.resources.tables?.backups?.map((backup) => backup.arn)).toEqual(
      backups.map((list) => list?.[0]?.BackupArn),
    );
  });
});
