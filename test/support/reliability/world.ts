/**
 * A world for one reliability scenario: a local runtime (committed ASL on the local interpreter,
 * dynalite, the simulated cloud) over a temp state dir, the requests sent to it, and the invariant
 * check that closes every scenario (its counts go into the suite's counters).
 */

import { createHash, randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { parseLifecycleInput } from '../../../events/index.ts';
import { OPERATION_TABLE, OPERATIONS, type Operation } from '../../../src/domain/operations.ts';
import { ROLLOUT_SUMMARY } from '../../../src/domain/rollout-summary.ts';
import {
  createLocalRuntime,
  type FaultSpec,
  type LocalRuntime,
  type ProgressEvent,
  type ReplayResult,
  type StepCalls,
} from '../../../src/local/index.ts';
import { SimulatedCloud } from '../../../src/local/sim/index.ts';
import { SCENARIO_CATALOGUE, SCENARIO_CATALOGUE_JSON } from '../catalogues.ts';
import { testConfig } from '../fake-ports.ts';
import { count } from './counters.ts';
import {
  checkInvariants,
  type Finding,
  type InvariantReport,
  type SeenStatusEvent,
  type SentRequest,
} from './invariants.ts';
import { namedBy, type RawBaseline, rawFindings, rawResources } from './raw-cloud.ts';

const { contract } = testConfig();
const catalogue = SCENARIO_CATALOGUE;

const DETAIL_TYPE: Record<Operation, string> = {
  onboard: contract.inbound.onboard[0] ?? 'sbt_aws_onboardingRequest',
  offboard: contract.inbound.offboard[0] ?? 'sbt_aws_offboardingRequest',
  activate: contract.inbound.activate[0] ?? 'sbt_aws_activateRequest',
  deactivate: contract.inbound.deactivate[0] ?? 'sbt_aws_deactivateRequest',
  migrate: contract.inbound.migrate[0] ?? 'sbt_aws_migrateRequest',
  update: contract.inbound.update[0] ?? 'sbt_aws_updateRequest',
};

/** The release an update of a scenario ships unless its tenant names another. */
export const TEST_RELEASE = { version: '2.0.0', image: 'public.ecr.aws/example/tenant-app:2.0.0' };

/** A tenant of a scenario: fresh ids every time, so scenarios sharing a world never collide. */
export interface TestTenant {
  tenantId: string;
  tenantRegistrationId: string;
  tier: ReferenceTier;
  /** The tier a migration moves it to (default: the next reference tier). */
  target?: ReferenceTier;
  /** The release an update ships (default {@link TEST_RELEASE}). */
  release?: { version: string; image: string; services?: Record<string, { image: string }> };
}

/** The tier a migration of a tenant of each reference tier goes to by default. */
export const NEXT_TIER: Record<ReferenceTier, ReferenceTier> = {
  basic: 'advanced',
  advanced: 'premium',
  premium: 'basic',
  suite: 'advanced',
  // Refused: a migration does not move a user pool's users yet.
  app: 'advanced',
};

/**
 * The catalogue's tiers the scenarios provision: the three reference tiers, `suite`, an application
 * of three services (web, orders, products), and `app`, the suite with a user pool of its own
 * (test/support/catalogues.ts).
 */
export type ReferenceTier = 'basic' | 'advanced' | 'premium' | 'suite' | 'app';

/** The inventory types (sorted) of what the simulated cloud holds tagged for `tenantId`. */
export const typesOf = (world: Pick<World, 'runtime'>, tenantId: string): string[] =>
  world.runtime
    .inventory()
    .filter((item) => item.tenantId === tenantId)
    .map((item) => item.type)
    .sort();

/** The inventory types (sorted) a tenant of each tier owns: what a clean run leaves, nothing more. */
/** The web service and its two companions (orders, products): a service and a task definition each. */
const SUITE_RESOURCES = [
  'listener-rule',
  'service',
  'service',
  'service',
  'target-group',
  'task-definition',
  'task-definition',
  'task-definition',
];

export const TIER_RESOURCES: Readonly<Record<ReferenceTier, readonly string[]>> = {
  basic: [],
  advanced: ['listener-rule', 'service', 'target-group', 'task-definition'],
  premium: ['cluster', 'listener-rule', 'service', 'target-group', 'task-definition'],
  suite: SUITE_RESOURCES,
  // The suite's, the tenant's user pool and its two tables (test/support/catalogues.ts).
  app: [...SUITE_RESOURCES, 'table', 'table', 'user-pool'].sort(),
};

export const newTenant = (tier: ReferenceTier, tenantId: string = randomUUID()): TestTenant => ({
  tenantId,
  tenantRegistrationId: randomUUID(),
  tier,
});

/** An SBT lifecycle event for `tenant`, as EventBridge delivers it (a fresh event id unless given). */
export const lifecycleEvent = (
  operation: Operation,
  tenant: TestTenant,
  eventId: string = randomUUID(),
): Record<string, unknown> => ({
  version: '0',
  id: eventId,
  'detail-type': DETAIL_TYPE[operation],
  source: contract.controlPlaneSources[0],
  account: '000000000000',
  time: '2025-01-01T00:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: {
    registrationStatus: 'In progress',
    tenantName: `tenant ${tenant.tenantId.slice(0, 8)}`,
    email: 'ops@example.com',
    tier: operation === 'migrate' ? (tenant.target ?? NEXT_TIER[tenant.tier]) : tenant.tier,
    prices: [],
    tenantRegistrationId: tenant.tenantRegistrationId,
    tenantId: tenant.tenantId,
    ...(operation === 'offboard' ? { sbtaws_active: true } : {}),
    ...(operation === 'update' ? { release: tenant.release ?? TEST_RELEASE } : {}),
  },
});

