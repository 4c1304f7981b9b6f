import { join } from 'node:path';
import { loadConfig } from '../../config.ts';
import type { MachineId } from '../../domain/saga.ts';
import { DEPLOYED_SHARD_GROWTH_THRESHOLD } from '../../domain/shards.ts';
import type { AwsClients } from '../../handlers/wiring.ts';
import { startLocalDynamo } from '../dynamo.ts';
import type { EngineTimings, ExecutionEnd } from '../engines/index.ts';
import { SimulatedCloud } from '../sim/index.ts';
import type { InventoryItem } from '../sim/inventory.ts';
import { localClients } from './clients.ts';
import type { FollowOptions } from './deployed-run.ts';
import type { FaultInjector } from './faults.ts';
import type { ProgressEvent } from './progress.ts';
import type { PublishedEvent, ReplayResult } from './replay-result.ts';

/** The simulated bus the status events go to (SBT's, in a deployment). */
export const LOCAL_SBT_BUS = 'sbt-control-plane';

/**
 * Where a runtime's AWS calls go, and what it can tell of that cloud: the simulated AWS of the
 * embedded default, or a real AWS API (`--target aws`).
 */
export interface CloudBackend {
  readonly clients: AwsClients;
  /** The settings the runtime's configuration is read from (as a Lambda reads its environment). */
  readonly env: Record<string, string>;
  /** How the interpreter spaces Wait states and Retry intervals; absent: the local defaults. */
  readonly timings?: EngineTimings;
  /**
   * The events put on EventBridge through these clients (the status events), in order, from the
   * `from`th on (a replay reads only what it published: the whole list grows with the fleet).
   */
  published(from?: number): PublishedEvent[];
  /** How many events `published` holds. */
  publishedCount(): number;
  /** Every resource tenantflow made there, with its tenant tag. */
  resources(): Promise<InventoryItem[]>;
  /** One line: where the calls go. */
  describe(): string;
  /**
   * Carries out one request somewhere other than this process (a deployed stage's state machines);
   * absent: the runtime runs the saga here.
   */
  runOne?(
    raw: unknown,
    signal: AbortSignal | undefined,
    onProgress: ((event: ProgressEvent) => void) | undefined,
  ): Promise<ReplayResult>;
  /**
   * Starts execution `name` of `machine` somewhere other than this process (a deployed stage) and
   * follows it to its end; undefined when it was not followed to the end (`--no-wait`, or `signal`).
   * Absent: the runtime runs the machine here.
   */
  runMachine?(
    machine: MachineId,
    name: string,
    input: unknown,
    options: FollowOptions,
  ): Promise<ExecutionEnd | undefined>;
  /** Keeps what must outlive the process. */
  save(): void;
  stop(): Promise<void>;
}

export interface SimulatedBackendOptions {
  stateDir: string;
  throttle?: boolean;
  fast?: boolean;
  /** `LoadBalancerShards` of the shared stack when the simulator first makes it. */
  shards?: number;
  /** `SHARD_CAPACITY` of the orchestrator. */
  shardCapacity?: number;
  /** `SHARD_GROWTH_THRESHOLD` of the orchestrator. */
  shardGrowthThreshold?: number;
  /** `SHARD_GROWTH_LIMIT` of the orchestrator. */
  shardGrowthLimit?: number;
  /**
   * The orchestrator's settings as the deployed functions take them (`TIER_CATALOGUE`,
   * `RESOURCE_PREFIX`, …; see {@link LOCAL_SETTINGS}), e.g. the CLI's environment; the options above win.
   */
  settings?: Readonly<Record<string, string>>;
}

/** Clock milliseconds per second of AWS's time on the embedded default (not in its fast mode). */
export const MODELLED_SECOND_MS = 2;

/** The settings the embedded default takes from its caller (the deployed functions' variables). */
export const LOCAL_SETTINGS = [
  'TIER_CATALOGUE',
  'DEFAULT_TIER',
  'RESOURCE_PREFIX',
  'TENANT_HEADER',
  'HEALTH_MAX_ATTEMPTS',
  'HEALTH_CHECK_PATH',
  'SHARD_CAPACITY',
  'SHARD_GROWTH_THRESHOLD',
  'SHARD_GROWTH_LIMIT',
  'API_GATEWAY_URL',
  'COGNITO_EMAIL_SOURCE_ARN',
  'COGNITO_EMAIL_FROM',
] as const;

