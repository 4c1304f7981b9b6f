import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import type { IngestResult } from '../../app/ingest.ts';
import { loadConfig, type TenantFlowConfig } from '../../config.ts';
import { registrationToAnswer } from '../../domain/request.ts';
import { STEP_NAMES } from '../../domain/saga.ts';
import type { TenantRecord } from '../../domain/tenant-record.ts';
import {
  makeIngressHandler,
  makeStepHandler,
  makeWatcherHandler,
  type Observability,
  observability,
  stepDeps,
} from '../../handlers/index.ts';
import { startLocalDynamo } from '../dynamo.ts';
import { aslEngine, type EngineTimings, xstateEngine } from '../engines/index.ts';
import { SimulatedCloud } from '../sim/index.ts';
import { localClients } from './clients.ts';
import type { FaultSpec } from './fault-spec.ts';
import { FaultInjector } from './faults.ts';
import { type ProgressEvent, progressEvent } from './progress.ts';
import { ExecutionRegistry } from './registry.ts';
import { type ReplayResult, replayResult, statusEventFor } from './replay-result.ts';
import { LocalStarter } from './starter.ts';

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

/** The simulated bus the status events go to (SBT's, in a deployment). */
export const LOCAL_SBT_BUS = 'sbt-control-plane';

/** The file that marks a directory as a tenantflow state directory (`reset` refuses any other). */
export const STATE_MARKER = '.tenantflow-state';

export interface LocalRuntimeOptions {
  stateDir: string;
  engine: 'asl' | 'xstate';
  /** Enforce the AWS API rate limits in the simulated cloud. */
  throttle?: boolean;
  faults?: FaultSpec[];
  onProgress?: (line: ProgressEvent) => void;
  /** No simulated delays at all (services ready and drained at once): deterministic runs for tests. */
  fast?: boolean;
  /** Let Powertools log, as in Lambda (off by default: local output is the progress lines). */
  verbose?: boolean;
}

export type InventoryItem = ReturnType<SimulatedCloud['inventory']>[number];

/** tenantflow on one machine: the production handlers and adapters over a simulated AWS. */
export interface LocalRuntime {
  readonly config: TenantFlowConfig;
  /** Feeds each event to the ingress handler in turn and waits for the saga it starts. */
  replay(events: readonly unknown[]): Promise<ReplayResult[]>;
  tenants(): Promise<TenantRecord[]>;
  tenant(id: string): Promise<TenantRecord | undefined>;
  /** Every resource of the simulated cloud, with its tenant tag. */
  inventory(): InventoryItem[];
  /** The simulator's own one-line description (it says it is a simulation). */
  describe(): string;
  /** Every event put on the (simulated) EventBridge: the status events the control plane received. */
  publishedEvents(): ReturnType<SimulatedCloud['publishedEvents']>;
  /** The AWS calls the simulated services received, in order. */
  calls(): ReturnType<SimulatedCloud['calls']>;
  close(): Promise<void>;
}

const payloadSchema = z.object({ step: z.enum(STEP_NAMES), execution: z.string() });

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

/** Powertools as in Lambda when verbose; otherwise silent (local output is the progress lines). */
const localObservability = (functionName: string, verbose: boolean): Observability => {
  if (verbose) return observability(functionName);
  const logger = new Logger({ serviceName: 'tenantflow', logLevel: 'SILENT' });
  return {
    logger,
    metrics: new Metrics({ namespace: 'tenantflow', serviceName: 'tenantflow', logger }),
    tracer: new Tracer({ serviceName: 'tenantflow', enabled: false }),
  };
};

