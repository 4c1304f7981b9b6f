import { type IngestDeps, ingestEvent } from '../../app/ingest.ts';
import type { ExecutionLookup, ExecutionState } from '../../ports/workflow.ts';
import type { ExecutionEnd } from '../engines/index.ts';
import { type ReplayResult, replayResult } from './replay-result.ts';

const ENDS: ReadonlySet<string> = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

/** How an execution that is no longer running ended (a status Step Functions may add later counts as failed). */
const endOf = (state: ExecutionState): ExecutionEnd => ({
  status: ENDS.has(state.status) ? (state.status as ExecutionEnd['status']) : 'FAILED',
  error: state.error ?? (ENDS.has(state.status) ? undefined : state.status),
  ...(state.cause ? { cause: state.cause } : {}),
});

/**
 * One request carried out on a deployed stage instead of in this process: validated and started on
 * the stage's state machine exactly as its ingress Lambda does (the same `ingestEvent`), then
 * followed with DescribeExecution until it ends. What it does meanwhile, and any recovery, is the
 * deployed stage's: a command that stops following (Ctrl-C, `--no-wait`) leaves nothing behind here.
 */
export interface DeployedRunDeps extends IngestDeps {
  lookup: ExecutionLookup;
  sleep: (ms: number) => Promise<void>;
  /** Between two looks at a running execution. */
  pollMs: number;
}

export const runOnDeployed = async (
  raw: unknown,
  deps: DeployedRunDeps,
  options: { wait: boolean; signal?: AbortSignal | undefined; followHint: string },
): Promise<ReplayResult> => {
  const ingest = await ingestEvent(raw, deps);
  if (ingest.outcome === 'rejected') {
    return replayResult({
      raw,
      config: deps.config,
      ingest,
      end: undefined,
      statusEvent: ingest.statusEvent
        ? {
            source: ingest.statusEvent.source,
            'detail-type': ingest.statusEvent.detailType,
            detail: ingest.statusEvent.detail,
          }
        : null,
    });
  }
  // The event's own fields as any result has them (replayResult's), with the outcome `started`.
  const notFollowed = (why: string): ReplayResult => ({
    ...replayResult({
      raw,
      config: deps.config,
      ingest: { ...ingest, outcome: 'duplicate' },
      end: undefined,
      statusEvent: null,
    }),
    outcome: 'started',
    error: `${why}; ${options.followHint}`,
  });
  if (!options.wait) return notFollowed('running on the deployed stage, not followed (--no-wait)');
  for (;;) {
    if (options.signal?.aborted)
      return notFollowed('still running on the deployed stage, no longer followed');
    const state = await deps.lookup.describe(ingest.machine, ingest.execution);
    if (state && state.status !== 'RUNNING') {
      // The status event went out from the deployed stage; its end says how the request ended.
      return replayResult({
        raw,
        config: deps.config,
        ingest,
        end: endOf(state),
        statusEvent: null,
      });
    }
    await deps.sleep(deps.pollMs);
  }
};
