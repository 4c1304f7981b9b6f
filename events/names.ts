import { createHash } from 'node:crypto';
import type { TenantRequest } from '../src/domain/request.ts';

/** Step Functions' limit on an execution name. */
export const EXECUTION_NAME_MAX = 80;

const hash8 = (value: string): string => createHash('sha256').update(value).digest('hex').slice(0, 8);

/**
 * The execution name for a request: `<operation>-<tenantRegistrationId>-<hash8>` (the tenant id when
 * the request names no registration), where `hash8` comes from the EventBridge event id, or from
 * `fallbackSeed` when the request was started by hand.
 * A redelivered event (same id) gets the same name, so Step Functions refuses to start it twice;
 * a new event for the same registration gets a new one. Only `[A-Za-z0-9_-]`, at most 80 characters:
 * the registration id is cut short to fit.
 */
export const executionName = (
  request: Pick<TenantRequest, 'operation' | 'tenantId' | 'tenantRegistrationId' | 'eventId'>,
  fallbackSeed: string,
): string => {
  const seed = request.eventId ? request.eventId : fallbackSeed;
  const operation = request.operation.replace(/[^A-Za-z0-9_-]/g, '');
  const suffix = hash8(seed);
  const room = EXECUTION_NAME_MAX - operation.length - suffix.length - 2;
  // Callers pass validated ids; the rewrite only keeps the name legal if one ever is not.
  const registration = (request.tenantRegistrationId ?? request.tenantId)
    .replace(/[^A-Za-z0-9_-]/g, '-')
    .slice(0, Math.max(room, 0));
  return [operation, registration, suffix].filter(Boolean).join('-');
};

/**
 * The execution name of the watcher's cleanup after execution `of` died: `cleanup-<hash16 of of>-<attempt>`.
 * The same dead execution always gets the same name for the same attempt, so a redelivered status
 * change starts nothing new.
 */
export const cleanupExecutionName = (cleanup: { of: string; attempt: number }): string =>
  `cleanup-${createHash('sha256').update(cleanup.of).digest('hex').slice(0, 16)}-${cleanup.attempt}`;
