/**
 * Fleet rollouts on the embedded default (issue 10, first part): a release to every tenant of a tier
 * in waves, each tenant through its own update saga on the simulated ECS (deployments, and a circuit
 * breaker that rolls back images tagged `…broken…`). Checked: who is on which release and revision
 * afterwards, which services were touched, and what the report says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLLOUT_SUMMARY, type RolloutEvent, rolloutEvents } from '../../src/app/rollout.ts';
import type { Release } from '../../src/domain/release.ts';
import { planRollout, type RolloutRequest } from '../../src/domain/rollout.ts';
import type { RolloutState } from '../../src/domain/rollout-state.ts';
import {
  lifecycleEvent,
  newTenant,
  openWorld,
  removeWorldDirs,
  type TestTenant,
  type World,
} from '../support/reliability/world.ts';

const V2: Release = { version: '2.0.0', image: 'public.ecr.aws/example/tenant-app:2.0.0' };
const BROKEN: Release = { version: '2.1.0', image: 'public.ecr.aws/example/tenant-app:2.1.0-broken' };
const V3: Release = { version: '3.0.0', image: 'public.ecr.aws/example/tenant-app:3.0.0' };

const SOURCE = 'sbt.application.plane';

/** The rollout summary events the (simulated) bus received, newest last. */
const summaries = (world: World) =>
  world.runtime
    .publishedEvents()
    .filter((event) => event.detailType === ROLLOUT_SUMMARY)
    .map((event) => ({ source: event.source, ...(event.detail as Record<string, unknown>) }));

const request = (tier: string, release: Release, waves = '1,10%,50%,100%'): RolloutRequest => ({
  tier,
  release,
  waves,
  // Two polls of the machine's bake (each a shortened Wait locally).
  bakeSeconds: 40,
  concurrency: 4,
});

/**
 * Runs a rollout (the rollout machine) to its end; its progress events, read off each state its steps
 * returned; `onState` sees each state as well (before the rollout goes on).
 */
const run = async (
  world: World,
  tier: string,
  release: Release,
  spec = '1,10%,50%,100%',
  onState?: (state: RolloutState) => Promise<void>,
) => {
  const events: RolloutEvent[] = [];
  let previous: RolloutState | undefined;
  const result = await world.runtime.rollout(request(tier, release, spec), {
    onState: async (state) => {
      events.push(...rolloutEvents(previous, state));
      previous = state;
      await onState?.(state);
    },
  });
  return { report: result.report, status: result.status, events };
};

/** Each tenant's release version and the revision number its record names. */
const onRelease = async (world: World, tenants: readonly TestTenant[]) =>
  Promise.all(
    tenants.map(async (tenant) => {
      const record = await world.runtime.tenant(tenant.tenantId);
      return `${record?.lifecycleStatus} ${record?.release?.version ?? 'initial'} :${record?.resources.taskDefinition?.arn.split(':').at(-1)}`;
    }),
  );

/** The services UpdateService was called on since call `from`. */
const updatedServices = (world: World, from: number): string[] => [
  ...new Set(
    world.runtime
      .calls()
      .slice(from)
      .filter((call) => call.command === 'UpdateService')
      .map((call) => String((call.input as { service: string }).service)),
  ),
];

const serviceOf = async (world: World, tenant: TestTenant): Promise<string> =>
  String((await world.runtime.tenant(tenant.tenantId))?.resources.service?.name);

const sorted = (tenants: TestTenant[]): TestTenant[] =>
  [...tenants].sort((a, b) => a.tenantId.localeCompare(b.tenantId));

