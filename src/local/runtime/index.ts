/** The embedded default: tenantflow's handlers and adapters running over a simulated AWS. */
export type { ExecutionEnd, SagaEngine } from '../engines/index.ts';
export type { AwsTarget, DeployedExecution } from './aws-backend.ts';
export { deployedFollower } from './aws-backend.ts';
export { type AwsRuntime, awsStateDir, createAwsRuntime } from './aws-runtime.ts';
export { FAULT_KINDS, type FaultKind, type FaultSpec, parseFaultSpec } from './fault-spec.ts';
export { crashError, FaultInjector, type LocalService, type StepCalls, sdkFault } from './faults.ts';
export { type ProgressEvent, progressEvent } from './progress.ts';
export { type ExecutionEntry, ExecutionRegistry, readRegistry } from './registry.ts';
export type { PublishedEvent, ReplayResult, ReplayStatusEvent } from './replay-result.ts';
export { type AbortAnswer, requestAbort } from './requests.ts';
export {
  createLocalRuntime,
  type InventoryItem,
  LOCAL_SBT_BUS,
  type LocalRuntime,
  type LocalRuntimeOptions,
  type RecoveredExecution,
  type ReplayOptions,
  RequestNotRunError,
  type Runtime,
  retryEvent,
  type ShardRun,
  type ShardView,
  STATE_MARKER,
} from './runtime.ts';
export { NotAStateDirError, StateDirBusyError } from './state-dir.ts';