const sentRequest = (raw: unknown): SentRequest => {
  const parsed = parseLifecycleInput(raw, { contract, catalogue, accepts: OPERATIONS });
  const id = z.object({ id: z.string().min(1) }).safeParse(raw);
  const eventId = id.success
    ? id.data.id
    : createHash('sha256')
        .update(JSON.stringify(raw) ?? '')
        .digest('hex');
  if (parsed.ok) {
    const { operation, tenantId, tenantRegistrationId } = parsed.request;
    return {
      eventId,
      operation,
      tenantId,
      ...(tenantRegistrationId ? { tenantRegistrationId } : {}),
      answerable: true,
    };
  }
  const { operation, tenantRegistrationId } = parsed;
  return {
    eventId,
    ...(operation ? { operation } : {}),
    ...(tenantRegistrationId ? { tenantRegistrationId } : {}),
    answerable: operation !== undefined && tenantRegistrationId !== undefined,
  };
};

/**
 * A request refused because another execution answers for its registration gets no status event of
 * its own: the checker must not expect one.
 */
const deferring = (sent: SentRequest[], results: ReplayResult[]): ReplayResult[] => {
  results.forEach((result, index) => {
    const request = sent[index];
    if (request && result.outcome === 'deferred') request.answerable = false;
  });
  return results;
};

export interface World {
  readonly runtime: LocalRuntime;
  readonly stateDir: string;
  readonly options: WorldOptions;
  /** Every step run in this runtime, as it ended. */
  readonly progress: readonly ProgressEvent[];
  /** Calls `listener` as each step ends, while the saga is still running (e.g. to look at routing). */
  onStep(listener: (event: ProgressEvent) => void): void;
  /** Every request delivered so far (redeliveries included). */
  readonly requests: readonly SentRequest[];
  /** Delivers events one after the other (each waits for the saga it starts). */
  send(events: readonly unknown[]): Promise<ReplayResult[]>;
  /** Counts events as sent that reached tenantflow some other way (e.g. an execution started by hand). */
  noteSent(events: readonly unknown[]): void;
  /** Delivers events all at once. */
  sendConcurrently(events: readonly unknown[]): Promise<ReplayResult[]>;
  /** Every status event the simulated EventBridge received in this state dir. */
  published(): SeenStatusEvent[];
  /**
   * Checks the invariants over everything sent so far. `fresh` holds the findings no earlier check
   * of this world reported (what the last scenario broke); only those go into the suite's counters.
   */
  check(options?: {
    mayRepeat?: ReadonlyMap<string, number>;
    /** Resources the test made as someone else would: not tenantflow's, and still there. */
    foreign?: ReadonlySet<string>;
  }): Promise<InvariantReport & { fresh: Finding[] }>;
  /** Closes the runtime; `reopen` starts another over the same state (e.g. with faults). */
  close(): Promise<void>;
  /** `meanwhile` runs while no runtime is open (to change the state dir as something else would). */
  reopen(faults?: FaultSpec[], meanwhile?: (stateDir: string) => Promise<void>): Promise<World>;
}

/** Whether `raw` came as an EventBridge event (rather than a plain request started by hand). */
const isEvent = (raw: unknown): boolean => typeof raw === 'object' && raw !== null && 'detail-type' in raw;

const ANSWERED_FROM_RECORD: readonly Operation[] = ['activate', 'deactivate'];

/** How a world's simulated shared stack is made, and the orchestrator's shard capacity. */
export interface WorldOptions {
  shards?: number;
  shardCapacity?: number;
  /** The orchestrator's settings (`TIER_CATALOGUE`, …). */
  settings?: Readonly<Record<string, string>>;
  /** Told of every step run with the AWS calls it made (to plan faults call by call). */
  onStepCalls?: (run: StepCalls) => void;
}

