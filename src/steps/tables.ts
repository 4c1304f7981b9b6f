/**
 * The tenant's own DynamoDB tables (a placement whose tier lists `tables`): each named after the
 * tenant and the table (`tableName`), on demand, tagged as the tenant's, with point-in-time recovery
 * on. The record keeps each table as soon as it exists, so a step that dies half-way leaves the record
 * naming it. Removing a table backs it up first (an on-demand backup whose ARN the record keeps after
 * the tenant is gone), except when an onboarding is undone: its tables never held the tenant's data.
 */
import { createHash } from 'node:crypto';
import { tablesOf } from '../domain/catalogue.ts';
import { FatalError, NotReadyError, OwnershipError } from '../domain/errors.ts';
import { ownership, TABLE_NAME_MAX, TAG_KEYS, tableName, tagValue, tenantTags } from '../domain/naming.ts';
import { type ResourceOf, withoutResource } from '../domain/resources.ts';
import type { SagaState } from '../domain/saga-state.ts';
import type { TableInfo } from '../ports/table-store.ts';
import { checkpoint } from './checkpoint.ts';
import { ensureOurs, notOurs, ownServicePlacement } from './placement.ts';
import type { Step, StepContext, StepDeps } from './types.ts';

type TablesRecord = ResourceOf<'tables'>;

/** The DynamoDB name of the tenant's table `table` under the deployment's prefix. */
export const tenantTableName = (deps: StepDeps, tenantId: string, table: string): string =>
  tableName(tenantId, table, deps.config.resourcePrefix);

/** The table name a table ARN names (`arn:…:table/<name>`). */
export const tableNameOfArn = (arn: string): string => arn.slice(arn.indexOf(':table/') + ':table/'.length);

/**
 * Whether a table is this deployment's: tagged as the tenant's, and named under the deployment's
 * prefix (another deployment's tables carry the same tags).
 */
export const isDeploymentTable = (deps: StepDeps, table: TableInfo, tenantId: string): boolean =>
  table.name.startsWith(`${deps.config.resourcePrefix}-`) && ownership(table.tags, tenantId) === 'ours';

const recordOf = (state: SagaState): TablesRecord => state.resources.tables ?? { tables: {} };

const withTables = (state: SagaState, record: TablesRecord): SagaState => {
  const empty = Object.keys(record.tables).length === 0 && (record.backups?.length ?? 0) === 0;
  return {
    ...state,
    resources: empty ? withoutResource(state.resources, 'tables') : { ...state.resources, tables: record },
  };
};

/**
 * The name of the backup an execution makes of a table before deleting it: the same for every try
 * of that execution, so a retry finds the one a try that died already made (within DynamoDB's 255
 * characters).
 */
export const backupNameOf = (table: string, execution: string): string =>
  `${backupPrefixOf(table)}${createHash('sha256').update(execution).digest('hex').slice(0, 12)}`;

/** What the name of every backup tenantflow makes of `table` starts with (room left for the digest). */
const backupPrefixOf = (table: string): string => `${table.slice(0, TABLE_NAME_MAX - 25)}-final-`;

/** A table that is going (DELETING) counts as gone: there is nothing left to back up or delete. */
const present = (table: TableInfo | undefined): TableInfo | undefined =>
  table?.status === 'DELETING' ? undefined : table;

/**
 * CreateTables: each table of the placement, in order: the recorded one, else the one of its name
 * (adopted when tagged as the tenant's; another's is an `OwnershipError`), else a new one, recorded
 * at once; a table still CREATING is a `NotReadyError` (the step's retry waits for it); then
 * point-in-time recovery on. A table whose key is not the tier's fails for good, naming the key.
 * A placement without tables makes nothing (and calls nothing).
 */
