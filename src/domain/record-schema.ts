/**
 * The tenant record's stored form has a version, so that a record written by an earlier tenantflow
 * is read by a later one (upgraded on read) and a later one's is never misread by an earlier one.
 * Every write stamps the version it writes; reading an item applies the upgrades from its version to
 * this one's, in order. Pure: the adapter applies them to the item it read.
 *
 * Changing the record's shape: raise `RECORD_SCHEMA_VERSION` and add the upgrade from the version
 * before. A write is an update of some attributes, so an upgrade that reshapes one must also be
 * written whole before the next partial write touches it (the tenant map adapter's `acquire`, which
 * starts every operation, is the place).
 */
import { FatalError } from './errors.ts';

/** The version this tenantflow writes. */
export const RECORD_SCHEMA_VERSION = 2;

/** A stored item, as read. */
export type StoredItem = Record<string, unknown>;

/** The upgrade from each version to the next, by the version it upgrades from. */
const UPGRADES: Readonly<Record<number, (item: StoredItem) => StoredItem>> = {
  // Records written before the version existed (tenantflow up to bc5031f) have the shape of version 2.
  1: (item) => item,
};

/** The version an item was stored at: `schemaVersion`, or 1 when it has none (written before it existed). */
export const storedSchemaVersion = (item: StoredItem): number =>
  typeof item.schemaVersion === 'number' ? item.schemaVersion : 1;

/**
 * The item in this version's shape. An item of a later version (written by a newer tenantflow) is a
 * `FatalError`: it is not read as something it is not.
 */
export const upgradeRecordItem = (item: StoredItem, context: string): StoredItem => {
  let version = storedSchemaVersion(item);
  if (!Number.isInteger(version) || version < 1 || version > RECORD_SCHEMA_VERSION) {
    throw new FatalError(
      `${context}: schemaVersion ${String(item.schemaVersion)} is not one this tenantflow reads (1 to ${RECORD_SCHEMA_VERSION}): the record was written by a newer version`,
    );
  }
  let upgraded = item;
  while (version < RECORD_SCHEMA_VERSION) {
    const upgrade = UPGRADES[version];
    if (!upgrade) throw new FatalError(`${context}: no upgrade from record schema ${version}`);
    upgraded = upgrade(upgraded);
    version += 1;
  }
  return { ...upgraded, schemaVersion: RECORD_SCHEMA_VERSION };
};
