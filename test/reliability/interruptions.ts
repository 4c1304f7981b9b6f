/**
 * Interruptions (issue 9): the tenantflow CLI, as a child process, running one saga of every tier
 * and operation, killed with SIGKILL at random points (after a random number of step lines, plus a
 * random few milliseconds: mid-step, between steps, during start-up and ingress); and Ctrl-C runs,
 * once and twice. After each: a restart (a runtime opened on the same state dir recovers what was
 * left), the control plane's redelivery of the same event, its retry of a FAILED tenant's request,
 * and the invariant check: no tenant locked after the restart, nothing orphaned, one terminal
 * status event per request.
 *
 * The kill points come from a seeded generator: `TENANTFLOW_KILL_SEED=<n>` replays another set; a
 * failure names the case so it can be rerun alone with `-t`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATION_TABLE, OPERATIONS, type Operation } from '../../src/domain/operations.ts';
import type { TenantStatus } from '../../src/domain/tenant-status.ts';
import { readRegistry, retryEvent } from '../../src/local/runtime/index.ts';
import { testConfig } from '../support/fake-ports.ts';
import {
  type ChildEnd,
  type Interruption,
  removeCliScript,
  runInterrupted,
} from '../support/reliability/child-cli.ts';
import { count } from '../support/reliability/counters.ts';
import {
  cloudAt,
  copyOf,
  lifecycleEvent,
  newTenant,
  openExisting,
  openWorld,
  type ReferenceTier,
  requestOf,
  type Snapshot,
  snapshotOf,
  type TestTenant,
  type World,
} from '../support/reliability/world.ts';

const config = testConfig();
const { contract } = config;
// Killed processes are CLI runs, which read the bundled catalogue: `app` (the scenarios' own tier)
// is not among them; its identity is under kills in the fault matrix's crash plans.
const TIERS = ['basic', 'advanced', 'premium', 'suite'] as const satisfies readonly ReferenceTier[];
type KilledTier = (typeof TIERS)[number];
const KILLS_PER_CASE = 10;
/** Step lines each saga prints in a clean run: a kill lands before its last one ends. */
const LINES: Record<Operation, Record<KilledTier, number>> = {
  onboard: { basic: 5, advanced: 9, premium: 10, suite: 10 },
  offboard: { basic: 9, advanced: 9, premium: 9, suite: 9 },
  activate: { basic: 5, advanced: 5, premium: 5, suite: 5 },
  deactivate: { basic: 5, advanced: 5, premium: 5, suite: 5 },
  migrate: { basic: 9, advanced: 10, premium: 9, suite: 9 },
  update: { basic: 5, advanced: 8, premium: 8, suite: 8 },
};
/** Where each operation leaves the tenant once redelivered or retried to the end. */
const DONE: Record<Operation, TenantStatus> = {
  onboard: 'ACTIVE',
  offboard: 'DELETED',
  activate: 'ACTIVE',
  deactivate: 'INACTIVE',
  migrate: 'ACTIVE',
  // A pooled tenant's update is refused, changing nothing: it stays ACTIVE too.
  update: 'ACTIVE',
};

