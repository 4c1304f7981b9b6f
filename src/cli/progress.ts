import { RETRY_POLICY, retrierFor } from '../../state-machines/retry.ts';
import type { ProgressEvent } from '../local/runtime/progress.ts';

/**
 * Progress for people, from the steps as they end: one header per execution, then one line per
 * step with its own duration; repeated successes of a step (health and lock polls) collapsed into one
 * line with a count; a retry numbered against its budget; once an execution has given up on a step,
 * what follows (compensations, the failure report) marked `↩`.
 *
 *   ▶ onboard-053a1cca-…-54bc0728
 *     ✓ ValidateRequest 12ms
 *     ✓ WaitForHealthy ×9 41ms
 *     ✗ CreateService FatalError 3ms
 *     ↩ DeleteTargetGroup 4ms
 */
export interface ProgressPrinter {
  onProgress(event: ProgressEvent): void;
  /** Prints what is still held back (a run of polls): call before printing a result. */
  flush(): void;
}

/** A step line's marks: done, failed, and done on the way back after a failure. */
export const STEP_MARKS = { ok: '✓', failed: '✗', compensating: '↩' } as const;

interface ExecutionView {
  /** The step that failed last, until another step (its retry or the failure path) ends. */
  failed?: { step: string; error: string; attempt: number };
  /** A step failed and was not retried: the rest is the way back. */
  compensating: boolean;
}

/** How many times the state machines retry a step that failed with `error` (0: caught at once). */
const retryBudget = (error: string): number => RETRY_POLICY[retrierFor(error)]?.MaxAttempts ?? 0;

export const progressPrinter = (write: (line: string) => void): ProgressPrinter => {
  const views = new Map<string, ExecutionView>();
  let headed: string | undefined;
  /** A run of successes of one step, not printed yet. */
  let held: { execution: string; step: string; count: number; ms: number; mark: string } | undefined;

  const header = (execution: string) => {
    if (headed === execution) return;
    headed = execution;
    write(`▶ ${execution}`);
  };
  const flush = () => {
    if (!held) return;
    const { execution, step, count, ms, mark } = held;
    held = undefined;
    header(execution);
    write(`  ${mark} ${step}${count > 1 ? ` ×${count}` : ''} ${ms}ms`);
  };

  const onProgress = (event: ProgressEvent) => {
    const view = views.get(event.execution) ?? { compensating: false };
    views.set(event.execution, view);
    const failed = view.failed;
    const retry = failed?.step === event.step ? failed.attempt : undefined;
    if (view.failed && retry === undefined) view.compensating = true;
    if (event.ok) {
      if (retry === undefined) view.failed = undefined;
      const mark = view.compensating ? STEP_MARKS.compensating : STEP_MARKS.ok;
      if (held && held.execution === event.execution && held.step === event.step && retry === undefined) {
        held.count += 1;
        held.ms += event.stepMs;
        return;
      }
      flush();
      if (retry !== undefined) {
        view.failed = undefined;
        header(event.execution);
        write(
          `  ${mark} ${event.step} ${event.stepMs}ms (retry ${retry}/${retryBudget(failed?.error ?? '')})`,
        );
        return;
      }
      held = { execution: event.execution, step: event.step, count: 1, ms: event.stepMs, mark };
      return;
    }
    flush();
    header(event.execution);
    const error = event.error ?? 'Error';
    const attempt = (retry ?? 0) + 1;
    const budget = retryBudget(error);
    const then =
      attempt <= budget ? `, retry ${attempt}/${budget} next` : budget > 0 ? ', retries spent' : '';
    write(`  ${STEP_MARKS.failed} ${event.step} ${error} ${event.stepMs}ms${then}`);
    view.failed = { step: event.step, error, attempt };
  };

  return { onProgress, flush };
};
