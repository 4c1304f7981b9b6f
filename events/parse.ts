import { type Catalogue, resolveTier, tierNames } from '../src/domain/catalogue.ts';
import { ValidationError } from '../src/domain/errors.ts';
import { OPERATION_TABLE, OPERATIONS, type Operation } from '../src/domain/operations.ts';
import type { TenantRequest } from '../src/domain/request.ts';
import { type ContractConfig, operationRequestedBy } from './contract.ts';
import { readDetail } from './detail.ts';
import {
  cleanupSchema,
  envelopeSchema,
  isPlainObject,
  looksLikeEnvelope,
  looksLikeSagaState,
  operationSchema,
  SALVAGE_MAX,
  savedRequestSchema,
} from './schemas.ts';

/** The outcome of reading a lifecycle input. On failure, whatever identifies the tenant is kept. */
export type ParseResult =
  | { ok: true; request: TenantRequest }
  | {
      ok: false;
      error: ValidationError;
      operation?: Operation;
      tenantId?: string;
      tenantRegistrationId?: string;
    };

/** What a state machine accepts and how it fills gaps. */
export interface ParseOptions {
  contract: ContractConfig;
  catalogue: Catalogue;
  /** Operations this state machine carries out (e.g. activation takes activate and deactivate). */
  accepts: readonly Operation[];
}

const quote = (value: string): string => JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);

const salvageString = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 && value.length <= SALVAGE_MAX ? value : undefined;

/** A failure, with the operation and the tenant ids found in `from` when they are usable. */
const reject = (error: ValidationError, operation?: Operation, from?: unknown): ParseResult => {
  const tenantId = isPlainObject(from) ? salvageString(from.tenantId) : undefined;
  const tenantRegistrationId = isPlainObject(from) ? salvageString(from.tenantRegistrationId) : undefined;
  return {
    ok: false,
    error,
    ...(operation ? { operation } : {}),
    ...(tenantId ? { tenantId } : {}),
    ...(tenantRegistrationId ? { tenantRegistrationId } : {}),
  };
};

const acceptedList = (accepts: readonly Operation[]): string =>
  accepts.length ? accepts.join(', ') : 'nothing';

const parseEnvelope = (raw: Record<string, unknown>, options: ParseOptions): ParseResult => {
  const { contract, accepts, catalogue } = options;
  const detailType = typeof raw['detail-type'] === 'string' ? raw['detail-type'] : undefined;
  const named = detailType === undefined ? undefined : operationRequestedBy(contract, detailType);
  const envelope = envelopeSchema.safeParse(raw);
  if (!envelope.success) {
    const issue = envelope.error.issues[0];
    const field = issue?.path.map(String).join('.') || 'event';
    return reject(new ValidationError(field, issue?.message ?? 'is invalid'), named, raw.detail);
  }
  const { id, source, detail } = envelope.data;
  if (!contract.controlPlaneSources.includes(source)) {
    const expected = contract.controlPlaneSources.join(', ');
    return reject(
      new ValidationError('source', `unknown source ${quote(source)}; expected one of ${expected}`),
      named,
      detail,
    );
  }
  if (!named) {
    const known = OPERATIONS.flatMap((op) => contract.inbound[op]).join(', ');
    const message = `unknown detail-type ${quote(envelope.data['detail-type'])}; expected one of ${known}`;
    return reject(new ValidationError('detail-type', message), undefined, detail);
  }
  if (!accepts.includes(named)) {
    const message = `is a ${named} request; this workflow accepts ${acceptedList(accepts)}`;
    return reject(new ValidationError('detail-type', message), named, detail);
  }
  // An event comes from the control plane: SBT's own requests name their registration.
  const registrationRequired = OPERATION_TABLE[named].registrationRequired;
  const read = readDetail(detail, 'detail', { operation: named, catalogue, registrationRequired });
  if (!read.ok) return reject(read.error, named, detail);
  return { ok: true, request: { operation: named, ...read.fields, eventId: id } };
};

const plainOperation = (
  raw: Record<string, unknown>,
  accepts: readonly Operation[],
): Operation | ValidationError => {
  if (raw.operation === undefined || raw.operation === null) {
    const only = accepts.length === 1 ? accepts[0] : undefined;
    return (
      only ?? new ValidationError('operation', `is required: this workflow accepts ${acceptedList(accepts)}`)
    );
  }
  const parsed = operationSchema.safeParse(raw.operation);
  if (!parsed.success)
    return new ValidationError('operation', parsed.error.issues[0]?.message ?? 'is invalid');
  if (!accepts.includes(parsed.data)) {
    return new ValidationError(
      'operation',
      `${parsed.data} is not accepted; this workflow accepts ${acceptedList(accepts)}`,
    );
  }
  return parsed.data;
};

