/** The in-process saga engines: the xstate models run directly, or the committed ASL run locally. */
export { type LocalAslOptions, lambdaStyleError, runAslLocally } from './local-sfn.ts';
export { errorName, withRetry } from './retry.ts';
export { runSaga, type SagaRunOptions, type SagaRunResult, type StepEvent } from './run.ts';