const open = async (
  stateDir: string,
  faults: FaultSpec[],
  requests: SentRequest[],
  reported = new Set<string>(),
  seen: Finding[] = [],
  options: WorldOptions = {},
  start?: RawBaseline,
): Promise<World> => {
  const progress: ProgressEvent[] = [];
  const listeners: Array<(event: ProgressEvent) => void> = [];
  const runtime = await createLocalRuntime({
    stateDir,
    engine: 'asl',
    fast: true,
    faults,
    ...options,
    // The scenarios' catalogue unless the world names its own.
    settings: { TIER_CATALOGUE: SCENARIO_CATALOGUE_JSON, ...options.settings },
    onProgress: (event) => {
      progress.push(event);
      for (const listener of listeners) listener(event);
    },
  });
  // What the cloud held when this world first opened (kept across reopens): the independent checker's start.
  const baseline: RawBaseline = start ?? {
    live: rawResources(stateDir),
    named: namedBy(await runtime.tenants()),
  };
  const placementOf = async (tenantId: string): Promise<string | undefined> => {
    const record = await runtime.tenant(tenantId);
    return record ? JSON.stringify(record.placement) : undefined;
  };
  /**
   * What the checker expects of a request before it is delivered: an activation change that came as
   * an event naming the tenant alone is answered to the registration the tenant was onboarded from
   * (../shared/sbt-contract.md: billing systems send `tenantId` only).
   */
  const expectAnswer = async (raw: unknown, sent: SentRequest): Promise<void> => {
    if (sent.tenantRegistrationId !== undefined || sent.tenantId === undefined || !isEvent(raw)) return;
    if (!sent.operation || !ANSWERED_FROM_RECORD.includes(sent.operation)) return;
    const recorded = (await runtime.tenant(sent.tenantId))?.tenantRegistrationId;
    if (recorded !== undefined) sent.tenantRegistrationId = recorded;
  };
  /** Tenants whose placement no request of `batch` may change (none of them places the tenant). */
  const watched = (batch: readonly SentRequest[]): string[] => {
    const places = (r: SentRequest) =>
      r.operation !== undefined && OPERATION_TABLE[r.operation].tier !== 'informational';
    const onboarded = new Set(batch.filter(places).map((r) => r.tenantId));
    const ids = batch.filter((r) => r.operation && !places(r)).map((r) => r.tenantId);
    return [...new Set(ids)].filter((id): id is string => id !== undefined && !onboarded.has(id));
  };
  /** Delivers `batch` (one by one or at once), noting any placement a non-onboarding changed. */
  const deliver = async (
    events: readonly unknown[],
    run: (events: readonly unknown[]) => Promise<ReplayResult[]>,
  ): Promise<ReplayResult[]> => {
    const sent = events.map(sentRequest);
    for (const [index, request] of sent.entries()) await expectAnswer(events[index], request);
    requests.push(...sent);
    const tenants = watched(sent);
    const before = await Promise.all(tenants.map(placementOf));
    const results = deferring(sent, await run(events));
    const after = await Promise.all(tenants.map(placementOf));
    tenants.forEach((tenantId, index) => {
      const was = before[index];
      if (was !== undefined && after[index] !== was)
        seen.push({
          kind: 'placement-changed',
          detail: `${tenantId}: ${was} became ${after[index]} without an onboarding`,
        });
    });
    return results;
  };
  // A rollout's summary goes to the provider, not to SBT: it answers no request.
  const published = (): SeenStatusEvent[] =>
    runtime
      .publishedEvents()
      .filter(({ detailType }) => detailType !== ROLLOUT_SUMMARY)
      .map(({ detailType, detail }) => ({ detailType, detail }));
  const world: World = {
    runtime,
    stateDir,
    options,
    requests,
    progress,
    onStep: (listener) => {
      listeners.push(listener);
    },
    async send(events) {
      const results: ReplayResult[] = [];
      for (const event of events) results.push(...(await deliver([event], (one) => runtime.replay(one))));
      return results;
    },
    noteSent(events) {
      requests.push(...events.map(sentRequest));
    },
    sendConcurrently: (events) =>
      deliver(events, async (all) => (await Promise.all(all.map((event) => runtime.replay([event])))).flat()),
    published,
    async check(options = {}) {
      const checked = checkInvariants({
        contract,
        inventory: runtime.inventory(),
        records: await runtime.tenants(),
        events: published(),
        requests,
        ...(options.mayRepeat ? { mayRepeat: options.mayRepeat } : {}),
        ...(options.foreign ? { foreign: options.foreign } : {}),
      });
      count('resent', checked.resent);
      const raw = rawFindings({
        baseline,
        now: rawResources(stateDir),
        records: await runtime.tenants(),
        shards: await runtime.grownShards(),
        ...(options.foreign ? { foreign: options.foreign } : {}),
      });
      const report = {
        ...checked,
        findings: [
          ...checked.findings,
          ...raw.map((finding) => ({ kind: finding.kind, detail: finding.detail })),
          ...seen,
        ],
      };
      const fresh = report.findings.filter((finding) => !reported.has(`${finding.kind} ${finding.detail}`));
      for (const finding of fresh) reported.add(`${finding.kind} ${finding.detail}`);
      const freshOf = (kind: Finding['kind']) => fresh.filter((finding) => finding.kind === kind).length;
      count('orphans', freshOf('orphan'));
      count('missingEvents', freshOf('missing-event'));
      count('extraEvents', freshOf('extra-event'));
      count('missingResources', freshOf('missing-resource'));
      count('heldLocks', freshOf('held-lock'));
      count('placementChanges', freshOf('placement-changed'));
      count('independentFindings', freshOf('unrecorded') + freshOf('vanished'));
      count('independentChecks');
      return { ...report, fresh };
    },
    close: () => runtime.close(),
    async reopen(nextFaults = [], meanwhile) {
      await runtime.close();
      await meanwhile?.(stateDir);
      return open(stateDir, nextFaults, requests, reported, seen, options, baseline);
    },
  };
  return world;
};

