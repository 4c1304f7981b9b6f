import { z } from 'zod';
import type { ExecutionEvent } from '../../ports/workflow.ts';
import type { ProgressEvent } from './progress.ts';
import type { ReplayStatusEvent } from './replay-result.ts';

/** A step's end read from a deployed execution's history, with the id of the event it came from. */
export interface HistoryStep {
  id: number;
  progress: ProgressEvent;
}

/**
 * The steps of a deployed execution as they ended, from its history (oldest first): one progress
 * event per invocation of a Task state's function, succeeded or failed, timed from the Task state's
 * entry or its function's start to the end, as the in-process engines time theirs. Pure: a follower
 * reads the history again and prints the steps whose id it has not printed yet.
 */
export const stepsOfHistory = (execution: string, events: readonly ExecutionEvent[]): HistoryStep[] => {
  const steps: HistoryStep[] = [];
  const executionStart = events[0]?.at ?? 0;
  let step = '?';
  let stepStart = executionStart;
  for (const event of events) {
    switch (event.kind) {
      case 'began':
        break;
      case 'entered':
        step = event.step;
        stepStart = event.at;
        break;
      case 'started':
        stepStart = event.at;
        break;
      case 'succeeded':
      case 'failed':
        steps.push({
          id: event.id,
          progress: {
            execution,
            step,
            ok: event.kind === 'succeeded',
            elapsedMs: Math.max(0, event.at - executionStart),
            stepMs: Math.max(0, event.at - stepStart),
            ...(event.kind === 'failed' ? { error: event.error } : {}),
          },
        });
        break;
    }
  }
  return steps;
};

const sentSchema = z.object({
  statusEvent: z.object({ source: z.string(), detailType: z.string(), detail: z.unknown() }),
});

/**
 * The status event a deployed execution sent to the control plane, as its own steps returned it
 * (the saga's state carries it once NotifyStatus, NotifyFailure or the like has sent it); null when no
 * step of the execution sent one (the deployed watcher answers for an execution that died).
 */
export const statusEventOfHistory = (events: readonly ExecutionEvent[]): ReplayStatusEvent | null => {
  for (let i = events.length - 1; i >= 0; i -= 1) {
    const event = events[i];
    if (event?.kind !== 'succeeded') continue;
    const sent = sentSchema.safeParse(event.output);
    if (sent.success) {
      const { source, detailType, detail } = sent.data.statusEvent;
      return { source, 'detail-type': detailType, detail };
    }
  }
  return null;
};
