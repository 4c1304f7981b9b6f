/**
 * The TableStore port's contract, one spec for every implementation: the in-memory fake, the adapter
 * on the simulated cloud (table-store.contract.test.ts) and the adapter on moto (test/aws/tables.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { NotReadyError } from '../../../src/domain/errors.ts';
import type { Tag } from '../../../src/domain/naming.ts';
import type { TableStore } from '../../../src/ports/table-store.ts';
import { type Implementation, uniqueId } from './implementations.ts';

const TAGS: Tag[] = [
  { key: 'tenantflow:tenant-id', value: 'acme' },
  { key: 'tenantflow:managed-by', value: 'tenantflow' },
];

/** Describes the table until it is ACTIVE (a real one is CREATING for seconds; emulators answer at once). */
const active = async (tables: TableStore, name: string) => {
  for (let look = 0; look < 50; look += 1) {
    const table = await tables.describeTable(name);
    if (table?.status === 'ACTIVE') return table;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`table ${name} never turned ACTIVE`);
};

export const tableStoreContract = (implementations: readonly Implementation<TableStore>[]): void =>
  describe.each(implementations)('TableStore contract: $name', ({ make }) => {
    it('makes a table with its key and tags, finds it, counts it and deletes it; gone is undefined, deleting again no error', async () => {
      // Prepare
      const tables = await make();
      const name = uniqueId('tf-acme-orders');
      const before = await tables.countTables();

      // Act
      const made = await tables.createTable({
        name,
        partitionKey: 'tenantId',
        sortKey: 'orderId',
        tags: TAGS,
      });
      const described = await active(tables, name);
      const counted = await tables.countTables();
      await tables.deleteTable(name);
      const gone = await tables.describeTable(name);
      await tables.deleteTable(name);

      // Assess
      expect(made).toMatchObject({ name, partitionKey: 'tenantId', sortKey: 'orderId' });
      expect(made.arn).toMatch(new RegExp(`^arn:aws:dynamodb:[a-z0-9-]+:\\d{12}:table/${name}$`));
      expect(described).toEqual({
        name,
        arn: made.arn,
        status: 'ACTIVE',
        partitionKey: 'tenantId',
        sortKey: 'orderId',
        tags: expect.arrayContaining(TAGS),
      });
      expect(counted).toBe(before + 1);
      expect(gone).toBeUndefined();
    });

    it('answers a second create of the name with the table as it is (its own key and tags)', async () => {
      // Prepare
      const tables = await make();
      const name = uniqueId('tf-acme-products');
      const first = await tables.createTable({ name, partitionKey: 'tenantId', tags: TAGS });
      await active(tables, name);

      // Act
      const again = await tables.createTable({
        name,
        partitionKey: 'other',
        tags: [{ key: 'tenantflow:tenant-id', value: 'someone-else' }],
      });

      // Assess
      expect(again).toMatchObject({ name, arn: first.arn, partitionKey: 'tenantId' });
      expect(again.sortKey).toBeUndefined();
      expect(again.tags).toEqual(expect.arrayContaining(TAGS));
      await tables.deleteTable(name);
    });

    it('keeps point-in-time recovery off until turned on, idempotently; a missing table has none', async () => {
      // Prepare
      const tables = await make();
      const name = uniqueId('tf-acme-pitr');
      await tables.createTable({ name, partitionKey: 'tenantId', tags: TAGS });
      await active(tables, name);

      // Act
      const before = await tables.pointInTimeRecovery(name);
      await tables.enablePointInTimeRecovery(name);
      await tables.enablePointInTimeRecovery(name);
      const after = await tables.pointInTimeRecovery(name);
      await tables.deleteTable(name);

      // Assess
      expect(before).toBe(false);
      expect(after).toBe(true);
      expect(await tables.pointInTimeRecovery(name)).toBeUndefined();
    });

    it('backs a table up under the name given, and keeps the backup after the table is deleted; a missing table has no backup made', async () => {
      // Prepare
      const tables = await make();
      const name = uniqueId('tf-acme-backup');
      const table = await tables.createTable({ name, partitionKey: 'tenantId', tags: TAGS });
      await active(tables, name);

      // Act
      const backupArn = await tables.backupTable(name, `${name}-final`);
      await tables.deleteTable(name);
      const listed = await tables.listBackups(name);
      const missing = await tables.backupTable(name, `${name}-late`).catch((error: unknown) => error);

      // Assess
      expect(backupArn.startsWith(`${table.arn}/backup/`)).toBe(true);
      expect(listed).toEqual([{ name: `${name}-final`, arn: backupArn }]);
      expect(missing).toBeInstanceOf(Error);
      expect(missing).not.toBeInstanceOf(NotReadyError);
      expect(String(missing)).toContain(name);
    });
  });