/** mulberry32: a small seeded generator, so every run kills at the same points unless told otherwise. */
const seeded = (seed: number) => {
  let a = seed >>> 0;
  return (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};
const SEED = Number(process.env.TENANTFLOW_KILL_SEED ?? 20261128);

interface KillCase {
  label: string;
  operation: Operation;
  tier: KilledTier;
  interruption: Interruption;
}

const killCases = (): KillCase[] => {
  const random = seeded(SEED);
  return OPERATIONS.flatMap((operation) =>
    TIERS.flatMap((tier) =>
      Array.from({ length: KILLS_PER_CASE }, (_, n) => {
        // One in six during start-up and ingress; the rest after 1 to (all but one) step lines.
        const lines = LINES[operation][tier];
        const afterLines = random() < 1 / 6 ? 0 : 1 + Math.floor(random() * (lines - 1));
        const delayMs = Math.floor(random() * (afterLines === 0 ? 60 : 15));
        return {
          label: `${operation} ${tier} #${n + 1}: kill after ${afterLines} lines + ${delayMs} ms`,
          operation,
          tier,
          interruption: { signal: 'SIGKILL' as const, afterLines, delayMs },
        };
      }),
    ),
  );
};

/** A state dir whose tenant is ready for `operation` (onboarded; deactivated before an activate). */
const prepare = async (
  operation: Operation,
  tier: ReferenceTier,
): Promise<{ snapshot: Snapshot; tenant: TestTenant }> => {
  const tenant = newTenant(tier);
  const world = await openWorld();
  const setup =
    operation === 'onboard'
      ? []
      : [
          lifecycleEvent('onboard', tenant),
          ...(operation === 'activate' ? [lifecycleEvent('deactivate', tenant)] : []),
        ];
  const results = await world.send(setup);
  if (results.some((r) => r.outcome !== 'succeeded'))
    throw new Error(`setup failed: ${JSON.stringify(results)}`);
  return { snapshot: await snapshotOf(world, world.requests), tenant };
};

const eventFiles: string[] = [];
const eventFile = (event: unknown): string => {
  const dir = mkdtempSync(join(tmpdir(), 'tenantflow-event-'));
  eventFiles.push(dir);
  const file = join(dir, 'event.json');
  writeFileSync(file, JSON.stringify(event));
  return file;
};

/** The status events the control plane heard for `operation` of `tenant`'s registration. */
const answers = (world: World, operation: Operation, tenant: TestTenant): string[] => {
  const names = contract.outbound[operation];
  return world
    .published()
    .filter((event) => [names.success, names.failure].includes(event.detailType))
    .filter((event) =>
      JSON.stringify(event.detail).includes(`"tenantRegistrationId":"${tenant.tenantRegistrationId}"`),
    )
    .map((event) => event.detailType);
};

/** The status events a state dir's simulated cloud holds, in the order they were put. */
const publishedOf = (stateDir: string) => cloudAt(stateDir).publishedEvents();

/** The executions of a state dir's registry that no process has handled (RUNNING, or ended unwatched). */
const unhandledIn = (stateDir: string): string[] =>
  readRegistry(join(stateDir, 'executions.json'))
    .filter((entry) => entry.status === 'RUNNING' || entry.watched === false)
    .map((entry) => entry.name);

/**
 * What an interruption left of `sent`'s requests, read from the state dir before anything opens it
 * again: the executions of their tenants that no process handled (RUNNING, or ended and not watched),
 * which the restart must recover; and for each request whose answer was already out while one of
 * those was left (the kill landed between the PutEvents and its execution being recorded done, which
 * takes in the window before the ledger's record of the send), one repeat of that answer the check
 * tolerates. Anything else sent twice is an extra event.
 */
const leftBehind = (
  stateDir: string,
  snapshot: Snapshot,
  sent: ReadonlyArray<{ operation: Operation; tenant: TestTenant }>,
): { unhandled: string[]; mayRepeat: Map<string, number> } => {
  const entries = readRegistry(join(stateDir, 'executions.json'));
  // Only what the interrupted run published: the snapshot's own answers (the onboarding's success
  // before a migration, say) share a result and registration with the run's.
  const before = publishedOf(snapshot.stateDir).length;
  const published = publishedOf(stateDir).slice(before);
  const unhandled: string[] = [];
  const mayRepeat = new Map<string, number>();
  for (const { operation, tenant } of sent) {
    const open = entries.filter(
      (entry) =>
        entry.tenantId === tenant.tenantId && (entry.status === 'RUNNING' || entry.watched === false),
    );
    unhandled.push(...open.map((entry) => entry.name));
    const names = contract.outbound[operation];
    const out = published.some(
      (event) =>
        [names.success, names.failure].includes(event.detailType) &&
        JSON.stringify(event.detail).includes(`"tenantRegistrationId":"${tenant.tenantRegistrationId}"`),
    );
    if (out && open.length > 0) {
      const key = `${OPERATION_TABLE[operation].result}/${tenant.tenantRegistrationId}`;
      mayRepeat.set(key, (mayRepeat.get(key) ?? 0) + 1);
      count('killsInsidePublish');
    }
  }
  return { unhandled: [...new Set(unhandled)].sort(), mayRepeat };
};

/**
 * The restart recovered exactly what the interruption left, each handled now (none left for later):
 * the watcher acted on it, or it found the tenant's record to say where the tenant stands (an
 * onboarding killed before it reserved the tenant has none).
 */
const expectRecovered = (world: World, unhandled: readonly string[]): void => {
  const recovered = world.runtime.recovered;
  expect(recovered.map((item) => item.name).sort()).toEqual(unhandled);
  for (const item of recovered) {
    expect(item.problem).toBeUndefined();
    expect(item.watch ?? item.tenantStatus).toBeDefined();
  }
  // And the registry agrees: nothing is left running or unwatched once the restart is done.
  expect(unhandledIn(world.stateDir)).toEqual([]);
  count('recoveries', recovered.length);
};

/**
 * After the interruption: restart (the runtime opened on the state dir recovers what was left),
 * count tenants still locked, redeliver the events (EventBridge's at-least-once), and where the
 * control plane heard a failure, retry as it would: a new event for the same request.
 */
const restartAndSettle = async (
  stateDir: string,
  snapshot: Snapshot,
  sent: ReadonlyArray<{ event: unknown; operation: Operation; tenant: TestTenant }>,
): Promise<{ world: World; stuck: string[] }> => {
  // The checker diffs from the snapshot, before the interrupted run: what it made or removed counts.
  const world = await openExisting(
    stateDir,
    [],
    [...snapshot.requests, ...sent.map((s) => requestOf(s.event))],
    snapshot.start,
  );
  const stuck = (await world.runtime.tenants())
    .filter((r) => r.lock)
    .map((r) => `${r.tenantId} ${r.lock?.execution}`);
  count('stuckTenants', stuck.length);
  await world.send(sent.map((s) => s.event));
  for (const { operation, tenant } of sent) {
    const record = await world.runtime.tenant(tenant.tenantId);
    if (!OPERATION_TABLE[operation].reports) {
      // Nobody hears of an update: its sender (a rollout, an operator) sends it again while the
      // tenant is FAILED after it.
      if (record?.lifecycleStatus === 'FAILED' && record.lastError?.operation === operation)
        await world.send([lifecycleEvent(operation, tenant)]);
      // A kill between CommitRelease and RetireRevisions leaves the revision the tenant ran before,
      // named by nobody: drift that reconcile reports (the deployable runs it on a schedule) and its
      // repair removes. Nothing else may be found.
      const repaired = await world.runtime.reconcile({ repair: true, tenantId: tenant.tenantId });
      expect(repaired.drifts.map((drift) => `${drift.kind} ${drift.resource} ${drift.repair}`)).toEqual(
        repaired.drifts.map(() => 'orphan taskDefinition repaired'),
      );
      expect(repaired.drifts.length).toBeLessThanOrEqual(1);
      count('strayRevisions', repaired.drifts.length);
      continue;
    }
    if (answers(world, operation, tenant).at(-1) !== contract.outbound[operation].failure) continue;
    const retry =
      record?.lifecycleStatus === 'FAILED' && record.lastError?.operation === operation
        ? retryEvent(config, record, operation)
        : lifecycleEvent(operation, tenant);
    await world.send([retry]);
  }
  return { world, stuck };
};

const describeKills = (bases: Map<string, { snapshot: Snapshot; tenant: TestTenant }>): void => {
  describe.concurrent('kill -9 at random points', () => {
    it.each(killCases())('$label', async ({ operation, tier, interruption }) => {
      // Prepare
      const base = bases.get(`${operation}/${tier}`);
      if (!base) throw new Error(`no prepared state for ${operation} ${tier}`);
      count('scenarios');
      const stateDir = copyOf(base.snapshot);
      const event = lifecycleEvent(operation, base.tenant);

      // Act
      const end = await runInterrupted(['replay', eventFile(event), '--state-dir', stateDir], interruption);
      if (end.interrupted) count('kills');
      const sent = [{ event, operation, tenant: base.tenant }];
      const left = leftBehind(stateDir, base.snapshot, sent);
      const { world, stuck } = await restartAndSettle(stateDir, base.snapshot, sent);
      try {
        const report = await world.check({ mayRepeat: left.mayRepeat });
        const record = await world.runtime.tenant(base.tenant.tenantId);

        // Assess
        expect(end.code === 0 || end.signal === 'SIGKILL').toBe(true);
        // A run that was not killed leaves nothing to recover; a killed one, what the registry held.
        if (!end.interrupted) expect(left.unhandled).toEqual([]);
        expectRecovered(world, left.unhandled);
        expect(stuck).toEqual([]);
        expect(record?.lifecycleStatus).toBe(DONE[operation]);
        expect(report.fresh).toEqual([]);
      } finally {
        await world.close();
      }
    });
  });
};

/** What the child printed as results, one per event that finished (`→` lines). */
const finished = (end: ChildEnd): number =>
  end.stdout.split('\n').filter((line) => line.includes(' → ')).length;

const describeCtrlC = (): void => {
  describe('Ctrl-C', () => {
    it.each([
      { signal: 'SIGINT' as const, afterLines: 3 },
      { signal: 'SIGINT' as const, afterLines: 12 },
      { signal: 'SIGINT twice' as const, afterLines: 3 },
      { signal: 'SIGINT twice' as const, afterLines: 12 },
    ])('$signal after $afterLines step lines of a three-event replay', async (interruption) => {
      // Prepare
      count('scenarios');
      const fresh = await openWorld();
      const snapshot = await snapshotOf(fresh, []);
      const stateDir = copyOf(snapshot);
      const a = newTenant('advanced');
      const b = newTenant('premium');
      const events = [
        lifecycleEvent('onboard', a),
        lifecycleEvent('onboard', b),
        lifecycleEvent('offboard', a),
      ];

      // Act
      const end = await runInterrupted(['replay', eventFile(events), '--state-dir', stateDir], {
        ...interruption,
        delayMs: 0,
      });
      count('interrupts');
      // Which events started: those with a result, and (after a second Ctrl-C) the one it cut short.
      const results = finished(end);
      const plan = [
        { event: events[0], operation: 'onboard' as const, tenant: a },
        { event: events[1], operation: 'onboard' as const, tenant: b },
        { event: events[2], operation: 'offboard' as const, tenant: a },
      ];
      const cut = interruption.signal === 'SIGINT twice' ? 1 : 0;
      const started = plan.slice(0, Math.min(plan.length, results + cut));
      const left = leftBehind(stateDir, snapshot, started);
      const { world, stuck } = await restartAndSettle(stateDir, snapshot, started);
      try {
        const report = await world.check({ mayRepeat: left.mayRepeat });
        expectRecovered(world, left.unhandled);

        // Assess
        expect(end.interrupted).toBe(true);
        expect(end.code).toBe(130);
        if (interruption.signal === 'SIGINT') {
          // The running event finished and printed; none started after it.
          expect(results).toBeGreaterThanOrEqual(1);
          expect(results).toBeLessThan(events.length);
          expect(end.stderr).toContain(`interrupted after ${results} of ${events.length} events`);
        } else {
          expect(end.stderr).toContain('interrupted again: exiting now');
        }
        expect(stuck).toEqual([]);
        expect(report.fresh).toEqual([]);
      } finally {
        await world.close();
      }
    });
  });
};

const ROLLOUT_RELEASE = { version: '5.0.0', image: 'public.ecr.aws/example/tenant-app:5.0.0' };

/** Kill points of a rollout over four tenants (a canary, then three): after 0–3 tenant lines, plus a delay. */
const rolloutKillCases = (): Array<{ label: string; interruption: Interruption }> => {
  const random = seeded(SEED + 1);
  return Array.from({ length: 8 }, (_, n) => {
    const afterLines = Math.floor(n / 2);
    const delayMs = Math.floor(random() * 150);
    return {
      label: `rollout #${n + 1}: kill after ${afterLines} tenant lines + ${delayMs} ms`,
      interruption: { signal: 'SIGKILL' as const, afterLines, delayMs },
    };
  });
};

/**
 * `tenantflow update --tier` killed while its rollout runs: the next process's recovery hands the dead
 * rollout (its summary, halted) and its dead updates (each tenant FAILED on one release, or as it
 * was) to the watcher; nothing stays locked; running the rollout again finishes it, every tenant on
 * the release with one revision (a revision a kill left unretired is reconcile's to remove).
 */
const describeRolloutKills = (): void => {
  describe.concurrent('kill -9 during a rollout', () => {
    let base: { snapshot: Snapshot; tenants: TestTenant[] };
    beforeAll(async () => {
      const tenants = Array.from({ length: 4 }, () => newTenant('advanced'));
      const world = await openWorld();
      const setup = await world.send(tenants.map((tenant) => lifecycleEvent('onboard', tenant)));
      if (setup.some((r) => r.outcome !== 'succeeded')) throw new Error('rollout setup failed');
      base = { snapshot: await snapshotOf(world, world.requests), tenants };
    }, 60_000);

    it.each(rolloutKillCases())('$label', async ({ interruption }) => {
      // Prepare
      count('scenarios');
      const stateDir = copyOf(base.snapshot);
      const args = ['update', '--tier', 'advanced', '--image', ROLLOUT_RELEASE.image];
      const rest = ['--version', ROLLOUT_RELEASE.version, '--wave', '1,100%', '--state-dir', stateDir];

      // Act
      const end = await runInterrupted([...args, ...rest], interruption);
      if (end.interrupted) count('kills');
      const world = await openExisting(stateDir, [], base.snapshot.requests);
      try {
        const stuck = (await world.runtime.tenants()).filter((r) => r.lock).map((r) => r.tenantId);
        count('stuckTenants', stuck.length);
        const killedSummaries = world.runtime
          .publishedEvents()
          .filter((event) => event.detailType === 'tenantflow_rolloutSummary')
          .map((event) => event.detail as { status: string; reason?: string });
        const again = await world.runtime.rollout({
          tier: 'advanced',
          release: ROLLOUT_RELEASE,
          waves: '1,100%',
          bakeSeconds: 0,
          concurrency: 4,
        });
        const repaired = await world.runtime.reconcile({ repair: true });
        count('strayRevisions', repaired.drifts.length);

        // Assess
        expect(end.code === 0 || end.signal === 'SIGKILL').toBe(true);
        expect(stuck).toEqual([]);
        // One summary for the killed rollout: its own, or the watcher's. Killed inside its own publish
        // (sent, not yet marked in the ledger), both go out: the watcher's second, halted, saying the
        // execution was aborted: the known gap of "One status event" in the README, counted as such.
        expect([1, 2]).toContain(killedSummaries.length);
        if (killedSummaries.length === 2) {
          count('resent');
          expect(killedSummaries[1]).toMatchObject({ status: 'halted' });
          expect(killedSummaries[1]?.reason).toMatch(/^the rollout execution aborted/);
        }
        expect(again.report.status).toBe('completed');
        expect(repaired.drifts.map((drift) => `${drift.kind} ${drift.resource} ${drift.repair}`)).toEqual(
          repaired.drifts.map(() => 'orphan taskDefinition repaired'),
        );
        for (const tenant of base.tenants) {
          const record = await world.runtime.tenant(tenant.tenantId);
          expect(`${record?.lifecycleStatus} ${record?.release?.version}`).toBe('ACTIVE 5.0.0');
          const revisions = world.runtime
            .inventory()
            .filter((item) => item.type === 'task-definition' && item.tenantId === tenant.tenantId);
          expect(revisions.map((item) => item.arn)).toEqual([record?.resources.taskDefinition?.arn]);
        }
      } finally {
        await world.close();
      }
    });
  });
};

export const describeInterruptions = (): void => {
  describe('interruptions', () => {
    const bases = new Map<string, { snapshot: Snapshot; tenant: TestTenant }>();
    beforeAll(async () => {
      for (const operation of OPERATIONS)
        for (const tier of TIERS) bases.set(`${operation}/${tier}`, await prepare(operation, tier));
    }, 120_000);
    afterAll(async () => {
      for (const dir of eventFiles.splice(0)) rmSync(dir, { recursive: true, force: true });
      await removeCliScript();
    });
    describeKills(bases);
    describeRolloutKills();
    describeCtrlC();
  });
};