export const createTables: Step = async (state, deps, ctx) => {
  const specs = tablesOf(state.placement);
  if (specs.length === 0) return state;
  const startedAt = deps.now();
  const placement = ownServicePlacement(state, 'CreateTables');
  const { tenantId } = state.request;
  let next = state;
  for (const spec of specs) {
    const name = tenantTableName(deps, tenantId, spec.name);
    const recorded = recordOf(next).tables[spec.name];
    if (recorded?.pointInTimeRecovery) continue;
    let table = await deps.tables.describeTable(name);
    if (!table) {
      const made = await deps.tables.createTable({
        name,
        partitionKey: spec.partitionKey,
        ...(spec.sortKey ? { sortKey: spec.sortKey } : {}),
        // Which execution made it: undoing that execution deletes it without a backup.
        tags: [...tenantTags(tenantId, placement.tier), { key: TAG_KEYS.madeBy, value: ctx.execution }],
      });
      // A new table is CREATING: one look may find it ACTIVE already (else the step's retry waits).
      table = made.status === 'ACTIVE' ? made : ((await deps.tables.describeTable(name)) ?? made);
    }
    ensureOurs(table.tags, tenantId, `DynamoDB table ${name}`);
    if (table.partitionKey !== spec.partitionKey || table.sortKey !== spec.sortKey)
      throw new FatalError(
        `DynamoDB table ${name} exists with key ${table.partitionKey}${table.sortKey ? `/${table.sortKey}` : ''}, tier ${placement.tier} says ${spec.partitionKey}${spec.sortKey ? `/${spec.sortKey}` : ''} (tables.${spec.name}): a table's key cannot change`,
      );
    if (!recorded) {
      const record = recordOf(next);
      next = withTables(next, {
        ...record,
        tables: { ...record.tables, [spec.name]: { name, arn: table.arn, pointInTimeRecovery: false } },
      });
      await checkpoint(deps, ctx, next, 'CreateTables', startedAt);
    }
    if (table.status !== 'ACTIVE')
      throw new NotReadyError(
        `DynamoDB table ${name} is ${table.status}: point-in-time recovery waits for ACTIVE`,
      );
    await deps.tables.enablePointInTimeRecovery(name);
    const record = recordOf(next);
    next = withTables(next, {
      ...record,
      tables: { ...record.tables, [spec.name]: { name, arn: table.arn, pointInTimeRecovery: true } },
    });
  }
  await checkpoint(deps, ctx, next, 'CreateTables', startedAt);
  return next;
};

/**
 * This execution's backup of `table`, named `backupName`: the one in `existing` of that name (a try of
 * the step made it), else a new one. A table not ACTIVE (being made) is a `NotReadyError`.
 */
const backUp = async (
  deps: StepDeps,
  table: TableInfo,
  backupName: string,
  existing: ReadonlyArray<{ name: string; arn: string }>,
): Promise<string> => {
  const made = existing.find((backup) => backup.name === backupName);
  if (made) return made.arn;
  if (table.status !== 'ACTIVE')
    throw new NotReadyError(`DynamoDB table ${table.name} is ${table.status}: its backup waits for ACTIVE`);
  return deps.tables.backupTable(table.name, backupName);
};

/**
 * Names on the record every backup of table `name` tenantflow made that it does not name yet (a try
 * whose record write failed, an execution that died), then backs the table up, unless this
 * execution's backup of it exists already (a retry of the step); written before the table goes.
 */
const keepBackups = async (
  state: SagaState,
  deps: StepDeps,
  ctx: StepContext,
  name: string,
  table: TableInfo | undefined,
  startedAt: Date,
): Promise<SagaState> => {
  const ours = (await deps.tables.listBackups(name)).filter((backup) =>
    backup.name.startsWith(backupPrefixOf(name)),
  );
  // When the record learned of it (the backup's own time is in DynamoDB).
  const at = deps.now().toISOString();
  const own = table ? await backUp(deps, table, backupNameOf(name, ctx.execution), ours) : undefined;
  const known = new Set((recordOf(state).backups ?? []).map((backup) => backup.arn));
  const added = [...ours.map((backup) => backup.arn), ...(own ? [own] : [])]
    .filter((arn, index, all) => !known.has(arn) && all.indexOf(arn) === index)
    .map((arn) => ({ table: name, arn, at }));
  if (added.length === 0) return state;
  const record = recordOf(state);
  const next = withTables(state, { ...record, backups: [...(record.backups ?? []), ...added] });
  await checkpoint(deps, ctx, next, 'DeleteTables', startedAt);
  return next;
};