const createdDirs: string[] = [];

const freshDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'tenantflow-reliability-'));
  createdDirs.push(dir);
  return dir;
};

/** Removes every state dir the worlds of this run created: the suite leaves nothing behind. */
export const removeWorldDirs = (): void => {
  for (const dir of createdDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
};

/**
 * The simulated cloud of a state dir, opened as another process would: to look at it, or to change it
 * by hand while no runtime has the dir (`reopen`'s `meanwhile`; `save()` writes the change).
 */
export const cloudAt = (stateDir: string): SimulatedCloud =>
  new SimulatedCloud({ stateFile: join(stateDir, 'cloud.json'), drainMs: 0 });

/** The configuration of an SDK client attached to {@link cloudAt} (no account: any key will do). */
export const LOCAL_CLIENT = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
};

/** A world on a fresh temp state dir; `faults` apply to every step run in it. */
export const openWorld = async (faults: FaultSpec[] = [], options: WorldOptions = {}): Promise<World> =>
  open(freshDir(), faults, [], new Set(), [], options);

/**
 * A world on `stateDir` as something else left it (a closed world, a killed process), with `requests`
 * counted as already sent. `start`, when given, is where the independent
 * checker's diff starts (a snapshot taken before that something ran, so what it made or removed is
 * checked too); otherwise the dir as it is now.
 */
export const openExisting = async (
  stateDir: string,
  faults: FaultSpec[] = [],
  requests: readonly SentRequest[] = [],
  start?: RawBaseline,
): Promise<World> => open(stateDir, faults, [...requests], new Set(), [], {}, start);

/** A fresh state dir holding a copy of `snapshot`'s state (nothing opened on it). */
export const copyOf = (snapshot: Snapshot): string => {
  const stateDir = freshDir();
  cpSync(snapshot.stateDir, stateDir, { recursive: true });
  return stateDir;
};

/** The request `raw` makes (for a world opened later on a dir something else sent it to). */
export const requestOf = (raw: unknown): SentRequest => sentRequest(raw);

/** A closed world's state and the requests that made it, to start many scenarios from. */
export interface Snapshot {
  stateDir: string;
  requests: readonly SentRequest[];
  options?: WorldOptions;
  /** The raw cloud and what the records named when the snapshot was taken (the checker's start). */
  start: RawBaseline;
}

/** Closes `world` and keeps its state as a starting point. */
export const snapshotOf = async (world: World, requests: readonly SentRequest[]): Promise<Snapshot> => {
  const start: RawBaseline = {
    live: rawResources(world.stateDir),
    named: namedBy(await world.runtime.tenants()),
  };
  await world.close();
  return { stateDir: world.stateDir, requests, options: world.options, start };
};

/** A world on a copy of `snapshot` (its requests count as already sent), with `faults`. */
export const openFrom = async (
  snapshot: Snapshot,
  faults: FaultSpec[] = [],
  extra: WorldOptions = {},
): Promise<World> => {
  const stateDir = freshDir();
  cpSync(snapshot.stateDir, stateDir, { recursive: true });
  return open(stateDir, faults, [...snapshot.requests], new Set(), [], { ...snapshot.options, ...extra });
};
