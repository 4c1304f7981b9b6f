/**
 * Tier migration on the embedded default (issue 11), for every pair of reference tiers:
 * - a clean migration, with the tenant's routing looked at as every step ends: its requests always
 *   reach a group with healthy targets (never the listener's 404, never an empty or unhealthy group),
 *   and a pooled neighbour's routing never moves; the tenant ends on the target placement (next
 *   generation), SBT hears `provisionSuccess` with the tier and the new `tenantConfig`, and the
 *   tenant can be migrated back and offboarded with nothing left;
 * - a fatal fault at each step the clean run took up to the commit: the tenant ends where it was,
 *   record and resources untouched, nothing of the target left, served throughout, and SBT hears
 *   one `provisionFailure`.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StepName } from '../../src/domain/saga.ts';
import type { TenantRecord } from '../../src/domain/tenant-record.ts';
import type { Route } from '../../src/local/sim/routing.ts';
import { testConfig } from '../support/fake-ports.ts';
import { count } from '../support/reliability/counters.ts';
import {
  lifecycleEvent,
  newTenant,
  openFrom,
  openWorld,
  type ReferenceTier,
  type Snapshot,
  snapshotOf,
  type TestTenant,
  type World,
} from '../support/reliability/world.ts';

const contract = testConfig().contract;
const TIERS: readonly ReferenceTier[] = ['basic', 'advanced', 'premium'];
const PAIRS = TIERS.flatMap((from) => TIERS.filter((to) => to !== from).map((to) => ({ from, to })));

/** What the tenant's requests would meet as `step` ended, when that is not a healthy group. */
const badRoute = (route: Route): string | undefined => {
  if (route.fixedResponse) return `a fixed response ${route.fixedResponse}`;
  if (route.targetGroups.length === 0) return 'no target group';
  const unhealthy = route.targetGroups.filter((group) => group.healthy === 0);
  return unhealthy.length ? `an unhealthy group ${unhealthy.map((g) => g.arn).join(', ')}` : undefined;
};

const routeKey = (route: Route): string =>
  JSON.stringify({ rule: route.rule, groups: route.targetGroups.map((g) => g.arn) });

/**
 * Watches `tenant`'s routing (and a neighbour's) as every step of its migrations ends; returns the
 * problems seen and the steps watched.
 */
const watchRouting = (world: World, tenant: TestTenant, neighbour: TestTenant) => {
  const problems: string[] = [];
  const steps: string[] = [];
  const neighbourRoute = routeKey(world.runtime.route(neighbour.tenantId));
  world.onStep((event) => {
    if (!event.execution.startsWith('migrate-')) return;
    steps.push(event.step);
    const bad = badRoute(world.runtime.route(tenant.tenantId));
    if (bad) problems.push(`after ${event.step}: the tenant's requests reach ${bad}`);
    if (routeKey(world.runtime.route(neighbour.tenantId)) !== neighbourRoute)
      problems.push(`after ${event.step}: the neighbour's routing moved`);
  });
  return { problems, steps };
};

const inventoryOf = (world: World, tenantId: string): string[] =>
  world.runtime
    .inventory()
    .filter((item) => item.tenantId === tenantId)
    .map((item) => `${item.type} ${item.arn}`)
    .sort();

/** The parts of a record a failed migration must leave exactly as they were. */
const placed = (record: TenantRecord | undefined) => ({
  status: record?.lifecycleStatus,
  active: record?.active,
  placement: record?.placement,
  resources: record?.resources,
  routing: record?.routing,
  migration: record?.migration,
  locked: record?.lock !== undefined,
});

interface Prepared {
  snapshot: Snapshot;
  tenant: TestTenant;
  neighbour: TestTenant;
  before: ReturnType<typeof placed>;
  inventory: string[];
  route: string;
  /** The Task states a clean migration of this pair runs, up to and including its commit. */
  beforeCommit: StepName[];
}

const migrationEvent = (tenant: TestTenant) => lifecycleEvent('migrate', tenant, randomUUID());

/** A world with the tenant (tier `from`, migrating to `to`) and a pooled neighbour, both ACTIVE. */
const prepare = async (from: ReferenceTier, to: ReferenceTier): Promise<Prepared> => {
  const tenant = { ...newTenant(from), target: to };
  const neighbour = newTenant('basic');
  const world = await openWorld();
  const results = await world.send([lifecycleEvent('onboard', tenant), lifecycleEvent('onboard', neighbour)]);
  if (results.some((r) => r.outcome !== 'succeeded'))
    throw new Error(`setup failed: ${JSON.stringify(results)}`);
  const before = placed(await world.runtime.tenant(tenant.tenantId));
  const inventory = inventoryOf(world, tenant.tenantId);
  const route = routeKey(world.runtime.route(tenant.tenantId));
  const snapshot = await snapshotOf(world, world.requests);
  // A clean run on a copy tells which steps this pair takes before its commit.
  const probe = await openFrom(snapshot);
  try {
    const [result] = await probe.send([migrationEvent(tenant)]);
    if (result?.outcome !== 'succeeded') throw new Error(`probe migration failed: ${JSON.stringify(result)}`);
    const steps = [
      ...new Set(probe.progress.filter((p) => p.execution.startsWith('migrate-')).map((p) => p.step)),
    ];
    const commit = steps.indexOf('CommitMigration');
    if (commit < 0) throw new Error(`no CommitMigration in ${steps.join(', ')}`);
    return {
      snapshot,
      tenant,
      neighbour,
      before,
      inventory,
      route,
      beforeCommit: steps.slice(0, commit + 1) as StepName[],
    };
  } finally {
    await probe.close();
  }
};

