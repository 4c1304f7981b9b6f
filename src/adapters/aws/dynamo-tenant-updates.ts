import { RECORD_SCHEMA_VERSION } from '../../domain/record-schema.ts';
import type { TenantResources } from '../../domain/resources.ts';
import type { HistoryEntry } from '../../domain/tenant-record.ts';
import type {
  AcquireRequest,
  MigrationChange,
  ReleaseRequest,
  RepairRequest,
} from '../../ports/tenant-map.ts';
import { withoutUndefined } from './parse.ts';

/** The parts of an `UpdateItem` input an expression builder decides. */
export interface UpdateParts {
  ConditionExpression: string;
  UpdateExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
}

/** Every attribute of the tenant item, aliased: several (`name`, `lock`, …) are DynamoDB reserved words. */
const NAMES = {
  '#pk': 'pk',
  '#lock': 'lock',
  '#execution': 'execution',
  '#status': 'lifecycleStatus',
  '#tenantId': 'tenantId',
  '#registrationId': 'tenantRegistrationId',
  '#tenantName': 'tenantName',
  '#email': 'email',
  '#tier': 'tier',
  '#version': 'version',
  '#createdAt': 'createdAt',
  '#updatedAt': 'updatedAt',
  '#history': 'history',
  '#resources': 'resources',
  '#active': 'active',
  '#routing': 'routing',
  '#lastError': 'lastError',
  '#placement': 'placement',
  '#migration': 'migration',
  '#release': 'release',
  '#schemaVersion': 'schemaVersion',
} as const;

/** Only the aliases an expression uses: DynamoDB rejects unused ones. */
const namesUsedIn = (...expressions: string[]): Record<string, string> => {
  const text = expressions.join(' ');
  return Object.fromEntries(Object.entries(NAMES).filter(([alias]) => new RegExp(`${alias}\\b`).test(text)));
};

/**
 * The conditional write that takes the tenant's lock: it succeeds when the item is absent and that
 * is allowed, when no lock is held and the status is allowed, or when this execution holds it already.
 * Onboarding writes its placement, name and registration; any other operation writes those only onto
 * an item it creates, so nothing an event says can change what the record says the tenant is.
 */
export const acquireUpdate = (request: AcquireRequest): UpdateParts => {
  const statuses = request.allowedFrom.filter((status) => status !== 'absent');
  const statusValues = Object.fromEntries(statuses.map((status, index) => [`:from${index}`, status]));
  const conditions = [
    ...(request.allowedFrom.includes('absent') ? ['attribute_not_exists(#pk)'] : []),
    ...(statuses.length > 0
      ? [
          `(attribute_not_exists(#lock) AND #status IN (${Object.keys(statusValues).join(', ')})${
            request.expectedVersion === undefined ? '' : ' AND #version = :expectedVersion'
          })`,
        ]
      : []),
    '#lock.#execution = :execution',
  ];
  const onboarding = request.operation === 'onboard';
  const set = [
    '#lock = :lock',
    '#status = :status',
    '#tenantId = :tenantId',
    '#version = if_not_exists(#version, :zero) + :one',
    '#updatedAt = :at',
    '#createdAt = if_not_exists(#createdAt, :at)',
    '#history = if_not_exists(#history, :emptyList)',
    '#resources = if_not_exists(#resources, :emptyMap)',
    '#active = if_not_exists(#active, :inactive)',
    onboarding ? '#tenantName = :tenantName' : '#tenantName = if_not_exists(#tenantName, :tenantName)',
  ];
  const remove: string[] = [];
  const values: Record<string, unknown> = {
    ...statusValues,
    ':execution': request.execution,
    ':lock': { execution: request.execution, operation: request.operation, since: request.at },
    ':status': request.status,
    ':tenantId': request.tenantId,
    ':tenantName': request.tenantName,
    ':zero': 0,
    ':one': 1,
    ':at': request.at,
    ':emptyList': [],
    ':emptyMap': {},
    ':inactive': false,
    ...(request.expectedVersion === undefined ? {} : { ':expectedVersion': request.expectedVersion }),
  };
  if (request.tenantRegistrationId !== undefined) {
    set.push(
      onboarding
        ? '#registrationId = :registrationId'
        : '#registrationId = if_not_exists(#registrationId, :registrationId)',
    );
    values[':registrationId'] = request.tenantRegistrationId;
  } else if (onboarding) {
    remove.push('#registrationId');
  }
  // The onboarding's address goes with its registration: written, or gone when it names none.
  if (onboarding && request.email !== undefined) {
    set.push('#email = :email');
    values[':email'] = request.email;
  } else if (onboarding) {
    remove.push('#email');
  }
  if (onboarding && request.placement !== undefined) {
    set.push('#placement = :placement');
    values[':placement'] = withoutUndefined(request.placement);
  }
  return updateParts(conditions.join(' OR '), set, remove, values);
};

/**
 * An update of `set` (and `remove`) under `condition`, naming only the attributes it uses. Every
 * write stamps the record schema version it writes, and never writes onto a record of a newer one
 * (a later tenantflow's: see src/domain/record-schema.ts).
 */
const updateParts = (
  condition: string,
  set: readonly string[],
  remove: readonly string[],
  values: Record<string, unknown>,
): UpdateParts => {
  const ConditionExpression = `(${condition}) AND (attribute_not_exists(#schemaVersion) OR #schemaVersion <= :schemaVersion)`;
  const UpdateExpression = `SET ${[...set, '#schemaVersion = :schemaVersion'].join(', ')}${
    remove.length ? ` REMOVE ${remove.join(', ')}` : ''
  }`;
  return {
    ConditionExpression,
    UpdateExpression,
    ExpressionAttributeNames: namesUsedIn(ConditionExpression, UpdateExpression),
    ExpressionAttributeValues: { ...values, ':schemaVersion': RECORD_SCHEMA_VERSION },
  };
};

