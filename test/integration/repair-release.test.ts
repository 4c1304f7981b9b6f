/**
 * A repair keeps what the tenant runs and leaves it served (issue 26): after an update to a release,
 * the tenant's listener rule and target group deleted by hand; `reconcile --repair` makes them again,
 * keeps the service on the release's revision (not the placement's first image, which would make the
 * release's revision an orphan the next repair deletes), and attaches the service to the new group,
 * whose targets the route then reaches. A service attached to another group by hand is drift too.
 */
import { DescribeTaskDefinitionCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import {
  DeleteRuleCommand,
  DeleteTargetGroupCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cloudAt,
  LOCAL_CLIENT,
  lifecycleEvent,
  newTenant,
  openWorld,
  removeWorldDirs,
  type World,
} from '../support/reliability/world.ts';

const RELEASE = { version: '1.27', image: 'public.ecr.aws/nginx/nginx:1.27' };

const cloudOf = (stateDir: string) => {
  const sim = cloudAt(stateDir);
  return {
    sim,
    ecs: sim.attach(new ECSClient(LOCAL_CLIENT)),
    elb: sim.attach(new ElasticLoadBalancingV2Client(LOCAL_CLIENT)),
  };
};

describe('reconcile --repair keeps the release and the route', () => {
  let world: World;
  const tenant = { ...newTenant('advanced'), release: RELEASE };

  beforeAll(async () => {
    world = await openWorld();
    const results = await world.send([lifecycleEvent('onboard', tenant), lifecycleEvent('update', tenant)]);
    if (results.some((r) => r.outcome !== 'succeeded')) throw new Error(JSON.stringify(results));
  }, 60_000);

  afterAll(async () => {
    await world?.close();
    removeWorldDirs();
  });

  it('makes the rule and group again, on the release it runs, with the service attached to the new group', async () => {
    // Prepare: the rule and the group deleted behind tenantflow's back.
    const before = await world.runtime.tenant(tenant.tenantId);
    const { listenerRule, targetGroup, taskDefinition } = before?.resources ?? {};
    if (!listenerRule || !targetGroup || !taskDefinition)
      throw new Error('an advanced tenant names its route');
    world = await world.reopen([], async (stateDir) => {
      const { sim, elb } = cloudOf(stateDir);
      await elb.send(new DeleteRuleCommand({ RuleArn: listenerRule.arn }));
      await elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: targetGroup.arn }));
      sim.save();
    });

    // Act
    const found = await world.runtime.reconcile({ repair: false });
    const repair = await world.runtime.reconcile({ repair: true });
    const again = await world.runtime.reconcile({ repair: false });
    const after = await world.runtime.tenant(tenant.tenantId);
    const { ecs } = cloudOf(world.stateDir);
    const running = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: after?.resources.taskDefinition?.arn }),
    );

    // Assess
    expect(found.drifts.map((d) => `${d.kind} ${d.resource}`).sort()).toEqual([
      'missing listenerRule',
      'missing targetGroup',
    ]);
    expect(repair.drifts.every((d) => d.repair === 'repaired')).toBe(true);
    expect(again.drifts).toEqual([]);
    expect(after?.release?.version).toBe('1.27');
    expect(after?.resources.taskDefinition?.arn).toBe(taskDefinition.arn);
    expect(running.taskDefinition?.containerDefinitions?.[0]?.image).toBe(RELEASE.image);
    expect(after?.resources.targetGroup?.arn).not.toBe(targetGroup.arn);
    const route = world.runtime.route(tenant.tenantId);
    expect(route.targetGroups.map((g) => g.arn)).toEqual([after?.resources.targetGroup?.arn]);
    expect(route.targetGroups.every((g) => g.healthy > 0)).toBe(true);
    expect((await world.check()).fresh).toEqual([]);
  });

  it('finds a service attached to another group by hand, and attaches it back', async () => {
    // Prepare: the service moved onto the pooled group (a listener rule forwards to it).
    const record = await world.runtime.tenant(tenant.tenantId);
    const service = record?.resources.service;
    if (!service) throw new Error('no service recorded');
    const pooled = world.runtime.route('no-such-tenant').targetGroups[0]?.arn;
    if (!pooled) throw new Error('the pooled route names no group');
    world = await world.reopen([], async (stateDir) => {
      const { sim, ecs } = cloudOf(stateDir);
      await ecs.send(
        new UpdateServiceCommand({
          cluster: service.cluster,
          service: service.name,
          loadBalancers: [{ targetGroupArn: pooled, containerName: 'app', containerPort: 80 }],
        }),
      );
      sim.save();
    });

    // Act
    const found = await world.runtime.reconcile({ repair: false });
    const repair = await world.runtime.reconcile({ repair: true });
    const again = await world.runtime.reconcile({ repair: false });

    // Assess
    expect(found.drifts.map((d) => `${d.kind} ${d.resource} ${d.tenantId}`)).toEqual([
      `attachment service ${tenant.tenantId}`,
    ]);
    expect(found.drifts[0]?.detail).toContain(pooled);
    expect(repair.drifts.map((d) => d.repair)).toEqual(['repaired']);
    expect(again.drifts).toEqual([]);
    expect(world.runtime.route(tenant.tenantId).targetGroups.every((g) => g.healthy > 0)).toBe(true);
  });
});