const parsePlain = (raw: Record<string, unknown>, options: ParseOptions): ParseResult => {
  const operation = plainOperation(raw, options.accepts);
  if (operation instanceof ValidationError) {
    const known = operationSchema.safeParse(raw.operation);
    return reject(operation, known.success ? known.data : undefined, raw);
  }
  // Started by hand: without a registration the request runs and answers nobody.
  const rules = { operation, catalogue: options.catalogue, registrationRequired: false };
  const read = readDetail(raw, 'detail', rules, ['operation', 'cleanup']);
  if (!read.ok) return reject(read.error, operation, raw);
  if (raw.cleanup === undefined) return { ok: true, request: { operation, ...read.fields } };
  // The watcher's cleanup after a dead execution (or an operator's, by hand): offboarding only.
  const cleanup = cleanupSchema.safeParse(raw.cleanup);
  if (!cleanup.success) {
    const issue = cleanup.error.issues[0];
    const field = ['detail', 'cleanup', ...(issue?.path.map(String) ?? [])].join('.');
    return reject(new ValidationError(field, issue?.message ?? 'is invalid'), operation, raw);
  }
  const cleaners = new Set<Operation | null>(OPERATIONS.map((op) => OPERATION_TABLE[op].cleanupBy));
  cleaners.delete(null);
  if (!cleaners.has(operation)) {
    const which = [...cleaners].join(' or ');
    return reject(new ValidationError('detail.cleanup', `only ${which} cleans up`), operation, raw);
  }
  return { ok: true, request: { operation, ...read.fields, cleanup: cleanup.data } };
};

const parseSaved = (raw: Record<string, unknown>, options: ParseOptions): ParseResult => {
  const saved = raw.request;
  const known = isPlainObject(saved) ? operationSchema.safeParse(saved.operation) : undefined;
  const operation = known?.success ? known.data : undefined;
  if (!isPlainObject(saved)) return reject(new ValidationError('request', 'must be a JSON object'));
  const parsed = savedRequestSchema.safeParse(saved);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = ['request', ...(issue?.path.map(String) ?? [])].join('.');
    return reject(new ValidationError(field, issue?.message ?? 'is invalid'), operation, saved);
  }
  if (!options.accepts.includes(parsed.data.operation)) {
    const message = `${parsed.data.operation} is not accepted; this workflow accepts ${acceptedList(options.accepts)}`;
    return reject(new ValidationError('request.operation', message), operation, saved);
  }
  if (OPERATION_TABLE[parsed.data.operation].release === 'required' && parsed.data.release === undefined) {
    const message = `is required: a ${parsed.data.operation} request carries its release`;
    return reject(new ValidationError('request.release', message), operation, saved);
  }
  const { eventId, tenantRegistrationId, tier, ...rest } = parsed.data;
  let resolved = tier;
  if (OPERATION_TABLE[rest.operation].tier !== 'informational') {
    resolved = resolveTier(options.catalogue, tier ?? options.catalogue.defaultTier);
    if (resolved === undefined) {
      const message = `unknown tier ${quote(tier ?? '')}; allowed tiers: ${tierNames(options.catalogue)}`;
      return reject(new ValidationError('request.tier', message), operation, saved);
    }
  }
  return {
    ok: true,
    request: {
      ...rest,
      ...(tenantRegistrationId ? { tenantRegistrationId } : {}),
      ...(resolved ? { tier: resolved } : {}),
      ...(eventId ? { eventId } : {}),
    },
  };
};

/**
 * Reads a state machine's input, whichever way the execution was started: an SBT EventBridge
 * event, a plain tenant request typed into the Step Functions console, or a saga state handed to
 * a restarted execution. Never throws, whatever `raw` is: bad input comes back as a
 * `ValidationError` naming the field, with the operation and tenant ids when they can be told.
 */
export const parseLifecycleInput = (raw: unknown, options: ParseOptions): ParseResult => {
  try {
    if (!isPlainObject(raw)) return reject(new ValidationError('detail', 'must be a JSON object'));
    if (looksLikeSagaState(raw)) return parseSaved(raw, options);
    if (looksLikeEnvelope(raw)) return parseEnvelope(raw, options);
    return parsePlain(raw, options);
  } catch (cause) {
    // A getter or proxy in a hand-made input can throw; the contract is a result, never a throw.
    return { ok: false, error: new ValidationError('input', 'could not be read', { cause }) };
  }
};
