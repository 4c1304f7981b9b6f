import { randomUUID } from 'node:crypto';
import type { MetadataBearer, MiddlewareStack } from '@smithy/types';
import { fileSize, logFileOf } from '../write-log.ts';
import type { SimContext, StateWriter } from './context.ts';
import { notImplemented, throttlingError } from './faults.ts';
import type { InventoryItem } from './inventory.ts';
import { type Journal, journaled, READ_ONLY } from './journal.ts';
import { isReadOnly, type SimPlugin } from './plugin.ts';
import {
  allResources,
  bucketsFor,
  inventoryOf,
  type PLUGINS,
  pluginOfClient,
  type SimService,
} from './registry.ts';
import { type Route, routeOf } from './routing.ts';
import { seedSharedInfrastructure } from './seed.ts';
import { putMetricAlarm, setAlarmState } from './services/cloudwatch/alarms.ts';
import { emptyState, type SimState, type SliceName } from './state.ts';
import { appendEntry, loadState, saveState } from './state-file.ts';
import { TokenBuckets } from './throttle.ts';

/** How the simulated cloud behaves. */
export interface SimOptions {
  /** Persist here (JSON); absent → memory only. */
  stateFile?: string;
  /** Injectable clock (ms) for tests. */
  now?: () => number;
  /** A service's tasks reach RUNNING this long after create/scale-up (default 300). */
  serviceStartMs?: number;
  /** A running task's target turns healthy this long after it starts (default 300). */
  healthyAfterMs?: number;
  /** DRAINING → INACTIVE for deleted services (default 200). */
  drainMs?: number;
  /**
   * Clock milliseconds per second of AWS's time: health follows each target group's threshold ×
   * interval and draining its deregistration delay, instead of `healthyAfterMs` and `drainMs`.
   */
  modelledSecondMs?: number;
  /** Enforce the default API rate quotas as token buckets. */
  throttle?: boolean;
  /**
   * Check every changing call's journal against a copy of the whole state: a failed call left
   * nothing changed, a call that succeeded logged everything it changed. Costs a copy of the state per
   * call: the test suites turn it on (`TENANTFLOW_SIM_CHECK=1`), runs and benchmarks do not.
   */
  checkJournal?: boolean;
  region?: string;
  accountId?: string;
}

/** The SDK clients the simulator can stand in for: one per registered service. */
export type SimulatableClient = InstanceType<(typeof PLUGINS)[number]['client']>;

/** What an {@link SimulatedCloud.onCall} hook sees. */
export interface SimCall {
  service: SimService;
  command: string;
  input: unknown;
}

/** One line of the call log. */
export interface SimCallRecord {
  service: string;
  command: string;
  input: unknown;
  at: number;
  /** The error's `name` when the call failed. */
  error?: string;
}

/** An event put on a bus through PutEvents. */
export interface PublishedEvent {
  source: string;
  detailType: string;
  detail: unknown;
  eventBusName: string;
  time: string;
}

/**
 * Where the simulator answers: right inside the SDK's retry middleware, as the service's endpoint
 * would (after serialisation; signing and the HTTP round trip are skipped). A call AWS throttles is
 * then retried by the client's own retry strategy before the adapter sees it, as in the deployed
 * functions (the SDK's standard retry: 3 tries).
 */
const MIDDLEWARE = {
  relation: 'after',
  toMiddleware: 'retryMiddleware',
  name: 'tenantflowSimulatedCloud',
  override: true,
} as const;

const snapshot = (value: unknown): unknown => {
  try {
    return structuredClone(value);
  } catch {
    return value;
  }
};

/**
 * A simulated AWS (the services of `registry.ts`) plugged into real SDK v3 clients as
 * middleware: the client's `send` is answered in-process, without network or account, with
 * outputs and exceptions shaped like the real service's, so production adapters run unchanged.
 */
export class SimulatedCloud {
  private state: SimState;
  private readonly clock: () => number;
  private readonly hooks = new Set<(call: SimCall) => void>();
  private readonly log: SimCallRecord[] = [];
  private readonly buckets = new TokenBuckets();
  private readonly options: SimOptions;
  /** Bytes of the state file's log since its snapshot, and the snapshot's size (see `persist`). */
  private logBytes = 0;
  private snapshotBytes = 0;
  private readonly checkJournal: boolean;