/** Starts a local runtime over `stateDir` (created if missing; successive runtimes see one cloud). */
export const createLocalRuntime = async (options: LocalRuntimeOptions): Promise<LocalRuntime> => {
  if (!options.verbose) process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const obs = (name: string) => localObservability(name, options.verbose ?? false);
  mkdirSync(options.stateDir, { recursive: true });
  writeFileSync(
    join(options.stateDir, STATE_MARKER),
    'tenantflow local state (simulated AWS); `tenantflow reset` empties it\n',
  );
  const config = loadConfig({ HEALTH_POLL_SECONDS: '1', SBT_EVENT_BUS: LOCAL_SBT_BUS });
  const fast = options.fast ?? false;
  const sim = new SimulatedCloud({
    stateFile: join(options.stateDir, 'cloud.json'),
    throttle: options.throttle ?? false,
    serviceStartMs: fast ? 0 : 120,
    healthyAfterMs: fast ? 0 : 120,
    drainMs: fast ? 0 : 40,
  });
  sim.seedSharedInfrastructure(config.sharedStackName);
  const dynamo = await startLocalDynamo({
    dir: join(options.stateDir, 'dynamo'),
    tableName: config.tableName,
  });
  const injector = new FaultInjector(options.faults ?? []);
  const stopHook = sim.onCall((call) => injector.beforeCall(call.service));
  const clients = localClients(sim, dynamo.clientConfig, injector, config.region);
  const ports = stepDeps(config, clients);
  // The step Lambda's container. A crash kills it: the next invocation gets a fresh one, so nothing
  // the dead one held in memory (a pending call, the cached stack outputs) survives, as in Lambda.
  const newStepContainer = () => makeStepHandler(stepDeps(config, clients), obs('step'));
  let stepHandler = newStepContainer();
  const watcher = makeWatcherHandler({ ...ports, now: () => new Date() }, obs('watcher'));

  const startedAt = new Map<string, number>();
  const dispatch = async (payload: unknown): Promise<unknown> => {
    const parsed = payloadSchema.safeParse(payload);
    if (!parsed.success) return stepHandler(payload, lambdaContext('step'));
    const { step, execution } = parsed.data;
    const stepStart = Date.now();
    const report = (error?: unknown) =>
      options.onProgress?.(
        progressEvent({
          execution,
          step,
          executionStart: startedAt.get(execution) ?? stepStart,
          stepStart,
          error,
        }),
      );
    try {
      const next = await injector.runStep(step, () => stepHandler(payload, lambdaContext('step')));
      report();
      return next;
    } catch (error) {
      report(error);
      if (error instanceof Error && error.name === 'Runtime.ExitError') stepHandler = newStepContainer();
      throw error;
    }
  };
  // Under AWS's rate limits the Retry backoff is what lets throttled calls through: keep it real then.
  const timings: EngineTimings = options.throttle
    ? { waitMs: 25, retryMs: null }
    : fast
      ? { waitMs: 1, retryMs: 2 }
      : { waitMs: 25, retryMs: 20 };
  const starter = new LocalStarter({
    region: config.region,
    engine: options.engine === 'asl' ? aslEngine(dispatch, timings) : xstateEngine(dispatch, timings),
    registry: new ExecutionRegistry(join(options.stateDir, 'executions.json')),
    onStart: (name) => startedAt.set(name, Date.now()),
    onDead: async (event) => {
      await asyncInvoke(() => watcher(event, lambdaContext('watcher')));
    },
  });
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
  const ingress = makeIngressHandler({ ...ports, starter, now: () => new Date() }, obs('ingress'));

  return {
    config,
    async replay(events) {
      const results: ReplayResult[] = [];
      for (const raw of events) {
        const before = sim.publishedEvents().length;
        const ingest = await asyncInvoke(() => ingress(raw, lambdaContext('ingress')));
        const end = ingest.outcome === 'started' ? await starter.completion(ingest.execution) : undefined;
        const answered = { ...ingest, tenantRegistrationId: await answeredTo(raw, ingest) };
        const statusEvent = statusEventFor(
          sim.publishedEvents().slice(before),
          answered.tenantRegistrationId,
        );
        results.push(replayResult({ raw, config, ingest: answered, end, statusEvent }));
      }
      sim.save();
      return results;
    },
    tenants: () => ports.tenants.list(),
    tenant: (id) => ports.tenants.get(id),
    inventory: () => sim.inventory(),
    describe: () => sim.describe(),
    calls: () => sim.calls(),
    publishedEvents: () => sim.publishedEvents(),
    async close() {
      await starter.drain();
      stopHook();
      sim.save();
      await dynamo.stop();
    },
  };
};
