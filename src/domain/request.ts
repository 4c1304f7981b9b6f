import { OPERATION_TABLE, type Operation } from './operations.ts';
import type { Release } from './release.ts';

/**
 * A validated, normalised lifecycle request: what every saga starts from, whichever way it was
 * triggered (EventBridge, replay, or by hand from the Step Functions console).
 */
export interface TenantRequest {
  operation: Operation;
  /** Safe identifier (letters, digits, `-`, `_`; at most 64 characters). */
  tenantId: string;
  /**
   * The SBT registration to answer. Absent for a request started by hand without one (no status
   * event is sent then), and for an activation change that named the tenant alone until the record
   * supplies it.
   */
  tenantRegistrationId?: string;
  /** Display name, free text: never used in a resource name. */
  tenantName: string;
  /**
   * The tier the request names. Onboarding: the catalogue tier it resolved to (the configured default
   * when the event names none). Other operations: what the event said, only to log that the record's
   * tier wins when the two differ.
   */
  tier?: string;
  /** EventBridge event id when the request came from an event; absent when started by hand. */
  eventId?: string;
  /**
   * Set on an offboarding that cleans up after an execution that died (see src/app/watch.ts): it
   * removes what the tenant's record names and leaves the tenant FAILED, answering nobody.
   */
  cleanup?: Cleanup;
  /** The release an update puts the tenant on (required there, absent elsewhere). */
  release?: Release;
  /** Every other field of the inbound detail, kept as sent. */
  attributes: Record<string, unknown>;
}

/**
 * Which dead execution a cleanup follows, which try at it this is (1 first), and the version of the
 * tenant's record it was planned on: it acts only if nobody has touched the tenant since.
 */
export interface Cleanup {
  of: string;
  attempt: number;
  version: number;
}

/** Tries at a cleanup whose own execution was interrupted (timed out, aborted) before giving up. */
export const CLEANUP_ATTEMPTS = 3;

/**
 * The SBT registration a request is answered to: the one it names; for an activation change that
 * came as an event naming the tenant alone (as a billing system sends it), the one the tenant was
 * onboarded from. A request started by hand without one is answered to nobody, and so is one of an
 * operation that does not report (an update).
 */
export const registrationToAnswer = (
  request: Pick<TenantRequest, 'tenantRegistrationId' | 'eventId' | 'operation'>,
  recorded: string | undefined,
): string | undefined => {
  if (!OPERATION_TABLE[request.operation].reports) return undefined;
  if (request.tenantRegistrationId !== undefined) return request.tenantRegistrationId;
  const fromRecord =
    request.eventId !== undefined && !OPERATION_TABLE[request.operation].registrationRequired;
  return fromRecord ? recorded : undefined;
};