export const describeMigrations = (): void => {
  describe.each(PAIRS)('migration $from → $to', ({ from, to }) => {
    let prepared: Prepared | undefined;
    beforeAll(async () => {
      prepared = await prepare(from, to);
    }, 60_000);
    afterAll(() => {
      prepared = undefined;
    });

    it('keeps the tenant served at every step, lands on the target, reports it, and can go back and leave', async () => {
      // Prepare
      count('scenarios');
      if (!prepared) throw new Error('not prepared');
      const { tenant, neighbour } = prepared;
      const world = await openFrom(prepared.snapshot);
      try {
        const watched = watchRouting(world, tenant, neighbour);

        // Act
        const [result] = await world.send([migrationEvent(tenant)]);
        const after = await world.runtime.tenant(tenant.tenantId);
        const routeAfter = world.runtime.route(tenant.tenantId);
        const inventoryAfter = inventoryOf(world, tenant.tenantId);
        const [back] = await world.send([migrationEvent({ ...tenant, target: from })]);
        const home = await world.runtime.tenant(tenant.tenantId);
        const [left] = await world.send([lifecycleEvent('offboard', tenant)]);
        const report = await world.check();

        // Assess
        expect(watched.problems).toEqual([]);
        expect(watched.steps).toContain('SwitchRouting');
        expect({ outcome: result?.outcome, sent: result?.statusEvent?.['detail-type'] }).toEqual({
          outcome: 'succeeded',
          sent: contract.outbound.migrate.success,
        });
        const detail = result?.statusEvent?.detail as {
          jobOutput?: { tenantData?: Record<string, unknown> };
        };
        const tenantData = detail?.jobOutput?.tenantData;
        expect(tenantData?.tier).toBe(to);
        expect(Object.values(tenantData ?? {}).every((value) => typeof value === 'string')).toBe(true);
        expect(JSON.parse(String(tenantData?.tenantConfig))).toMatchObject({
          tier: to,
          routing: { mode: to === 'basic' ? 'pooled' : 'silo', headerValue: tenant.tenantId },
        });
        expect(after).toMatchObject({
          lifecycleStatus: 'ACTIVE',
          active: true,
          placement: { tier: to, generation: 1 },
        });
        expect(after?.migration).toBeUndefined();
        expect(after?.lock).toBeUndefined();
        // Requests go where the record says.
        expect(routeAfter.targetGroups.map((g) => g.arn)).toEqual([after?.routing?.targetGroupArn]);
        expect(inventoryAfter.length).toBe(to === 'basic' ? 0 : to === 'advanced' ? 4 : 5);
        expect(inventoryAfter.filter((item) => prepared?.inventory.includes(item))).toEqual(
          // An advanced tenant's rule stays its rule (forwarded to the new group); nothing else is reused.
          prepared.inventory.filter((item) => item.startsWith('listener-rule') && to !== 'basic'),
        );
        expect(back?.outcome).toBe('succeeded');
        expect(home).toMatchObject({ lifecycleStatus: 'ACTIVE', placement: { tier: from, generation: 2 } });
        expect(left?.outcome).toBe('succeeded');
        expect(inventoryOf(world, tenant.tenantId)).toEqual([]);
        expect(report.fresh).toEqual([]);
      } finally {
        await world.close();
      }
    });

    it('goes back to the original placement, untouched, after a fatal fault at any step before the commit', async () => {
      if (!prepared) throw new Error('not prepared');
      const { tenant, neighbour, beforeCommit } = prepared;
      const failures: string[] = [];
      for (const step of beforeCommit) {
        // Prepare
        count('scenarios');
        const world = await openFrom(prepared.snapshot, [{ step, kind: 'fatal', count: 1 }]);
        try {
          const watched = watchRouting(world, tenant, neighbour);

          // Act
          const [result] = await world.send([migrationEvent(tenant)]);
          const record = await world.runtime.tenant(tenant.tenantId);
          const report = await world.check();

          // Assess (collected, so one run names every step that misbehaves)
          count('faults', world.progress.filter((p) => p.step === step && p.error === 'FatalError').length);
          const seen = {
            ran: world.progress.some((p) => p.step === step),
            outcome: result?.outcome,
            sent: result?.statusEvent?.['detail-type'],
            record: placed(record),
            inventory: inventoryOf(world, tenant.tenantId),
            route: routeKey(world.runtime.route(tenant.tenantId)),
            routing: watched.problems,
            findings: report.fresh,
          };
          const wanted = {
            ran: true,
            outcome: 'failed',
            sent: contract.outbound.migrate.failure,
            record: prepared.before,
            inventory: prepared.inventory,
            route: prepared.route,
            routing: [],
            findings: [],
          };
          if (JSON.stringify(seen) !== JSON.stringify(wanted))
            failures.push(`${step}: ${JSON.stringify(seen, null, 1)}`);
        } finally {
          await world.close();
        }
      }
      expect(beforeCommit.length).toBeGreaterThan(3);
      expect(failures).toEqual([]);
    }, 120_000);
  });
};