describe('fleet rollout', () => {
  let world: World;
  const advanced = sorted(Array.from({ length: 5 }, () => newTenant('advanced')));
  const premium = sorted([newTenant('premium'), newTenant('premium')]);
  const basic = newTenant('basic');

  beforeAll(async () => {
    world = await openWorld();
    const setup = await world.send(
      [...advanced, ...premium, basic].map((tenant) => lifecycleEvent('onboard', tenant)),
    );
    expect(setup.map((r) => r.outcome)).toEqual(setup.map(() => 'succeeded'));
  }, 60_000);

  afterAll(async () => {
    await world?.close();
    removeWorldDirs();
  });

  it('plans a dry run without touching anything', async () => {
    const before = world.runtime.calls().length;

    const report = planRollout(await world.runtime.tenants(), request('advanced', V2));

    expect(report.status).toBe('planned');
    expect(summaries(world)).toEqual([]);
    expect(report.waves.map((wave) => wave.tenants)).toEqual([
      [advanced[0]?.tenantId],
      [advanced[1]?.tenantId, advanced[2]?.tenantId],
      [advanced[3]?.tenantId, advanced[4]?.tenantId],
    ]);
    expect(
      world.runtime
        .calls()
        .slice(before)
        .filter((call) => !/^(Describe|List|Get)/.test(call.command)),
    ).toEqual([]);
  });

  it('stops a failing release at the canary: the canary is back on its release, nobody else touched', async () => {
    const before = world.runtime.calls().length;

    const { report, events, status } = await run(world, 'advanced', BROKEN);

    expect(status).toBe('FAILED');
    expect(report.status).toBe('halted');
    expect(report.reason).toContain('wave 1 of 3: 1 of 1 tenants failed');
    expect(report.reason).toContain('rolled back by the circuit breaker');
    expect(events.filter((event) => event.kind === 'wave')).toHaveLength(1);
    expect(updatedServices(world, before)).toEqual([await serviceOf(world, advanced[0] as TestTenant)]);
    expect(await onRelease(world, advanced)).toEqual(advanced.map(() => 'ACTIVE initial :1'));
    expect(summaries(world).at(-1)).toMatchObject({
      source: SOURCE,
      tier: 'advanced',
      release: BROKEN.version,
      status: 'halted',
      waves: 3,
      wavesRun: 1,
      updated: 0,
      failedTenants: [advanced[0]?.tenantId],
    });
  });

  it('rolls a release out in waves: every tenant on it, its new revision recorded, the old one gone', async () => {
    const { report, events, status } = await run(world, 'advanced', V2);

    expect(status).toBe('SUCCEEDED');
    expect({ status: report.status, updated: report.updated, rolledBack: report.rolledBack }).toEqual({
      status: 'completed',
      updated: 5,
      rolledBack: 0,
    });
    expect(
      events
        .filter((event) => event.kind === 'wave')
        .map((event) => 'tenants' in event && event.tenants.length),
    ).toEqual([1, 2, 2]);
    expect(events.filter((event) => event.kind === 'bake')).toHaveLength(2);
    // Each look of a 40 s bake, at 0 s and 20 s of the machine's 20 s polls (no alarm to show).
    expect(events.filter((event) => event.kind === 'bake-poll')).toEqual(
      [1, 2].flatMap((wave) => [0, 20].map((elapsed) => ({ kind: 'bake-poll', wave, elapsed, seconds: 40 }))),
    );
    expect(summaries(world).at(-1)).toMatchObject({
      status: 'completed',
      updated: 5,
      rolledBack: 0,
      failedTenants: [],
    });
    // The canary's revision 2 was the broken release's, deleted after its rollback: its new one is 3.
    expect(await onRelease(world, advanced)).toEqual(
      advanced.map((_, i) => `ACTIVE 2.0.0 :${i === 0 ? 3 : 2}`),
    );
    // One revision per tenant is left: the one its record names.
    for (const tenant of advanced) {
      const record = await world.runtime.tenant(tenant.tenantId);
      const revisions = world.runtime
        .inventory()
        .filter((item) => item.type === 'task-definition' && item.tenantId === tenant.tenantId);
      expect(revisions.map((item) => `${item.arn} ${item.status}`)).toEqual([
        `${record?.resources.taskDefinition?.arn} ACTIVE`,
      ]);
    }
    for (const tenant of advanced)
      expect(world.runtime.route(tenant.tenantId).targetGroups.every((group) => group.healthy > 0)).toBe(
        true,
      );
  });

  it('rolls back only the wave that fails its gate; running it again resumes and finishes', async () => {
    // The fourth tenant's update fails at its deployment (a fault in its executions alone): wave 3.
    const failing = advanced[3] as TestTenant;
    world = await world.reopen([
      { step: 'WaitForDeployment', kind: 'fatal', count: 1, execution: failing.tenantId },
    ]);
    const before = world.runtime.calls().length;

    const { report } = await run(world, 'advanced', V3);

    expect(report.status).toBe('halted');
    expect(report.reason).toContain(`wave 3 of 3: 1 of 2 tenants failed (${failing.tenantId}:`);
    expect(report.waves[2]?.rolledBack).toEqual([advanced[4]?.tenantId]);
    expect(summaries(world).at(-1)).toMatchObject({
      status: 'halted',
      updated: 3,
      rolledBack: 1,
      failedTenants: [failing.tenantId],
      rolledBackTenants: [advanced[4]?.tenantId],
    });
    expect(await onRelease(world, advanced)).toEqual([
      'ACTIVE 3.0.0 :4',
      'ACTIVE 3.0.0 :3',
      'ACTIVE 3.0.0 :3',
      // Its own saga put it back on revision 2; the wave's other tenant took 3.0.0 (revision 3) and
      // went back to 2.0.0 by an update of its own (revision 4).
      'ACTIVE 2.0.0 :2',
      'ACTIVE 2.0.0 :4',
    ]);
    expect(updatedServices(world, before).sort()).toEqual(
      (await Promise.all(advanced.map((t) => serviceOf(world, t)))).sort(),
    );

    const again = await run(world, 'advanced', V3);

    expect({
      status: again.report.status,
      alreadyOn: again.report.alreadyOn.length,
      updated: again.report.updated,
    }).toEqual({
      status: 'completed',
      alreadyOn: 3,
      updated: 2,
    });
    expect((await onRelease(world, advanced)).map((line) => line.split(' :')[0])).toEqual(
      advanced.map(() => 'ACTIVE 3.0.0'),
    );
  });

  it('passes over a tenant another operation holds and tries it again at the end', async () => {
    const held = premium[0] as TestTenant;
    // Another execution holds the canary when its turn comes (as while its deactivation runs) …
    const tenants = world.runtime.tenantMap();
    const other = 'deactivation-elsewhere';
    const at = new Date().toISOString();
    const taken = await tenants.acquire({
      tenantId: held.tenantId,
      operation: 'deactivate',
      execution: other,
      status: 'DEACTIVATING',
      allowedFrom: ['ACTIVE'],
      at,
      tenantName: `tenant ${held.tenantId.slice(0, 8)}`,
    });
    let released = false;
    // … and lets go once the rollout has passed it over.
    const letGo = async (state: RolloutState) => {
      const skipped = state.progress.tenants.some(
        (t) => t.tenantId === held.tenantId && t.state === 'skipped',
      );
      if (!skipped || released) return;
      released = true;
      await tenants.release({
        tenantId: held.tenantId,
        execution: other,
        status: 'ACTIVE',
        active: true,
        resources: taken.resources,
        history: [],
        at,
      });
    };

    const { report, events } = await run(world, 'premium', V2, '1,100%', letGo);

    expect(report.status).toBe('completed');
    expect(report.waves[0]?.skipped).toEqual([held.tenantId]);
    expect(events.some((event) => event.kind === 'retry-skipped')).toBe(true);
    expect(report.updated).toBe(2);
    expect(await onRelease(world, premium)).toEqual(premium.map(() => 'ACTIVE 2.0.0 :2'));
  });

  it('rolls the canary back when the alarm goes into ALARM during the bake, nobody else touched', async () => {
    // Prepare
    world.runtime.setAlarm('advanced-5xx', 'OK');
    const V4: Release = { version: '4.0.0', image: 'public.ecr.aws/example/tenant-app:4.0.0' };
    const before = await onRelease(world, advanced);
    const calls = world.runtime.calls().length;
    let raised = false;
    const raise = async (state: RolloutState) => {
      if (state.progress.phase !== 'baking' || raised) return;
      raised = true;
      world.runtime.setAlarm('advanced-5xx', 'ALARM');
    };

    // Act
    const events: RolloutEvent[] = [];
    let previous: RolloutState | undefined;
    const run = await world.runtime.rollout(
      { ...request('advanced', V4, '1,100%'), alarm: 'advanced-5xx' },
      {
        onState: async (state) => {
          events.push(...rolloutEvents(previous, state));
          previous = state;
          await raise(state);
        },
      },
    );

    // Assess: the canary took 4.0.0 and went back to 3.0.0 by an update of its own; the rest never moved.
    expect({ status: run.status, report: run.report.status, rolledBack: run.report.rolledBack }).toEqual({
      status: 'FAILED',
      report: 'halted',
      rolledBack: 1,
    });
    expect(run.report.reason).toBe(
      'wave 1 of 2: alarm advanced-5xx went into ALARM after it; the wave was rolled back',
    );
    expect(events.filter((event) => event.kind === 'rollback')).toEqual([
      { kind: 'rollback', wave: 1, tenantId: advanced[0]?.tenantId, outcome: 'rolled back' },
    ]);
    // The bake's first look saw the alarm OK (it was raised after), the next one rolled the wave back.
    expect(events.filter((event) => event.kind === 'bake-poll')).toEqual([
      {
        kind: 'bake-poll',
        wave: 1,
        elapsed: 0,
        seconds: 40,
        alarm: { name: 'advanced-5xx', state: 'OK' },
      },
    ]);
    expect((await onRelease(world, advanced)).map((line) => line.split(' :')[0])).toEqual(
      before.map((line) => line.split(' :')[0]),
    );
    expect(updatedServices(world, calls)).toEqual([await serviceOf(world, advanced[0] as TestTenant)]);
    expect(summaries(world).at(-1)).toMatchObject({
      status: 'halted',
      rolledBack: 1,
      rolledBackTenants: [advanced[0]?.tenantId],
    });
  });

  describe('a pooled tier', () => {
    /** The pooled service's revision (family:revision), its image, and the family's revisions still ACTIVE. */
    const pool = () => {
      const items = world.runtime.inventory();
      const service = items.find((item) => item.type === 'service' && item.id.endsWith('-pooled'));
      const family = items.filter(
        (item) => item.type === 'task-definition' && item.id.includes('-pooled:') && item.status === 'ACTIVE',
      );
      return { service, active: family.map((item) => item.id).sort() };
    };
    /** The image of the last revision registered for the pooled family, and the revision it got. */
    const lastPoolImage = (from: number) =>
      world.runtime
        .calls()
        .slice(from)
        .filter((call) => call.command === 'RegisterTaskDefinition')
        .map((call) => call.input as { family: string; containerDefinitions: Array<{ image: string }> })
        .filter((input) => input.family.endsWith('-pooled'))
        .map((input) => input.containerDefinitions[0]?.image);

    /**
     * The pool's outcomes as the progress lines show them, without the in-between ones (whether a
     * look right after UpdateService still sees the deployment going depends on the simulated timing).
     */
    const poolOutcomes = (events: RolloutEvent[]) =>
      events.flatMap((event) =>
        event.kind === 'pool' && event.outcome !== 'deploying' && event.outcome !== 'rolling back'
          ? [event.outcome]
          : [],
      );

    it('takes the release in its pooled service, one wave for every tenant in it', async () => {
      const calls = world.runtime.calls().length;
      const stackRevision = pool().active;

      const { report, status, events } = await run(world, 'basic', V2);

      expect(status).toBe('SUCCEEDED');
      expect(report).toMatchObject({ status: 'completed', pooled: true, updated: 1, rolledBack: 0 });
      expect(report.waves.map((wave) => wave.tenants)).toEqual([[basic.tenantId]]);
      expect(lastPoolImage(calls)).toEqual([V2.image]);
      // Only the pooled service was deployed; the stack's own revision stays (CloudFormation's).
      expect(updatedServices(world, calls)).toEqual([pool().service?.id.split('/')[1]]);
      expect(pool().active).toHaveLength(2);
      expect(pool().active).toEqual(expect.arrayContaining(stackRevision));
      expect(poolOutcomes(events)).toEqual(['updated']);
      expect(summaries(world).at(-1)).toMatchObject({
        tier: 'basic',
        pooled: true,
        status: 'completed',
        updated: 1,
      });
      // The tenant is served throughout and after.
      expect(world.runtime.route(basic.tenantId).targetGroups.map((group) => group.healthy > 0)).toEqual([
        true,
      ]);
    });

    it('goes back to the revision it ran when the release fails, and removes the failed one', async () => {
      const before = pool().active;
      const calls = world.runtime.calls().length;

      const { report, events } = await run(world, 'basic', BROKEN);

      expect(report.status).toBe('halted');
      expect(report.reason).toMatch(
        /^wave 1 of 1: deployment of \S+-pooled rolled back by the circuit breaker/,
      );
      expect(report).toMatchObject({ updated: 0, rolledBack: 1 });
      expect(poolOutcomes(events)).toEqual(['failed', 'rolled back']);
      expect(lastPoolImage(calls)).toEqual([BROKEN.image]);
      expect(pool().active).toEqual(before);
      expect(world.runtime.route(basic.tenantId).targetGroups.map((group) => group.healthy > 0)).toEqual([
        true,
      ]);
    });

    it('retires the release it replaces when that was a rollout’s, keeping the stack’s', async () => {
      const before = pool().active;
      const calls = world.runtime.calls().length;

      const { report } = await run(world, 'basic', V3);

      expect(report).toMatchObject({ status: 'completed', updated: 1 });
      expect(lastPoolImage(calls)).toEqual([V3.image]);
      const after = pool().active;
      expect(after).toHaveLength(2);
      // V2's revision went, the stack's stayed, V3's came.
      expect(after.filter((id) => before.includes(id))).toHaveLength(1);
    });
  });
});
