import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { parseLifecycleInput } from '../../../events/index.ts';
import { TaggingDiscovery } from '../../adapters/aws/tagging-discovery.ts';
import type { IngestResult } from '../../app/ingest.ts';
import { type ReconcileOptions, type ReconcileReport, reconcile } from '../../app/reconcile.ts';
import type { WatchResult } from '../../app/watch.ts';
import { loadConfig, type TenantFlowConfig } from '../../config.ts';
import { resolveTier, tierNames } from '../../domain/catalogue.ts';
import { OPERATION_TABLE, OPERATIONS, type Operation } from '../../domain/operations.ts';
import type { Release } from '../../domain/release.ts';
import { registrationToAnswer } from '../../domain/request.ts';
import { haltedReport, type RolloutReport, type RolloutRequest } from '../../domain/rollout.ts';
import { type RolloutState, rolloutReportSchema, rolloutStateSchema } from '../../domain/rollout-state.ts';
import {
  MACHINE_IDS,
  type MachineId,
  ROLLOUT_MACHINE,
  SHARD_MACHINE,
  STEP_NAMES,
} from '../../domain/saga.ts';
import { type ShardState, shardStateSchema } from '../../domain/shard-state.ts';
import { activeGrownShards, type GrownShard, shardCapacity } from '../../domain/shards.ts';
import type { TenantRecord } from '../../domain/tenant-record.ts';
import type { TenantStatus } from '../../domain/tenant-status.ts';
import {
  makeIngressHandler,
  makeStepHandler,
  makeWatcherHandler,
  type Observability,
  stepDeps,
  untracedObservability,
} from '../../handlers/index.ts';
import type { TenantMap } from '../../ports/tenant-map.ts';
import type { Workflows } from '../../ports/workflow.ts';
import { poolRelease } from '../../steps/pool-release.ts';
import { tierInitialRelease } from '../../steps/rollout.ts';
import { shardFills } from '../../steps/shard.ts';
import { aslEngine, type EngineTimings, type ExecutionEnd, xstateEngine } from '../engines/index.ts';
import type { SimulatedCloud } from '../sim/index.ts';
import type { InventoryItem } from '../sim/inventory.ts';
import type { Route } from '../sim/routing.ts';
import { type CloudBackend, simulatedBackend } from './backend.ts';
import type { FollowOptions } from './deployed-run.ts';
import type { FaultSpec } from './fault-spec.ts';
import { FaultInjector, type StepCalls } from './faults.ts';
import { type ProgressEvent, progressEvent } from './progress.ts';
import { type ExecutionEntry, ExecutionRegistry, type LocalExecutionStatus } from './registry.ts';
import { type ReplayResult, replayResult, statusEventFor } from './replay-result.ts';
import { serveAbortRequests } from './requests.ts';
import { LOCAL_ACCOUNT, LocalStarter } from './starter.ts';
import {
  ensureStateDir,
  lockStateDir,
  NotAStateDirError,
  STATE_MARKER,
  type StateDirLock,
} from './state-dir.ts';

/**
 * EventBridge invokes its Lambda targets asynchronously: an invocation that fails is tried twice
 * more, later (minutes apart in AWS, milliseconds here). The last failure is the caller's.
 */
const asyncInvoke = async <T>(invoke: () => Promise<T>, retries = 2, delayMs = 25): Promise<T> => {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await invoke();
    } catch (error) {
      if (attempt >= retries) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs * (attempt + 1)));
    }
  }
};

/** The status-event claim lease of a local run (see `open`). */
const LOCAL_LEDGER_LEASE_SECONDS = 2;

export { LOCAL_SBT_BUS } from './backend.ts';

export { STATE_MARKER };