  constructor(options: SimOptions = {}) {
    this.options = options;
    this.clock = options.now ?? Date.now;
    this.state = options.stateFile ? loadState(options.stateFile) : emptyState();
    if (options.stateFile) {
      this.snapshotBytes = fileSize(options.stateFile);
      this.logBytes = fileSize(logFileOf(options.stateFile));
    }
    this.checkJournal = options.checkJournal ?? process.env.TENANTFLOW_SIM_CHECK === '1';
  }

  /** Adds the simulator to a client of one of its services; returns the client. */
  attach<C extends SimulatableClient>(client: C): C {
    // Every client's stack is typed by its own commands; the simulator's step reads none of them.
    const stack = client.middlewareStack as unknown as MiddlewareStack<object, MetadataBearer>;
    // What the deserializer would have produced: the output, its metadata, and a stand-in HTTP response.
    const reply = (result: object) => {
      const requestId = randomUUID();
      return {
        output: { ...result, $metadata: { httpStatusCode: 200, requestId, attempts: 1, totalRetryDelay: 0 } },
        response: { statusCode: 200, headers: { 'x-amzn-requestid': requestId } },
      };
    };
    const command = (name: string | undefined) => (name ?? '').replace(/Command$/, '');
    const plugin = this.pluginFor(client);
    stack.addRelativeTo(
      (_next: unknown, context: { commandName?: string }) => async (args: { input: object }) =>
        reply(this.invoke(plugin, command(context.commandName), args.input)),
      MIDDLEWARE,
    );
    return client;
  }

  /** The service whose calls `client` makes. */
  serviceOf(client: SimulatableClient): SimService {
    return this.pluginFor(client).name;
  }

  private pluginFor(client: SimulatableClient): SimPlugin<SimService> {
    const plugin = pluginOfClient(client);
    if (!plugin) throw new Error(`simulated AWS answers no ${client.constructor.name}`);
    return plugin;
  }

  /**
   * Runs `hook` before every simulated call, once per try (it runs inside the SDK's retry); throwing
   * from it fails that try. The local runtime injects its faults outside the retry instead.
   */
  onCall(hook: (call: SimCall) => void): () => void {
    this.hooks.add(hook);
    return () => {
      this.hooks.delete(hook);
    };
  }

  /** Makes alarm `name` if there is none, and sets its state (what an operator's SetAlarmState does). */
  setAlarm(name: string, state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA', reason = 'set by hand'): void {
    this.transact(this.clock(), (ctx) => {
      putMetricAlarm(ctx, { AlarmName: name });
      setAlarmState(ctx, { AlarmName: name, StateValue: state, StateReason: reason });
    });
  }

  /**
   * Creates the shared infrastructure and its CloudFormation stack, once per stack name, with the
   * template's parameters at their defaults but those given (e.g. `LoadBalancerShards`).
   */
  seedSharedInfrastructure(stackName: string, parameters: Record<string, string> = {}): void {
    this.transact(this.clock(), (ctx) => seedSharedInfrastructure(ctx, stackName, parameters));
    this.save();
  }

  /** The outputs of a stack the simulator holds (empty when there is none of that name). */
  stackOutputs(stackName: string): { key: string; value: string }[] {
    const stack = this.state.stacks.find((s) => s.name === stackName);
    return stack ? stack.outputs.map((output) => ({ ...output })) : [];
  }

  inventory(): InventoryItem[] {
    return inventoryOf(this.context(this.clock()));
  }

  /** Where the shared load balancer sends a request with these headers, and how healthy that is. */
  route(headers: Record<string, string>, path = '/'): Route {
    return routeOf(this.context(this.clock()), headers, path);
  }

  /** Copies of the events put on a bus, from the `from`th on (0: all of them). */
  publishedEvents(from = 0): PublishedEvent[] {
    return this.state.events.slice(from).map((e) => ({
      source: e.source,
      detailType: e.detailType,
      detail: structuredClone(e.detail),
      eventBusName: e.eventBusName,
      time: e.time,
    }));
  }

  /** How many events were put on a bus. */
  publishedCount(): number {
    return this.state.events.length;
  }

  /** A copy of one list of the state (a service's slice: `clusters`, `messages`, …), for tests and tools to read. */
  read<S extends SliceName>(slice: S): SimState[S] {
    return structuredClone(this.state[slice]);
  }