/** Writes a tenant's resources with history lines, under `condition` (its values in `values`). */
const resourcesWrite = (
  condition: string,
  values: Record<string, unknown>,
  request: { resources: TenantResources; history: HistoryEntry[]; at: string },
  remove: readonly string[] = [],
): UpdateParts =>
  updateParts(
    condition,
    [
      '#resources = :resources',
      '#history = list_append(if_not_exists(#history, :empty), :history)',
      '#version = #version + :one',
      '#updatedAt = :at',
    ],
    remove,
    {
      ...values,
      ':resources': withoutUndefined(request.resources),
      ':history': withoutUndefined(request.history),
      ':empty': [],
      ':one': 1,
      ':at': request.at,
    },
  );

/** The conditional write that records a step's resources and history: only the lock holder may make it. */
export const recordResourcesUpdate = (request: {
  execution: string;
  resources: TenantResources;
  history: HistoryEntry[];
  at: string;
}): UpdateParts =>
  resourcesWrite('#lock.#execution = :execution', { ':execution': request.execution }, request);

/** Reconciliation's write: unlocked, and still at the version the repair was planned from. */
export const repairUpdate = (request: RepairRequest): UpdateParts =>
  resourcesWrite(
    'attribute_not_exists(#lock) AND #version = :expected',
    { ':expected': request.expectedVersion },
    request,
    request.migration === null ? ['#migration'] : [],
  );

/**
 * The conditional write that ends an operation: only the lock holder may make it. `routing` and
 * `lastError` are set when given, removed when `null`, left alone when absent.
 */
export const releaseUpdate = (request: ReleaseRequest): UpdateParts => {
  const set = [
    '#status = :status',
    '#active = :active',
    '#resources = :resources',
    '#history = list_append(if_not_exists(#history, :emptyList), :history)',
    '#version = if_not_exists(#version, :zero) + :one',
    '#updatedAt = :at',
  ];
  const remove = ['#lock'];
  const values: Record<string, unknown> = {
    ':execution': request.execution,
    ':status': request.status,
    ':active': request.active,
    ':resources': withoutUndefined(request.resources),
    ':history': withoutUndefined(request.history),
    ':emptyList': [],
    ':zero': 0,
    ':one': 1,
    ':at': request.at,
  };
  if (request.routing === null) remove.push('#routing');
  else if (request.routing !== undefined) {
    set.push('#routing = :routing');
    values[':routing'] = withoutUndefined(request.routing);
  }
  if (request.lastError === null) remove.push('#lastError');
  else if (request.lastError !== undefined) {
    set.push('#lastError = :lastError');
    values[':lastError'] = withoutUndefined(request.lastError);
  }
  if (request.migration === null) remove.push('#migration');
  else if (request.migration !== undefined) {
    set.push('#migration = :migration');
    values[':migration'] = withoutUndefined(request.migration);
  }
  if (request.placement !== undefined) {
    set.push('#placement = :placement');
    values[':placement'] = withoutUndefined(request.placement);
  }
  if (request.release === null) remove.push('#release');
  else if (request.release !== undefined) {
    set.push('#release = :release');
    values[':release'] = withoutUndefined(request.release);
  }
  return updateParts('#lock.#execution = :execution', set, remove, values);
};

/**
 * The conditional write of a migration step (only the lock holder may make it): the migration record
 * set or removed, or only its resources; and, at the switch, the tenant's placement, resources and
 * routing.
 */
export const recordMigrationUpdate = (request: {
  execution: string;
  change: MigrationChange;
  history: HistoryEntry[];
  at: string;
}): UpdateParts => {
  const { change } = request;
  const set = [
    '#history = list_append(if_not_exists(#history, :empty), :history)',
    '#version = #version + :one',
    '#updatedAt = :at',
  ];
  const remove: string[] = [];
  const values: Record<string, unknown> = {
    ':execution': request.execution,
    ':history': withoutUndefined(request.history),
    ':empty': [],
    ':one': 1,
    ':at': request.at,
  };
  const conditions = ['#lock.#execution = :execution'];
  if (change.migration === null) remove.push('#migration');
  else if (change.migration !== undefined) {
    set.push('#migration = :migration');
    values[':migration'] = withoutUndefined(change.migration);
  }
  if (change.migrationResources !== undefined) {
    set.push('#migration.#resources = :migrationResources');
    values[':migrationResources'] = withoutUndefined(change.migrationResources);
    conditions.push('attribute_exists(#migration)');
  }
  for (const [field, key] of [
    ['placement', '#placement'],
    ['resources', '#resources'],
  ] as const) {
    const value = change[field];
    if (value === undefined) continue;
    set.push(`${key} = :${field}`);
    values[`:${field}`] = withoutUndefined(value);
  }
  if (change.routing === null) remove.push('#routing');
  else if (change.routing !== undefined) {
    set.push('#routing = :routing');
    values[':routing'] = withoutUndefined(change.routing);
  }
  if (change.release === null) remove.push('#release');
  else if (change.release !== undefined) {
    set.push('#release = :release');
    values[':release'] = withoutUndefined(change.release);
  }
  return updateParts(conditions.join(' AND '), set, remove, values);
};
