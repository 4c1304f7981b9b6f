/**
 * Reconciliation on the embedded default (issue 11): each kind of drift injected into the simulated
 * cloud behind tenantflow's back (a service deleted, an orphan tagged target group, a service scaled
 * by hand, a service moved to another revision) is found, `repair` fixes each, and a second run
 * finds nothing; a resource without tenantflow's tags is never touched.
 */
import {
  DeleteServiceCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import {
  CreateTargetGroupCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANAGED_BY, TAG_KEYS } from '../../src/domain/naming.ts';
import {
  cloudAt,
  LOCAL_CLIENT,
  lifecycleEvent,
  newTenant,
  openWorld,
  removeWorldDirs,
  type World,
} from '../support/reliability/world.ts';

describe('reconcile', () => {
  let world: World;
  const deleted = newTenant('advanced');
  const scaled = newTenant('premium');
  const redeployed = newTenant('advanced');
  const pooled = newTenant('basic');
  const ghost = 'ghost-tenant';
  let orphanArn = '';
  let untaggedArn = '';

  beforeAll(async () => {
    world = await openWorld();
    const results = await world.send(
      [deleted, scaled, redeployed, pooled].map((t) => lifecycleEvent('onboard', t)),
    );
    if (results.some((r) => r.outcome !== 'succeeded')) throw new Error(JSON.stringify(results));
    const records = Object.fromEntries(
      await Promise.all(
        [deleted, scaled, redeployed].map(
          async (t) => [t.tenantId, await world.runtime.tenant(t.tenantId)] as const,
        ),
      ),
    );
    world = await world.reopen([], async (stateDir) => {
      // Timed like the embedded default's fast mode: a deleted service is gone at once.
      const sim = cloudAt(stateDir);
      const ecs = sim.attach(new ECSClient(LOCAL_CLIENT));
      const elb = sim.attach(new ElasticLoadBalancingV2Client(LOCAL_CLIENT));
      const service = (id: string) => {
        const recorded = records[id]?.resources.service;
        if (!recorded) throw new Error(`no service recorded for ${id}`);
        return recorded;
      };
      // 1. A service deleted by hand.
      const gone = service(deleted.tenantId);
      await ecs.send(new DeleteServiceCommand({ cluster: gone.cluster, service: gone.name, force: true }));
      // 2. A service scaled by hand.
      const big = service(scaled.tenantId);
      await ecs.send(new UpdateServiceCommand({ cluster: big.cluster, service: big.name, desiredCount: 7 }));
      // 3. A service moved to another revision of its family.
      const moved = service(redeployed.tenantId);
      const current = records[redeployed.tenantId]?.resources.taskDefinition?.arn;
      const described = await ecs.send(
        new DescribeTaskDefinitionCommand({ taskDefinition: current, include: ['TAGS'] }),
      );
      const definition = described.taskDefinition;
      const other = await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: definition?.family,
          containerDefinitions: definition?.containerDefinitions,
          cpu: definition?.cpu,
          memory: definition?.memory,
          networkMode: definition?.networkMode,
          requiresCompatibilities: definition?.requiresCompatibilities,
          executionRoleArn: definition?.executionRoleArn,
          tags: described.tags,
        }),
      );
      await ecs.send(
        new UpdateServiceCommand({
          cluster: moved.cluster,
          service: moved.name,
          taskDefinition: other.taskDefinition?.taskDefinitionArn,
        }),
      );
      // 4. A target group with tenantflow's tags that no record names, and one without them.
      const vpc = (await elb.send(new DescribeTargetGroupsCommand({}))).TargetGroups?.[0]?.VpcId;
      const make = async (name: string, tags: Array<{ Key: string; Value: string }>) =>
        (
          await elb.send(
            new CreateTargetGroupCommand({
              Name: name,
              Protocol: 'HTTP',
              Port: 80,
              VpcId: vpc,
              TargetType: 'ip',
              Tags: tags,
            }),
          )
        ).TargetGroups?.[0]?.TargetGroupArn ?? '';
      orphanArn = await make('tf-ghost-orphan', [
        { Key: TAG_KEYS.managedBy, Value: MANAGED_BY },
        { Key: TAG_KEYS.tenantId, Value: ghost },
        { Key: TAG_KEYS.tier, Value: 'advanced' },
      ]);
      untaggedArn = await make('someone-elses', [{ Key: 'team', Value: 'payments' }]);
      sim.save();
    });
  }, 60_000);

  afterAll(async () => {
    await world?.close();
    removeWorldDirs();
  });

  it('finds each injected drift, repairs each, and finds nothing the second time', async () => {
    // Act
    const report = await world.runtime.reconcile({ repair: false });
    const lines: string[] = [];
    const repair = await world.runtime.reconcile({ repair: true, onStep: (line) => lines.push(line) });
    const again = await world.runtime.reconcile({ repair: false });
    const invariants = await world.check({ foreign: new Set([untaggedArn]) });

    // Assess
    const seen = report.drifts.map((d) => `${d.kind} ${d.resource} ${d.tenantId}`).sort();
    expect(seen).toEqual(
      [
        `missing service ${deleted.tenantId}`,
        `desired-count service ${scaled.tenantId}`,
        `revision service ${redeployed.tenantId}`,
        // The revision registered by hand is tagged (copied tags) and named by no record.
        `orphan taskDefinition ${redeployed.tenantId}`,
        `orphan targetGroup ${ghost}`,
      ].sort(),
    );
    expect(report.drifts.every((d) => d.repair === undefined)).toBe(true);
    expect(report.found).toMatchObject({ missing: 1, orphan: 2, 'desired-count': 1, revision: 1, tags: 0 });
    expect(repair.drifts.map((d) => [d.kind, d.repair, d.error])).toEqual(
      repair.drifts.map((d) => [d.kind, 'repaired', undefined]),
    );
    expect(repair.repaired).toMatchObject({ missing: 1, orphan: 2, 'desired-count': 1, revision: 1 });
    expect(lines.length).toBeGreaterThan(0);
    expect(again.drifts).toEqual([]);
    expect(again.checked).toBe(4);
    const arns = world.runtime.inventory().map((item) => item.arn);
    expect(arns).not.toContain(orphanArn);
    expect(arns).toContain(untaggedArn);
    // The recreated service serves the tenant again.
    const route = world.runtime.route(deleted.tenantId);
    expect(route.targetGroups.every((g) => g.healthy > 0)).toBe(true);
    expect(invariants.fresh).toEqual([]);
  });

  it('looks at one tenant only with tenantId', async () => {
    // Act
    const one = await world.runtime.reconcile({ repair: false, tenantId: scaled.tenantId });

    // Assess
    expect(one.checked).toBe(1);
    expect(one.drifts).toEqual([]);
  });

  it('skips a tenant another operation holds, and what that operation is making', async () => {
    // Prepare: a reconcile started while a migration of the pooled tenant has built half its target.
    let during: Promise<Awaited<ReturnType<World['runtime']['reconcile']>>> | undefined;
    world.onStep((event) => {
      if (event.step === 'CreateTargetGroup' && event.execution.startsWith('migrate-') && !during)
        during = world.runtime.reconcile({ repair: true });
    });

    // Act
    const [migrated] = await world.send([lifecycleEvent('migrate', { ...pooled, target: 'advanced' })]);
    const report = await during;

    // Assess
    expect(migrated?.outcome).toBe('succeeded');
    expect(report?.skipped.map((s) => s.tenantId)).toEqual([pooled.tenantId]);
    expect(report?.skipped[0]?.reason).toMatch(/^held by migrate-.* \(MIGRATING\)$/);
    expect(report?.drifts).toEqual([]);
    expect((await world.runtime.reconcile({ repair: false })).drifts).toEqual([]);
  });

  it('removes what a migration could not (its cleanups failing too), so the tenant can migrate again', async () => {
    // Prepare: the premium tenant moves to advanced while its old cluster's service will not go.
    const tenant = { ...scaled, target: 'advanced' as const };
    world = await world.reopen([{ step: 'RemoveMigrationSource', kind: 'fatal', count: 50 }]);
    const [moved] = await world.send([lifecycleEvent('migrate', tenant)]);
    world = await world.reopen([]);
    const left = await world.runtime.tenant(scaled.tenantId);

    // Act
    const found = await world.runtime.reconcile({ repair: false });
    const repaired = await world.runtime.reconcile({ repair: true });
    const after = await world.runtime.tenant(scaled.tenantId);
    const [back] = await world.send([lifecycleEvent('migrate', { ...scaled, target: 'premium' })]);
    const invariants = await world.check({ foreign: new Set([untaggedArn]) });

    // Assess
    expect(moved?.outcome).toBe('succeeded');
    expect(left).toMatchObject({ lifecycleStatus: 'ACTIVE', placement: { tier: 'advanced' } });
    expect(left?.migration?.direction).toBe('from');
    expect(found.drifts.map((d) => d.kind)).toEqual(found.drifts.map(() => 'leftover'));
    expect(found.drifts.map((d) => d.resource).sort()).toEqual(
      ['cluster', 'service', 'targetGroup', 'taskDefinition'].sort(),
    );
    expect(repaired.repaired.leftover).toBe(4);
    expect(after?.migration).toBeUndefined();
    expect(back?.outcome).toBe('succeeded');
    expect((await world.runtime.reconcile({ repair: false })).drifts).toEqual([]);
    expect(invariants.fresh).toEqual([]);
  });
});