export interface LocalRuntimeOptions {
  stateDir: string;
  engine: 'asl' | 'xstate';
  /**
   * The state directory must already be one (commands that look at, or act on, what earlier runs
   * made). Otherwise (default) a missing or empty directory becomes one.
   */
  mustExist?: boolean;
  /** Enforce the AWS API rate limits in the simulated cloud. */
  throttle?: boolean;
  faults?: FaultSpec[];
  /** Told of every step run with the AWS calls it made, in order (tests that plan faults by call). */
  onStepCalls?: (run: StepCalls) => void;
  onProgress?: (line: ProgressEvent) => void;
  /** Told of each execution a dead process had left, as the opening recovery handles it. */
  onRecovered?: (recovered: RecoveredExecution) => void;
  /** No simulated delays at all (services ready and drained at once): deterministic runs for tests. */
  fast?: boolean;
  /**
   * Load balancer shards of the simulated shared stack (its `LoadBalancerShards`), when it is first
   * made in this state directory; and tenants per shard (`SHARD_CAPACITY`), for every run.
   */
  shards?: number;
  shardCapacity?: number;
  /** `SHARD_GROWTH_THRESHOLD`: onboardings add a shard when every shard is filled to it (default: never). */
  shardGrowthThreshold?: number;
  /** `SHARD_GROWTH_LIMIT`: how many shards onboardings may add (default 4). */
  shardGrowthLimit?: number;
  /** Let Powertools log, as in Lambda (off by default: local output is the progress lines). */
  verbose?: boolean;
  /** The orchestrator's settings (`TIER_CATALOGUE`, …), as the deployed functions take them. */
  settings?: Readonly<Record<string, string>>;
}

/** An execution found interrupted when the state directory was opened, and what recovery did. */
export interface RecoveredExecution {
  name: string;
  machine: MachineId;
  tenantId?: string;
  /** RUNNING: its process died while it ran; otherwise it had ended but was never handled. */
  found: LocalExecutionStatus;
  /** What the watcher did: the status event it sent, the lock it released, the cleanup it started. */
  watch: WatchResult | undefined;
  /** Why it could not be handled now (it stays for the next command to try again). */
  problem?: string;
  /** The tenant's status once recovery (and any cleanup it started) was done. */
  tenantStatus?: TenantStatus;
}

/**
 * Runs `attempt` again while it fails with a retryable error, for as long as a status-event claim a
 * dead sender left can stay busy (its lease, `LOCAL_LEDGER_LEASE_SECONDS`, and a margin).
 */
