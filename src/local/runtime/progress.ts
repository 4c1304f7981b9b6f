/** One step of a local execution, as it ended (src/cli/progress.ts prints them for people). */
export interface ProgressEvent {
  execution: string;
  step: string;
  ok: boolean;
  /** Since the execution started. */
  elapsedMs: number;
  /** This invocation of the step alone. */
  stepMs: number;
  /** The error's name when the step failed (what the state machine's Retry/Catch sees). */
  error?: string;
}

/** Builds the progress event of a step that just ended (`error` given when it failed). */
export const progressEvent = (input: {
  execution: string;
  step: string;
  executionStart: number;
  stepStart: number;
  error?: unknown;
}): ProgressEvent => {
  const now = Date.now();
  const elapsedMs = now - input.executionStart;
  const failed = input.error !== undefined;
  const error = failed ? (input.error instanceof Error ? input.error.name : String(input.error)) : undefined;
  return {
    execution: input.execution,
    step: input.step,
    ok: !failed,
    elapsedMs,
    stepMs: now - input.stepStart,
    ...(error === undefined ? {} : { error }),
  };
};
