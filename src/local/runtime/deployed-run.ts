import { type IngestDeps, ingestEvent } from '../../app/ingest.ts';
import { FatalError } from '../../domain/errors.ts';
import type { MachineId } from '../../domain/saga.ts';
import type {
  ExecutionEvent,
  ExecutionEvents,
  ExecutionLookup,
  ExecutionState,
} from '../../ports/workflow.ts';
import type { ExecutionEnd } from '../engines/index.ts';
import { statusEventOfHistory, stepsOfHistory } from './history-progress.ts';
import type { ProgressEvent } from './progress.ts';
import { type ReplayResult, type ReplayStatusEvent, replayResult } from './replay-result.ts';

const ENDS: ReadonlySet<string> = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

/** How an execution that is no longer running ended (a status Step Functions may add later counts as failed). */
const endOf = (state: ExecutionState): ExecutionEnd => ({
  status: ENDS.has(state.status) ? (state.status as ExecutionEnd['status']) : 'FAILED',
  error: state.error ?? (ENDS.has(state.status) ? undefined : state.status),
  ...(state.cause ? { cause: state.cause } : {}),
  ...(state.output !== undefined ? { output: state.output } : {}),
});

/**
 * One request carried out on a deployed stage instead of in this process: validated and started on
 * the stage's state machine exactly as its ingress Lambda does (the same `ingestEvent`), then
 * followed with DescribeExecution until it ends, its steps read from the execution's history as
 * they end (`onProgress`) and the status event its steps sent taken from there. What it does
 * meanwhile, and any recovery, is the deployed stage's: a command that stops following (Ctrl-C,
 * `--no-wait`) leaves nothing behind here.
 */
export interface DeployedRunDeps extends IngestDeps {
  lookup: ExecutionLookup;
  history: ExecutionEvents;
  sleep: (ms: number) => Promise<void>;
  /** Between two looks at a running execution. */
  pollMs: number;
}

export const runOnDeployed = async (
  raw: unknown,
  deps: DeployedRunDeps,
  options: {
    wait: boolean;
    signal?: AbortSignal | undefined;
    /** How to follow the execution again (named by its argument). */
    followHint: (execution: string) => string;
    onProgress?: ((event: ProgressEvent) => void) | undefined;
  },
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
  // The event's own fields, as every result has them (replayResult's), with the outcome `started`.
  const notFollowed = (why: string): ReplayResult => ({
    ...replayResult({
      raw,
      config: deps.config,
      ingest: { ...ingest, outcome: 'duplicate' },
      end: undefined,
      statusEvent: null,
    }),
    outcome: 'started',
    error: `${why}; ${options.followHint(ingest.execution)}`,
  });
  if (!options.wait) return notFollowed('running on the deployed stage, not followed (--no-wait)');
  const followed = await followExecution(ingest.machine, ingest.execution, deps, options);
  if (!followed) return notFollowed('still running on the deployed stage, no longer followed');
  // How the request ended: the status event its steps sent (none when it died: the deployed
  // watcher answers then), else the execution's end.
  return replayResult({
    raw,
    config: deps.config,
    ingest,
    end: followed.end,
    statusEvent: statusEventOfHistory(followed.events),
  });
};

/** Looks at an execution that is not there (yet) before following it gives up. */
const MISSING_POLLS = 30;

/** What following a deployed execution needs. */
export type FollowDeps = Pick<DeployedRunDeps, 'lookup' | 'history' | 'sleep' | 'pollMs'>;

export interface FollowOptions {
  signal?: AbortSignal | undefined;
  /** Each step as it ends (read from the execution's history). */
  onProgress?: ((event: ProgressEvent) => void) | undefined;
  /** What each step returned, in order (a rollout's states). */
  onOutput?: ((output: unknown) => void | Promise<void>) | undefined;
}

/**
 * Follows execution `name` of a deployed `machine` until it ends (DescribeExecution every `pollMs`),
 * passing on each step once as its history shows it ended; undefined when `signal` stops the
 * following first (the execution runs on).
 */
export const followExecution = async (
  machine: MachineId,
  name: string,
  deps: FollowDeps,
  options: FollowOptions,
): Promise<{ end: ExecutionEnd; events: ExecutionEvent[] } | undefined> => {
  // The history read so far (each look reads only what came after it) and the polls without an execution.
  const events: ExecutionEvent[] = [];
  let seen = 0;
  let missing = 0;
  for (;;) {
    if (options.signal?.aborted) return undefined;
    // The state first: once it has ended, the history read after it holds every step.
    const state = await deps.lookup.describe(machine, name);
    if (state === undefined && ++missing > MISSING_POLLS)
      throw new FatalError(`no execution ${name} of the ${machine} machine after ${MISSING_POLLS} looks`);
    const ended = state !== undefined && state.status !== 'RUNNING';
    const reads = options.onProgress || options.onOutput || ended;
    const fresh = reads ? await deps.history.history(machine, name, seen) : [];
    events.push(...fresh);
    for (const step of stepsOfHistory(name, events)) {
      if (step.id > seen) options.onProgress?.(step.progress);
    }
    for (const event of fresh) if (event.kind === 'succeeded') await options.onOutput?.(event.output);
    seen = fresh.reduce((last, event) => Math.max(last, event.id), seen);
    if (ended) {
      // Step Functions gives no output for an execution that did not succeed: what its last step
      // returned stands in (a halted rollout's report, a failed saga's failure).
      const end = endOf(state);
      const last = events.findLast((event) => event.kind === 'succeeded');
      return {
        end:
          end.output === undefined && last?.kind === 'succeeded' && last.output !== undefined
            ? { ...end, output: last.output }
            : end,
        events,
      };
    }
    await deps.sleep(deps.pollMs);
  }
};

/** A deployed execution found by name and followed (or not: `detached` when told to stop first). */
export type FollowedByName =
  | { machine: MachineId; end: ExecutionEnd; statusEvent: ReplayStatusEvent | null }
  | { machine: MachineId; detached: true };

/**
 * Finds execution `name` on whichever of the stage's machines has it (DescribeExecution on each, in
 * `machines` order) and follows it as {@link followExecution} does; undefined when none has it.
 */
export const followByName = async (
  name: string,
  machines: readonly MachineId[],
  deps: FollowDeps,
  options: FollowOptions,
): Promise<FollowedByName | undefined> => {
  for (const machine of machines) {
    if ((await deps.lookup.describe(machine, name)) === undefined) continue;
    const followed = await followExecution(machine, name, deps, options);
    if (!followed) return { machine, detached: true };
    return { machine, end: followed.end, statusEvent: statusEventOfHistory(followed.events) };
  }
  return undefined;
};
