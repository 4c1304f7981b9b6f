/**
 * The names of the SBT contract, every one configurable (pre-0.9 installations used other names),
 * and the shape of what tenantflow sends back. Derived from the operations table: an operation's
 * request and result names are listed there once.
 */
import { byOperation, OPERATION_TABLE, OPERATIONS, type Operation } from '../src/domain/operations.ts';

export type { OutboundEvent } from '../src/domain/outbound-event.ts';

/** The contract's names as an installation configures them. */
export interface ContractConfig {
  /** Sources accepted on inbound events (first is canonical). */
  controlPlaneSources: string[];
  applicationPlaneSource: string;
  /** Inbound detail-types accepted per operation (canonical first, aliases after). */
  inbound: Record<Operation, string[]>;
  /** Outbound detail-types per operation and outcome. */
  outbound: Record<Operation, { success: string; failure: string }>;
}

/** The settings a contract is made from (`CONTROL_PLANE_SOURCES`, … in the environment). */
export interface ContractNames {
  controlPlaneSources: string[];
  applicationPlaneSource: string;
  /** `sbt_aws_` since SBT 0.9; unprefixed pre-0.9 names are always accepted inbound. */
  detailTypePrefix: string;
}

/** SBT v0.9's names. */
export const SBT_NAMES: ContractNames = {
  controlPlaneSources: ['sbt.control.plane', 'controlPlaneEventSource'],
  applicationPlaneSource: 'sbt.application.plane',
  detailTypePrefix: 'sbt_aws_',
};

/** The contract an installation with `names` speaks. */
export const contractConfig = (names: ContractNames = SBT_NAMES): ContractConfig => {
  const p = names.detailTypePrefix;
  return {
    controlPlaneSources: [...names.controlPlaneSources],
    applicationPlaneSource: names.applicationPlaneSource,
    inbound: byOperation((operation) => {
      const name = OPERATION_TABLE[operation].request;
      return [...new Set([`${p}${name}`, `sbt_aws_${name}`, name])];
    }),
    outbound: byOperation((operation) => {
      const name = OPERATION_TABLE[operation].result;
      return { success: `${p}${name}Success`, failure: `${p}${name}Failure` };
    }),
  };
};

/** The operation an inbound detail-type requests, if any. */
export const operationRequestedBy = (contract: ContractConfig, detailType: string): Operation | undefined =>
  OPERATIONS.find((operation) => contract.inbound[operation].includes(detailType));

/** The operation a status event answers and whether it says success, if it is one of ours. */
export const statusEventKind = (
  contract: ContractConfig,
  detailType: string,
): { operation: Operation; outcome: 'success' | 'failure' } | undefined => {
  for (const operation of OPERATIONS) {
    const names = contract.outbound[operation];
    if (names.success === detailType) return { operation, outcome: 'success' };
    if (names.failure === detailType) return { operation, outcome: 'failure' };
  }
  return undefined;
};
