import type { Tier } from './tier.ts';

/** The lifecycle operations tenantflow carries out. */
export const OPERATIONS = ['onboard', 'offboard', 'activate', 'deactivate'] as const;
export type Operation = (typeof OPERATIONS)[number];

/**
 * A validated, normalised lifecycle request: what every saga starts from, whichever way it was
 * triggered (EventBridge, replay, or by hand from the Step Functions console).
 */
export interface TenantRequest {
  operation: Operation;
  /** Safe identifier (letters, digits, `-`, `_`; at most 64 characters). */
  tenantId: string;
  /** Safe identifier (letters, digits, `-`, `_`; at most 64 characters). */
  tenantRegistrationId: string;
  /** Display name, free text: never used in a resource name. */
  tenantName: string;
  tier: Tier;
  /** EventBridge event id when the request came from an event; absent when started by hand. */
  eventId?: string;
  /** Every other field of the inbound detail, kept as sent. */
  attributes: Record<string, unknown>;
}