  /** Every call made through this instance, in order (not persisted). */
  calls(): SimCallRecord[] {
    return this.log.map((c) => ({ ...c }));
  }

  /**
   * Makes sure `stateFile` holds the state (no-op when memory only): every changing call is written
   * through to its log already, so this writes a snapshot only when there is none yet or the log has
   * outgrown it. Cheap enough to call after every request.
   */
  save(): void {
    if (!this.options.stateFile) return;
    if (this.snapshotBytes > 0 && this.logBytes <= Math.max(1 << 20, this.snapshotBytes)) return;
    this.compact();
  }

  /** Writes the whole state to `stateFile` as one snapshot and empties its log (no-op when memory only). */
  compact(): void {
    if (!this.options.stateFile) return;
    this.snapshotBytes = saveState(this.options.stateFile, this.state);
    this.logBytes = 0;
  }

  /**
   * Writes one committed call through: its line on the log; and once the log has grown past the
   * snapshot (and past 1 MiB), a new snapshot. A snapshot costs the whole state, but comes only after
   * as many bytes of calls, so a call costs what it touched, however large the fleet.
   */
  private persist(journal: Journal): void {
    const file = this.options.stateFile;
    const entry = journal.entry();
    if (!file || !entry) return;
    this.logBytes += appendEntry(file, entry);
    this.save();
  }

  describe(): string {
    const s = this.state;
    const where = this.options.stateFile ? `state in ${this.options.stateFile}` : 'state in memory';
    const live = this.inventory();
    const count = (type: string, noun: string) => {
      const n = live.filter((i) => i.type === type).length;
      return `${n} ${noun}${n === 1 ? '' : 's'}`;
    };
    const events = `${s.events.length} event${s.events.length === 1 ? '' : 's'} published`;
    return (
      `simulated AWS (no AWS account): region ${this.region()}, account ${this.accountId()}, ${where}; ` +
      `${count('cluster', 'cluster')}, ${count('service', 'service')}, ${count('target-group', 'target group')}, ` +
      `${count('listener-rule', 'listener rule')}, ${events}` +
      (this.options.throttle ? '; API rate quotas enforced' : '')
    );
  }

  private region(): string {
    return this.options.region ?? 'us-east-1';
  }

  private accountId(): string {
    return this.options.accountId ?? '000000000000';
  }

  private context(now: number, write: StateWriter = READ_ONLY): SimContext {
    const ctx: SimContext = {
      state: this.state,
      write,
      now,
      region: this.region(),
      accountId: this.accountId(),
      timing: {
        serviceStartMs: this.options.serviceStartMs ?? 300,
        healthyAfterMs: this.options.healthyAfterMs ?? 300,
        drainMs: this.options.drainMs ?? 200,
        ...(this.options.modelledSecondMs === undefined
          ? {}
          : { modelledSecondMs: this.options.modelledSecondMs }),
      },
      resources: () => allResources(ctx),
    };
    return ctx;
  }

  /**
   * Runs `change` on the state through a journal of what it touches (see `journaled`): a failed
   * call changes nothing, one that succeeds is written through.
   */
  private transact<T>(now: number, change: (ctx: SimContext) => T, what = 'a change'): T {
    const { result, journal } = journaled(this.state, (write) => change(this.context(now, write)), {
      check: this.checkJournal,
      what,
    });
    this.persist(journal);
    return result;
  }

  private invoke(plugin: SimPlugin<SimService>, command: string, input: unknown): object {
    const service = plugin.name;
    const at = this.clock();
    const record: SimCallRecord = { service, command, input: snapshot(input), at };
    this.log.push(record);
    try {
      for (const hook of this.hooks) hook({ service, command, input });
      if (this.options.throttle && !this.buckets.take(bucketsFor(service, command), at)) {
        throw throttlingError(plugin);
      }
      const handler = plugin.handlers[command];
      if (!handler) throw notImplemented(plugin, command);
      if (isReadOnly(plugin, command)) return handler(this.context(at), input);
      return this.transact(at, (ctx) => handler(ctx, input), `${service} ${command}`);
    } catch (error) {
      record.error = error instanceof Error ? error.name : String(error);
      throw error;
    }
  }
}