const untilLeaseEnds = async <T>(attempt: () => Promise<T>): Promise<T> => {
  const until = Date.now() + (LOCAL_LEDGER_LEASE_SECONDS + 3) * 1000;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      if ((name !== 'RetryableError' && name !== 'ThrottledError') || Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
};

/**
 * Hands one dead execution to the watcher; a failure is reported, and the execution stays unwatched
 * for the next command to try again.
 */
const recoverOne = async (report: () => Promise<void>): Promise<string | undefined> => {
  try {
    await report();
    return undefined;
  } catch (error) {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
};

/** How a replay may be stopped between events (Ctrl-C). */
export interface ReplayOptions {
  /** Called as each event's result is known, in order. */
  onResult?: (result: ReplayResult, index: number) => void;
  /** Once aborted, no further event is started; the one running finishes. */
  signal?: AbortSignal;
}

export type { InventoryItem };

/**
 * tenantflow in one process: the production handlers and adapters, the sagas on the local
 * interpreter, over a cloud backend (the simulated AWS, or real AWS with `--target aws`).
 */
export interface Runtime {
  readonly config: TenantFlowConfig;
  /** What the opening recovery found and did (empty when the last process ended cleanly). */
  readonly recovered: readonly RecoveredExecution[];
  /** Feeds each event to the ingress handler in turn and waits for the saga it starts (and any cleanup). */
  replay(events: readonly unknown[], options?: ReplayOptions): Promise<ReplayResult[]>;
  tenants(): Promise<TenantRecord[]>;
  tenant(id: string): Promise<TenantRecord | undefined>;
  /** Every execution of this state directory, newest first. */
  executions(): ExecutionEntry[];
  /**
   * StopExecution for a running execution, through the recovery path (the watcher reports it,
   * releases the tenant and starts its cleanup); `undefined` when no execution of that name runs.
   */
  abort(name: string): Promise<ExecutionEnd | undefined>;
  /** Aborts every running execution (Ctrl-C): each goes through the recovery path. */
  abortAll(): Promise<void>;
  /**
   * Re-drives a FAILED tenant's last request as a new execution, as the control plane's retry
   * would: a new event with the recorded registration, name and tier.
   */
  retry(tenantId: string): Promise<ReplayResult>;
  /**
   * Moves an ACTIVE tenant to another tier of the catalogue (a migration, as its documented event
   * would start it, answered to the tenant's registration).
   */
  migrate(tenantId: string, tier: string): Promise<ReplayResult>;
  /**
   * Puts a tenant on `release` (an update of its own service, as its documented event would start it):
   * the tenant must have a record and not be held by another execution.
   */
  update(tenantId: string, release: Release): Promise<ReplayResult>;
  /** The tenant map itself (for tools and tests that stand in for another operation). */
  tenantMap(): TenantMap;
  /** The release a tenant of `tier` runs when its record names none: the shared stack's image. */
  initialRelease(tier: string): Promise<Release>;
  /** The release the pooled service runs (every pooled tenant's), and its revision. */
  poolRelease(): Promise<{ version: string; taskDefinition: string } | undefined>;
  /**
   * Runs a fleet rollout to its end: an execution of the rollout machine, which starts each tenant's
   * update execution here. `onState` sees each state its steps return (progress).
   */
  rollout(request: RolloutRequest, options?: RolloutRunOptions): Promise<RolloutRun>;
  /**
   * Adds a load balancer shard now (an execution of the shard machine, forced: the shards need not
   * be filling up), to its end.
   */
  addShard(reason?: string, options?: { signal?: AbortSignal }): Promise<ShardRun>;
  /** Every load balancer shard (the stack's, then the added ones), with how full each is. */
  shards(): Promise<ShardView[]>;
  /** The shard registry as it stands (the added shards, reserved or active): the tenant table only. */
  grownShards(): Promise<GrownShard[]>;
  /** Holds every record (or one tenant's) against the cloud; repairs when asked. */
  reconcile(options: ReconcileOptions): Promise<ReconcileReport>;
  /** Every resource tenantflow made there (and, locally, the shared stack's), with its tenant tag. */
  resources(): Promise<InventoryItem[]>;
  /** One line on where the AWS calls go (the simulator says it is a simulation). */
  describe(): string;
  close(): Promise<void>;
}

/** The runtime of the embedded default: a {@link Runtime} over the simulated AWS, which it can show. */
export interface LocalRuntime extends Runtime {
  /** Every resource of the simulated cloud, with its tenant tag. */
  inventory(): InventoryItem[];
  /** Where the shared load balancer sends a request of `tenantId` (its tenant header), and how healthy. */
  route(tenantId: string): Route;
  /** Every event put on the (simulated) EventBridge: the status events the control plane received. */
  publishedEvents(): ReturnType<SimulatedCloud['publishedEvents']>;
  /** The AWS calls the simulated services received, in order. */
  calls(): ReturnType<SimulatedCloud['calls']>;
  /** Makes CloudWatch alarm `name` (if need be) and sets its state: a rollout's gate reads it. */
  setAlarm(name: string, state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'): void;
}

export interface RolloutRunOptions {
  /** Each state a step of the rollout returned, in order (the rollout goes on once it returns). */
  onState?: (state: RolloutState) => void | Promise<void>;
  /** Stops following a rollout that runs on a deployed stage (it runs on there). */
  signal?: AbortSignal;
}

/** How a rollout execution ended, and its report. */
export interface RolloutRun {
  execution: string;
  /** RUNNING: started on a deployed stage and not followed to its end (its report says `running`). */
  status: ExecutionEnd['status'] | 'RUNNING';
  report: RolloutReport;
}

/** How a shard machine execution ended, and its last state (`undefined` when it had none readable). */
export interface ShardRun {
  execution: string;
  /** RUNNING: started on a deployed stage and not followed to its end. */
  status: ExecutionEnd['status'] | 'RUNNING';
  state: ShardState | undefined;
}

/** One load balancer shard as `tenantflow shards` shows it. */
export interface ShardView {
  /** 1-based, as the stack's `Shard<N>` and the added shards' names count. */
  number: number;
  source: 'stack' | 'added';
  /** `CREATING` while the shard machine is still making it (it takes no tenants yet). */
  status: 'ACTIVE' | 'CREATING';
  dnsName?: string;
  listenerArn?: string;
  used: number;
  capacity: number;
}

/** A request `retry` or `migrate` will not start for the tenant, with the reason. */
export class RequestNotRunError extends Error {
  override readonly name = 'RequestNotRunError';
}

const payloadSchema = z.object({
  step: z.enum(STEP_NAMES),
  execution: z.string(),
  machine: z.enum(MACHINE_IDS),
});

const lambdaContext = (functionName: string): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName: `tenantflow-${functionName}`,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:tenantflow-${functionName}`,
  memoryLimitInMB: '1024',
  awsRequestId: crypto.randomUUID(),
  logGroupName: `/aws/lambda/tenantflow-${functionName}`,
  logStreamName: 'local',
  getRemainingTimeInMillis: () => 120_000,
  done: () => {},
  fail: () => {},
  succeed: () => {},
});

/** Powertools' logger and metrics as in Lambda when verbose (no tracer); otherwise silent (local output is the progress lines). */
const localObservability = (functionName: string, verbose: boolean): Observability => {
  if (verbose) return untracedObservability(functionName);
  const logger = new Logger({ serviceName: 'tenantflow', logLevel: 'SILENT' });
  return { logger, metrics: new Metrics({ namespace: 'tenantflow', serviceName: 'tenantflow', logger }) };
};

const byNewest = (a: ExecutionEntry, b: ExecutionEntry): number => b.startedAt.localeCompare(a.startedAt);

/**
 * Starts a local runtime over `stateDir` (successive runtimes see one cloud). It takes the state
 * directory's lock first (`StateDirBusyError` while another live process holds it), then recovers
 * whatever a process that died there left: executions it was running go through the watcher's
 * recovery path as ABORTED, and ended ones it never handed to the watcher are handed now.
 */
export const createLocalRuntime = async (options: LocalRuntimeOptions): Promise<LocalRuntime> => {
  ensureStateDir(options.stateDir, options.mustExist ? 'existing' : 'create');
  if (existsSync(join(options.stateDir, 'target.json')))
    throw new NotAStateDirError(
      `${options.stateDir} holds executions run against AWS (--target aws), not a simulated cloud`,
    );
  const lock = lockStateDir(options.stateDir);
  let started: CloudBackend | undefined;
  try {
    const injector = new FaultInjector(options.faults ?? [], options.onStepCalls);
    const { backend, sim } = await simulatedBackend(options, injector);
    started = backend;
    const runtime = await openRuntime(options, lock, backend, injector);
    return {
      ...runtime,
      inventory: () => sim.inventory(),
      route: (tenantId) => sim.route({ [runtime.config.tenantHeaderName]: tenantId }),
      calls: () => sim.calls(),
      publishedEvents: () => sim.publishedEvents(),
      setAlarm: (name, state) => sim.setAlarm(name, state),
    };
  } catch (error) {
    // dynalite's server would otherwise keep the process alive.
    await started?.stop().catch(() => {});
    lock.release();
    throw error;
  }
};

/**
 * A {@link Runtime} over `backend` in a state directory already locked. The directory keeps the
 * registry of the executions run here (and, for the simulated backend, the cloud itself).
 */
export const openRuntime = async (
  options: LocalRuntimeOptions,
  lock: StateDirLock,
  backend: CloudBackend,
  injector: FaultInjector,
): Promise<Runtime> => {
  if (!options.verbose) process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const obs = (name: string) => localObservability(name, options.verbose ?? false);
  const config = loadConfig(backend.env);
  const fast = options.fast ?? false;
  const { clients } = backend;
  // Every sender of a local run lives in this process and sends within milliseconds; a claim older
  // than this is a dead process's, and the recovery may take it over without waiting AWS's 90 s.
  // The rollout's steps start and read update executions: this process's Step Functions (the
  // starter below, made once the step handler it runs exists).
  const workflows: Workflows = {
    start: (machine, name, input) => starter.start(machine, name, input),
    describe: (machine, name) => starter.describe(machine, name),
  };
  const local = { ledgerLeaseSeconds: LOCAL_LEDGER_LEASE_SECONDS, workflows };
  const ports = stepDeps(config, clients, local);
  const registry = new ExecutionRegistry(join(options.stateDir, 'executions.json'));
  // The step Lambda's container. A crash kills it: the next invocation gets a fresh one, so nothing
  // the dead one held in memory (a pending call, the cached stack outputs) survives, as in Lambda.
  const newStepContainer = () => makeStepHandler(stepDeps(config, clients, local), obs('step'));
  let stepHandler = newStepContainer();

  // Who follows a rollout execution's progress (by execution name).
  const rolloutWatchers = new Map<string, (state: RolloutState) => void | Promise<void>>();
  // Steps running now, per execution: an aborted execution's watcher waits for them (see quiesce).
  const inFlight = new Map<string, Set<Promise<unknown>>>();
  const startedAt = new Map<string, number>();
  const dispatch = async (payload: unknown): Promise<unknown> => {
    const parsed = payloadSchema.safeParse(payload);
    if (!parsed.success) return stepHandler(payload, lambdaContext('step'));
    const { step, execution, machine } = parsed.data;
    const stepStart = Date.now();
    const report = (error?: unknown) => {
      registry.noteStep(machine, execution, step, error === undefined);
      options.onProgress?.(
        progressEvent({
          execution,
          step,
          executionStart: startedAt.get(execution) ?? stepStart,
          stepStart,
          error,
        }),
      );
    };
    const running = injector.runStep(step, () => stepHandler(payload, lambdaContext('step')), execution);
    const steps = inFlight.get(execution) ?? new Set<Promise<unknown>>();
    inFlight.set(execution, steps.add(running));
    try {
      const next = await running;
      report();
      const watching = machine === ROLLOUT_MACHINE ? rolloutWatchers.get(execution) : undefined;
      const state = watching ? rolloutStateSchema.safeParse(next) : undefined;
      // Progress never fails a step: whatever the follower does, the rollout goes on.
      if (watching && state?.success) {
        const follow = watching;
        const seen = state.data;
        await (async () => follow(seen))().catch(() => undefined);
      }
      return next;
    } catch (error) {
      report(error);
      if (error instanceof Error && error.name === 'Runtime.ExitError') stepHandler = newStepContainer();
      throw error;
    } finally {
      steps.delete(running);
      if (steps.size === 0) inFlight.delete(execution);
    }
  };
  const quiesce = async (execution: string): Promise<void> => {
    for (let steps = inFlight.get(execution); steps && steps.size > 0; steps = inFlight.get(execution)) {
      await Promise.allSettled([...steps]);
    }
  };
  // Under AWS's rate limits the Retry backoff is what lets throttled calls through: keep it real then.
  const timings: EngineTimings =
    backend.timings ??
    (options.throttle
      ? { waitMs: 25, retryMs: null }
      : fast
        ? { waitMs: 1, retryMs: 2 }
        : { waitMs: 25, retryMs: 20 });
  const parseOptions = { contract: config.contract, catalogue: config.catalogue, accepts: OPERATIONS };
  let watcher: ReturnType<typeof makeWatcherHandler> | undefined;
  const watchResults = new Map<string, WatchResult>();
  const starter = new LocalStarter({
    region: config.region,
    engine: options.engine === 'asl' ? aslEngine(dispatch, timings) : xstateEngine(dispatch, timings),
    registry,
    describe: (input) => {
      const parsed = parseLifecycleInput(input, parseOptions);
      const operation = parsed.ok ? parsed.request.operation : parsed.operation;
      const tenantId = parsed.ok ? parsed.request.tenantId : parsed.tenantId;
      return { ...(operation ? { operation } : {}), ...(tenantId ? { tenantId } : {}) };
    },
    onStart: (name) => startedAt.set(name, Date.now()),
    quiesce,
    onDead: async (event) => {
      const handle = watcher;
      if (!handle) return;
      // EventBridge retries the watcher for a day; here a status-event claim a dead sender left is
      // waited out (its short local lease), as the next delivery would find it free.
      const result = await untilLeaseEnds(() => asyncInvoke(() => handle(event, lambdaContext('watcher'))));
      const name = z.object({ detail: z.object({ name: z.string() }) }).safeParse(event);
      if (name.success) watchResults.set(name.data.detail.name, result);
    },
  });
  watcher = makeWatcherHandler({ ...ports, starter, now: () => new Date() }, obs('watcher'));
  const ingress = makeIngressHandler({ ...ports, starter, now: () => new Date() }, obs('ingress'));

  /** The registration a request was answered to: an activation event naming the tenant alone gets the recorded one. */
  const answeredTo = async (raw: unknown, ingest: IngestResult): Promise<string | undefined> => {
    if (ingest.tenantRegistrationId !== undefined || ingest.outcome === 'rejected')
      return ingest.tenantRegistrationId;
    const envelope = z.object({ id: z.string(), 'detail-type': z.string() }).safeParse(raw);
    const record = await ports.tenants.get(ingest.tenantId);
    return registrationToAnswer(
      { operation: ingest.operation, ...(envelope.success ? { eventId: envelope.data.id } : {}) },
      record?.tenantRegistrationId,
    );
  };

  /**
   * One execution of `machine` to its end: on the deployed stage's machine when the backend has one
   * (undefined when not followed to its end), else here. `follow` applies to a deployed run only:
   * here the steps report through `options.onProgress` and the rollout watchers.
   */
  const runToEnd = async (
    machine: MachineId,
    execution: string,
    input: unknown,
    follow: FollowOptions,
  ): Promise<ExecutionEnd | undefined> => {
    if (backend.runMachine) return backend.runMachine(machine, execution, input, follow);
    await starter.start(machine, execution, input);
    const end = (await starter.completion(execution)) ?? { status: 'FAILED' as const };
    await starter.drain();
    backend.save();
    return end;
  };

  const replayOne = async (raw: unknown, signal?: AbortSignal): Promise<ReplayResult> => {
    if (backend.runOne) return backend.runOne(raw, signal, options.onProgress);
    const before = backend.publishedCount();
    const ingest = await asyncInvoke(() => ingress(raw, lambdaContext('ingress')));
    const end = ingest.outcome === 'started' ? await starter.completion(ingest.execution) : undefined;
    // A cleanup the watcher started belongs to this request's story: it ends before the result.
    await starter.drain();
    const answered = { ...ingest, tenantRegistrationId: await answeredTo(raw, ingest) };
    const statusEvent = statusEventFor(backend.published(before), answered.tenantRegistrationId);
    return replayResult({ raw, config, ingest: answered, end, statusEvent });
  };

  // Recovery: this process holds the lock, so whatever the registry says runs is dead.
  const recovered: RecoveredExecution[] = [];
  for (const entry of registry.list().filter((e) => e.status === 'RUNNING' || e.watched === false)) {
    const found = entry.status;
    const end: ExecutionEnd =
      found === 'RUNNING'
        ? {
            status: 'ABORTED',
            error: 'ProcessDied',
            cause: `the process running it (pid ${entry.pid ?? '?'}) died`,
          }
        : {
            status: found === 'SUCCEEDED' ? 'FAILED' : found,
            ...(entry.error ? { error: entry.error } : {}),
          };
    if (found === 'RUNNING')
      registry.finish(entry.machine, entry.name, 'ABORTED', new Date().toISOString(), end.error);
    const problem = await recoverOne(() =>
      starter.reportDead({
        machine: entry.machine,
        name: entry.name,
        startedAt: Date.parse(entry.startedAt),
        end,
        executionInput: entry.input,
      }),
    );
    await starter.drain();
    const after = entry.tenantId ? await ports.tenants.get(entry.tenantId) : undefined;
    const item: RecoveredExecution = {
      name: entry.name,
      machine: entry.machine,
      ...(entry.tenantId ? { tenantId: entry.tenantId } : {}),
      found,
      watch: watchResults.get(entry.name),
      ...(problem ? { problem } : {}),
      ...(after ? { tenantStatus: after.lifecycleStatus } : {}),
    };
    recovered.push(item);
    options.onRecovered?.(item);
  }

  const replay = async (events: readonly unknown[], replayOptions: ReplayOptions = {}) => {
    const results: ReplayResult[] = [];
    for (const [index, raw] of events.entries()) {
      if (replayOptions.signal?.aborted) break;
      const result = await replayOne(raw, replayOptions.signal);
      results.push(result);
      replayOptions.onResult?.(result, index);
    }
    backend.save();
    return results;
  };

  // Another tenantflow process may ask for an execution running here to be aborted.
  const stopServing = serveAbortRequests(options.stateDir, async (name) => {
    const end = await starter.abort(name);
    if (end) {
      await starter.drain();
      return {
        execution: name,
        status: end.status,
        detail: 'stopped; its watcher reported it and freed its tenant',
      };
    }
    const entry = registry.find(name);
    return entry
      ? { execution: name, status: entry.status, detail: `not running: it ended ${entry.status}` }
      : { execution: name, status: 'UNKNOWN', detail: 'no execution of that name here' };
  });

  const initialRelease = (tier: string): Promise<Release> => tierInitialRelease(ports, tier);

  let closed = false;
  return {
    config,
    recovered,
    replay,
    tenants: () => ports.tenants.list(),
    tenantMap: () => ports.tenants,
    tenant: (id) => ports.tenants.get(id),
    executions: () => registry.list().sort(byNewest),
    async abort(name) {
      const end = await starter.abort(name);
      if (end) await starter.drain();
      return end;
    },
    async abortAll() {
      await Promise.all(starter.runningNames().map((name) => starter.abort(name)));
      await starter.drain();
    },
    async retry(tenantId) {
      const record = await ports.tenants.get(tenantId);
      if (!record) throw new RequestNotRunError(`no tenant ${tenantId} in the tenant map`);
      if (record.lifecycleStatus !== 'FAILED' || !record.lastError) {
        throw new RequestNotRunError(
          `tenant ${tenantId} is ${record.lifecycleStatus}${record.lock ? `, locked by ${record.lock.execution}` : ''}: only a FAILED tenant is retried`,
        );
      }
      const { operation } = record.lastError;
      // An update is retried onto the release the record names (the one the tenant runs).
      const release =
        OPERATION_TABLE[operation].release === 'required'
          ? (record.release ?? (await initialRelease(record.placement?.tier ?? '')))
          : undefined;
      const [result] = await replay([withRelease(retryEvent(config, record, operation), operation, release)]);
      if (!result) throw new RequestNotRunError(`tenant ${tenantId}: the retry was not run`);
      return result;
    },
    async update(tenantId, release) {
      const record = await ports.tenants.get(tenantId);
      if (!record) throw new RequestNotRunError(`no tenant ${tenantId} in the tenant map`);
      if (record.lock) {
        throw new RequestNotRunError(
          `tenant ${tenantId} is ${record.lifecycleStatus}, locked by ${record.lock.execution}: try again once it is done`,
        );
      }
      const [result] = await replay([withRelease(retryEvent(config, record, 'update'), 'update', release)]);
      if (!result) throw new RequestNotRunError(`tenant ${tenantId}: the update was not run`);
      return result;
    },
    initialRelease,
    poolRelease: () => poolRelease(ports),
    async rollout(request, rolloutOptions = {}) {
      const execution = `rollout-${request.tier.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 40)}-${randomUUID().slice(0, 8)}`;
      if (rolloutOptions.onState) rolloutWatchers.set(execution, rolloutOptions.onState);
      try {
        // On a deployed stage the states its steps return are read from the execution's history;
        // here the step runner hands them to the watcher above.
        const { onState } = rolloutOptions;
        const end = await runToEnd(ROLLOUT_MACHINE, execution, request, {
          signal: rolloutOptions.signal,
          onOutput: async (output) => {
            const state = rolloutStateSchema.safeParse(output);
            if (state.success) await onState?.(state.data);
          },
        });
        if (!end)
          return {
            execution,
            status: 'RUNNING',
            report: { ...haltedReport(request, 'running on the deployed stage'), status: 'running' },
          };
        const output = rolloutReportSchema.safeParse(
          (end.output as { report?: unknown } | undefined)?.report,
        );
        const report: RolloutReport = output.success
          ? output.data
          : haltedReport(
              request,
              `the rollout execution ended ${end.status}${end.error ? ` (${end.error})` : ''}`,
            );
        return { execution, status: end.status, report };
      } finally {
        rolloutWatchers.delete(execution);
      }
    },
    async migrate(tenantId, tier) {
      const record = await ports.tenants.get(tenantId);
      if (!record) throw new RequestNotRunError(`no tenant ${tenantId} in the tenant map`);
      const resolved = resolveTier(config.catalogue, tier);
      if (!resolved)
        throw new RequestNotRunError(
          `--to "${tier}": not a tier of the catalogue (${tierNames(config.catalogue)})`,
        );
      if (record.lifecycleStatus !== 'ACTIVE' || record.lock) {
        throw new RequestNotRunError(
          `tenant ${tenantId} is ${record.lifecycleStatus}${record.lock ? `, locked by ${record.lock.execution}` : ''}: only an ACTIVE tenant is migrated`,
        );
      }
      if (record.placement?.tier === resolved)
        throw new RequestNotRunError(`tenant ${tenantId} is on tier ${resolved} already`);
      const [result] = await replay([retryEvent(config, record, 'migrate', resolved)]);
      if (!result) throw new RequestNotRunError(`tenant ${tenantId}: the migration was not run`);
      return result;
    },
    async addShard(reason = 'an operator', shardOptions = {}) {
      const execution = `add-shard-${randomUUID().slice(0, 8)}`;
      const end = await runToEnd(
        SHARD_MACHINE,
        execution,
        { force: true, reason },
        { signal: shardOptions.signal, onProgress: options.onProgress },
      );
      if (!end) return { execution, status: 'RUNNING', state: undefined };
      const state = shardStateSchema.safeParse(end.output);
      return { execution, status: end.status, state: state.success ? state.data : undefined };
    },
    grownShards: () => ports.shardRegistry.list(),
    async shards() {
      const infra = await ports.infra.get();
      const grown = await ports.shardRegistry.list();
      const fills = await shardFills(ports, [...infra.shards, ...activeGrownShards(grown)]);
      const fill = (index: number) => fills.find((f) => f.index === index);
      return [
        ...infra.shards.map((shard) => ({ ...shard, source: 'stack' as const, status: 'ACTIVE' as const })),
        ...grown.map((shard) => ({ ...shard, source: 'added' as const })),
      ].map((shard) => ({
        number: shard.index + 1,
        source: shard.source,
        status: shard.status,
        ...(shard.dnsName ? { dnsName: shard.dnsName } : {}),
        ...(shard.listenerArn ? { listenerArn: shard.listenerArn } : {}),
        used: fill(shard.index)?.used ?? 0,
        capacity: fill(shard.index)?.capacity ?? shardCapacity(shard.index, config.shardCapacity),
      }));
    },
    reconcile: (reconcileOptions) =>
      reconcile({ ...ports, discovery: new TaggingDiscovery({ client: clients.tagging }) }, reconcileOptions),
    resources: () => backend.resources(),
    describe: () => backend.describe(),
    async close() {
      if (closed) return;
      closed = true;
      stopServing();
      try {
        await starter.drain();
        injector.release();
        registry.flush();
        backend.save();
        await backend.stop();
      } finally {
        lock.release();
      }
    },
  };
};

/** `event` carrying the release an update puts the tenant on (unchanged for other operations). */
const withRelease = <E extends { detail: Record<string, unknown> }>(
  event: E,
  operation: Operation,
  release: Release | undefined,
): E =>
  OPERATION_TABLE[operation].release === 'required' && release
    ? { ...event, detail: { ...event.detail, release } }
    : event;

/**
 * The event the control plane's retry of a FAILED tenant's last request would be: a new event id,
 * the request's SBT detail-type, and what the record says of the tenant.
 */
export const retryEvent = (
  config: TenantFlowConfig,
  record: TenantRecord,
  operation: Operation,
  tier: string | undefined = record.placement?.tier,
) => ({
  version: '0',
  id: randomUUID(),
  'detail-type': config.contract.inbound[operation][0],
  source: config.contract.controlPlaneSources[0],
  account: LOCAL_ACCOUNT,
  time: new Date().toISOString(),
  region: config.region,
  resources: [],
  detail: {
    tenantId: record.tenantId,
    ...(record.tenantRegistrationId ? { tenantRegistrationId: record.tenantRegistrationId } : {}),
    tenantName: record.tenantName,
    ...(record.email ? { email: record.email } : {}),
    ...(tier ? { tier } : {}),
  },
});
