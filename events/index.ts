/**
 * The SBT event contract: its names, reading lifecycle requests (EventBridge events, plain requests,
 * saved saga states), building the status events sent back, and naming executions.
 */
export {
  type ContractConfig,
  type ContractNames,
  contractConfig,
  type OutboundEvent,
  operationRequestedBy,
  SBT_NAMES,
  statusEventKind,
} from './contract.ts';
export { cleanupExecutionName, executionName } from './names.ts';
export { buildStatusEvent } from './outbound.ts';
export { type ParseOptions, type ParseResult, parseLifecycleInput } from './parse.ts';
