import type { ContractConfig } from '../src/config.ts';
import type { Operation } from '../src/domain/request.ts';
import type { OutboundEvent } from '../src/ports/event-publisher.ts';
import { isDynamoReservedWord } from './reserved-words.ts';

/** What a status event reports. */
export interface StatusEventInput {
  contract: ContractConfig;
  operation: Operation;
  outcome: 'success' | 'failure';
  tenantRegistrationId: string;
  /** Written onto SBT's tenant record on success, e.g. `{ tenantConfig: '<json string>' }`. */
  tenantData?: Record<string, string>;
  /** Extra keys for SBT's registration record. */
  registrationData?: Record<string, string>;
  /** Which step failed and why: expected when `outcome` is `'failure'`. */
  failure?: { step: string; reason: string };
}

/** `registrationStatus` written on SBT's registration record when the operation succeeded. */
const SUCCESS_STATUS = {
  onboard: 'created',
  offboard: 'deleted',
  activate: 'activated',
  deactivate: 'deactivated',
} as const satisfies Record<Operation, string>;

/** The verb of SBT's own failure message ("Failed to provision tenant."). */
const VERB = {
  onboard: 'provision',
  offboard: 'deprovision',
  activate: 'activate',
  deactivate: 'deactivate',
} as const satisfies Record<Operation, string>;

/** SBT stores the reason in a DynamoDB attribute shown to operators: keep it readable and bounded. */
export const FAILURE_REASON_MAX = 1000;

/**
 * Caller keys that are DynamoDB reserved words are left out: SBT would fail the whole update of
 * the registration over one of them, and the status would be lost with it.
 */
const usableKeys = (data: Record<string, string> | undefined): Record<string, string> =>
  Object.fromEntries(
    Object.entries(data ?? {}).filter(
      ([key, value]) => !isDynamoReservedWord(key) && typeof value === 'string',
    ),
  );

const failureReason = (step: string, reason: string): string => {
  const text = `${step}: ${reason.trim()}`.replace(/\s+/g, ' ').trim();
  return text.length > FAILURE_REASON_MAX ? `${text.slice(0, FAILURE_REASON_MAX - 1)}…` : text;
};

/**
 * The terminal status event for the control plane. Success events carry `tenantData` and the
 * registration status SBT's reference jobs write; failure events, unlike SBT's own, also mark the
 * registration `failed` with the failed step and a readable reason, so the control plane records
 * the failure instead of showing "In progress" for ever.
 */
export const buildStatusEvent = (input: StatusEventInput): OutboundEvent => {
  const { contract, operation, outcome, tenantRegistrationId } = input;
  const detailType = contract.outbound[operation][outcome];
  const source = contract.applicationPlaneSource;
  if (outcome === 'success') {
    const jobOutput = {
      tenantData: usableKeys(input.tenantData),
      tenantRegistrationData: {
        registrationStatus: SUCCESS_STATUS[operation],
        ...usableKeys(input.registrationData),
      },
    };
    return { source, detailType, detail: { tenantRegistrationId, jobOutput } };
  }
  const step = input.failure?.step.trim() || 'Unknown';
  const reason = input.failure?.reason || 'no reason was recorded';
  const jobOutput = {
    tenantStatus: `Failed to ${VERB[operation]} tenant.`,
    tenantData: {},
    tenantRegistrationData: {
      ...usableKeys(input.registrationData),
      registrationStatus: 'failed',
      failedStep: step,
      failureReason: failureReason(step, reason),
    },
  };
  return { source, detailType, detail: { tenantRegistrationId, jobOutput } };
};
