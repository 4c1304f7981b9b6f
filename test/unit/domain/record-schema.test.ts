import { describe, expect, it } from 'vitest';
import {
  RECORD_SCHEMA_VERSION,
  storedSchemaVersion,
  upgradeRecordItem,
} from '../../../src/domain/record-schema.ts';

describe('record schema versions', () => {
  it('reads an item with no version as version 1 and upgrades it to this one', () => {
    // Prepare
    const legacy = { tenantId: 'acme', version: 7 };

    // Act
    const upgraded = upgradeRecordItem(legacy, 'tenant acme');

    // Assess
    expect(storedSchemaVersion(legacy)).toBe(1);
    expect(upgraded).toEqual({ tenantId: 'acme', version: 7, schemaVersion: RECORD_SCHEMA_VERSION });
  });

  it('keeps an item of this version as it is', () => {
    const item = { tenantId: 'acme', schemaVersion: RECORD_SCHEMA_VERSION };
    expect(upgradeRecordItem(item, 'tenant acme')).toEqual(item);
  });

  it.each([RECORD_SCHEMA_VERSION + 1, 0, 1.5])(
    'refuses an item of schema version %s, naming it',
    (version) => {
      expect(() => upgradeRecordItem({ schemaVersion: version }, 'tenant acme')).toThrow(
        expect.objectContaining({
          name: 'FatalError',
          message: expect.stringContaining(`tenant acme: schemaVersion ${version} is not one`),
        }),
      );
    },
  );
});