/** The {@link LOCAL_SETTINGS} set (and not empty) in `env`. */
export const localSettings = (env: Readonly<Record<string, string | undefined>>): Record<string, string> =>
  Object.fromEntries(
    LOCAL_SETTINGS.flatMap((name) => {
      const value = env[name];
      return value === undefined || value.trim() === '' ? [] : [[name, value]];
    }),
  );

/**
 * The CLI's settings on the embedded default: `env`'s, over the deployed stage's defaults where they
 * differ from the runtime's own: shard growth at {@link DEPLOYED_SHARD_GROWTH_THRESHOLD} unless
 * `SHARD_GROWTH_THRESHOLD` is set (set empty: never, as the deployed parameter).
 */
export const cliSettings = (env: Readonly<Record<string, string | undefined>>): Record<string, string> => ({
  ...(env.SHARD_GROWTH_THRESHOLD === undefined
    ? { SHARD_GROWTH_THRESHOLD: DEPLOYED_SHARD_GROWTH_THRESHOLD }
    : {}),
  ...localSettings(env),
});

/**
 * The embedded default's backend: the simulated cloud (its state in `<stateDir>/cloud.json`) and
 * dynalite (in `<stateDir>/dynamo`), reached through real SDK clients that fire the fault plan.
 */
export const simulatedBackend = async (
  options: SimulatedBackendOptions,
  injector: FaultInjector,
): Promise<{ backend: CloudBackend; sim: SimulatedCloud }> => {
  const env: Record<string, string> = {
    ...localSettings(options.settings ?? {}),
    SBT_EVENT_BUS: LOCAL_SBT_BUS,
    ...(options.shardCapacity !== undefined ? { SHARD_CAPACITY: String(options.shardCapacity) } : {}),
    ...(options.shardGrowthThreshold !== undefined
      ? { SHARD_GROWTH_THRESHOLD: String(options.shardGrowthThreshold) }
      : {}),
    ...(options.shardGrowthLimit !== undefined
      ? { SHARD_GROWTH_LIMIT: String(options.shardGrowthLimit) }
      : {}),
  };
  const config = loadConfig(env);
  const fast = options.fast ?? false;
  const sim = new SimulatedCloud({
    stateFile: join(options.stateDir, 'cloud.json'),
    throttle: options.throttle ?? false,
    // Long enough that a replay shows the service starting and the health checks passing (a few
    // polls 25 ms apart), short enough that a single replay stays well under a second. Health and
    // draining keep AWS's proportions at 2 ms a modelled second: a tuned group (5 s × 2, a 30 s
    // drain) is healthy 20 ms after its task runs and drains for 60 ms; one with the load balancer's
    // defaults (30 s × 5, 300 s) takes 300 ms and 600 ms.
    serviceStartMs: fast ? 0 : 40,
    healthyAfterMs: fast ? 0 : 40,
    drainMs: fast ? 0 : 20,
    ...(fast ? {} : { modelledSecondMs: MODELLED_SECOND_MS }),
  });
  sim.seedSharedInfrastructure(
    config.sharedStackName,
    options.shards !== undefined ? { LoadBalancerShards: String(options.shards) } : {},
  );
  const dynamo = await startLocalDynamo({
    dir: join(options.stateDir, 'dynamo'),
    tableName: config.tableName,
  });
  const backend: CloudBackend = {
    clients: localClients(sim, dynamo.clientConfig, injector, config.region),
    env,
    published: (from) => sim.publishedEvents(from),
    publishedCount: () => sim.publishedCount(),
    resources: async () => sim.inventory(),
    describe: () => sim.describe(),
    save: () => sim.save(),
    async stop() {
      // A state dir left by a clean stop is one snapshot, its log emptied.
      sim.compact();
      await dynamo.stop();
    },
  };
  return { backend, sim };
};
