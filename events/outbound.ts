import { FatalError } from '../src/domain/errors.ts';
import { OPERATION_TABLE, type Operation } from '../src/domain/operations.ts';
import type { ContractConfig, OutboundEvent } from './contract.ts';
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

/** SBT stores the reason in a DynamoDB attribute shown to operators: keep it readable and bounded. */
export const FAILURE_REASON_MAX = 1000;

/** Keys SBT can write: it turns each into a DynamoDB attribute name. */
export const STATUS_KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * Refuses a key SBT could not write. `tenantRegistrationData` keys reach DynamoDB through expression
 * placeholders; `tenantData` keys are written bare, so they must not be DynamoDB reserved words
 * either (the whole update of the tenant fails over one of them, and the status with it).
 */
const checkedKeys = (data: Record<string, string> | undefined, field: string, bare: boolean) => {
  for (const key of Object.keys(data ?? {})) {
    if (!STATUS_KEY_PATTERN.test(key)) {
      throw new FatalError(`${field}.${key}: status event keys must match ${STATUS_KEY_PATTERN}`);
    }
    if (bare && isDynamoReservedWord(key)) {
      throw new FatalError(
        `${field}.${key}: a DynamoDB reserved word, which SBT's tenant update cannot write`,
      );
    }
  }
  return { ...data };
};

const failureReason = (step: string, reason: string): string => {
  const text = `${step}: ${reason.trim()}`.replace(/\s+/g, ' ').trim();
  return text.length > FAILURE_REASON_MAX ? `${text.slice(0, FAILURE_REASON_MAX - 1)}…` : text;
};

/** The verb of SBT's own failure message ("Failed to provision tenant."). */
const verb = (operation: Operation): string => OPERATION_TABLE[operation].result;

/**
 * The terminal status event for the control plane. Success events carry `tenantData` and the
 * registration status SBT's reference jobs write; failure events, unlike SBT's own, also mark the
 * registration `failed` with the failed step and a readable reason, so the control plane records
 * the failure instead of showing "In progress" for ever. A key SBT could not write is refused here
 * (a `FatalError`), before anything is sent.
 */
export const buildStatusEvent = (input: StatusEventInput): OutboundEvent => {
  const { contract, operation, outcome, tenantRegistrationId } = input;
  const detailType = contract.outbound[operation][outcome];
  const source = contract.applicationPlaneSource;
  const tenantData = checkedKeys(input.tenantData, 'tenantData', true);
  const registrationData = checkedKeys(input.registrationData, 'tenantRegistrationData', false);
  if (outcome === 'success') {
    const jobOutput = {
      tenantData,
      tenantRegistrationData: {
        registrationStatus: OPERATION_TABLE[operation].succeeded,
        ...registrationData,
      },
    };
    return { source, detailType, detail: { tenantRegistrationId, jobOutput } };
  }
  const step = input.failure?.step.trim() || 'Unknown';
  const reason = input.failure?.reason || 'no reason was recorded';
  const jobOutput = {
    tenantStatus: `Failed to ${verb(operation)} tenant.`,
    // A failure writes nothing onto SBT's tenant record.
    tenantData: {},
    tenantRegistrationData: {
      ...registrationData,
      ...(OPERATION_TABLE[operation].failed === null
        ? {}
        : { registrationStatus: OPERATION_TABLE[operation].failed }),
      failedStep: step,
      failureReason: failureReason(step, reason),
    },
  };
  return { source, detailType, detail: { tenantRegistrationId, jobOutput } };
};