/**
 * DeleteTables: the tables the record names and, for a placement that lists tables, every table of
 * the tenant's names (a try may have made one and died before recording it), each only when it is
 * this deployment's and the tenant's. Each is backed up first, its backup recorded before the
 * delete (an onboarding being undone deletes without one). Gone already is done. Every backup of the
 * tenant's tables tenantflow made is named on the record (see `keepBackups`): a retry starts from the
 * step's input, which a try that backed a table up, recorded it and deleted the table before dying
 * never returned.
 */
export const deleteTables: Step = async (state, deps, ctx) => {
  const recorded = state.resources.tables;
  const specs = tablesOf(state.placement);
  if (!recorded && specs.length === 0) return state;
  const startedAt = deps.now();
  const { tenantId } = state.request;
  // The execution being undone: an onboarding's own, or the dead one a cleanup follows. A table it
  // made held nothing of the tenant's yet: deleted without a backup. Any other (adopted from an
  // earlier life of the tenant, a leftover of another execution) is backed up first.
  const undoing = state.request.operation === 'onboard' ? ctx.execution : state.request.cleanup?.of;
  const names = new Map<string, string>();
  for (const [key, table] of Object.entries(recorded?.tables ?? {})) names.set(key, table.name);
  for (const spec of specs)
    if (!names.has(spec.name)) names.set(spec.name, tenantTableName(deps, tenantId, spec.name));
  const skipped: string[] = [];
  let next = state;
  for (const [key, name] of names) {
    const table = present(await deps.tables.describeTable(name));
    if (table && !isDeploymentTable(deps, table, tenantId)) skipped.push(name);
    else {
      const fresh =
        table !== undefined && undoing !== undefined && tagValue(table.tags, TAG_KEYS.madeBy) === undoing;
      if (!fresh) next = await keepBackups(next, deps, ctx, name, table, startedAt);
      if (table) await deps.tables.deleteTable(name);
    }
    const record = recordOf(next);
    const { [key]: _gone, ...rest } = record.tables;
    next = withTables(next, { ...record, tables: rest });
  }
  await checkpoint(deps, ctx, next, 'DeleteTables', startedAt, notOurs(skipped, 'DynamoDB table'));
  return next;
};

/** Whether a table of this name exists (one DELETING does not). */
export const tableExists = async (deps: StepDeps, name: string): Promise<boolean> => {
  const status = await deps.tables.tableStatus(name);
  return status !== undefined && status !== 'DELETING';
};

/** Whether every table the record names exists. */
export const tablesExist = async (deps: StepDeps, record: TablesRecord): Promise<boolean> => {
  for (const table of Object.values(record.tables)) if (!(await tableExists(deps, table.name))) return false;
  return true;
};

/**
 * Removes a table found by its tags and named by no record (reconcile's orphan): backed up first,
 * whatever it holds; only this deployment's and the tenant's.
 */
export const removeTableByArn = async (deps: StepDeps, arn: string, tenantId: string): Promise<void> => {
  const table = present(await deps.tables.describeTable(tableNameOfArn(arn)));
  if (!table) return;
  if (!isDeploymentTable(deps, table, tenantId))
    throw new OwnershipError(
      `DynamoDB table ${table.name} is not this deployment's table of tenant ${tenantId}: left alone`,
    );
  const backupName = backupNameOf(table.name, `reconcile ${deps.now().toISOString().slice(0, 10)}`);
  await backUp(deps, table, backupName, await deps.tables.listBackups(table.name));
  await deps.tables.deleteTable(table.name);
};
