/**
 * The SBT event contract: reading lifecycle requests (EventBridge events, plain requests, saved
 * saga states), building the status events sent back, and naming executions.
 */
export { executionName } from './names.ts';
export { buildStatusEvent } from './outbound.ts';
export { type ParseResult, parseLifecycleInput } from './parse.ts';
