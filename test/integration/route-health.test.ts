/**
 * The route's last links (issue 26): a tenant's target group checks its targets as its tier says, and
 * one of them passes. A check pointed by hand at a port the tasks do not serve fails every target:
 * reconcile reports the check (`health-check`, which `--repair` sets back) and the tenant being down
 * (`unhealthy`, reported only), and finds nothing once the check is back. A drain changed by hand
 * (the group's deregistration delay, an attribute of its own) is a `health-check` drift too.
 */
import {
  DescribeTargetGroupAttributesCommand,
  ElasticLoadBalancingV2Client,
  ModifyTargetGroupAttributesCommand,
  ModifyTargetGroupCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, describe, expect, it } from 'vitest';
import {
  cloudAt,
  LOCAL_CLIENT,
  lifecycleEvent,
  newTenant,
  openWorld,
  removeWorldDirs,
  type World,
} from '../support/reliability/world.ts';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
  removeWorldDirs();
});

describe("a tenant's health check changed by hand", () => {
  it('is found with the tenant down, set back by the repair, and then nothing is found', async () => {
    // Prepare
    world = await openWorld();
    const tenant = newTenant('advanced');
    await world.send([lifecycleEvent('onboard', tenant)]);
    const group = (await world.runtime.tenant(tenant.tenantId))?.resources.targetGroup?.arn ?? '';
    world = await world.reopen([], async (stateDir) => {
      const sim = cloudAt(stateDir);
      const elb = sim.attach(new ElasticLoadBalancingV2Client(LOCAL_CLIENT));
      await elb.send(
        new ModifyTargetGroupCommand({
          TargetGroupArn: group,
          HealthCheckPort: '9999',
          HealthCheckPath: '/status',
        }),
      );
      sim.save();
    });
    const down = world.runtime.route(tenant.tenantId);

    // Act
    const found = await world.runtime.reconcile({ repair: false, tenantId: tenant.tenantId });
    const repaired = await world.runtime.reconcile({ repair: true, tenantId: tenant.tenantId });
    const again = await world.runtime.reconcile({ repair: false, tenantId: tenant.tenantId });

    // Assess
    expect(down.targetGroups).toEqual([{ arn: group, healthy: 0, total: 1 }]);
    expect(found.drifts.map((d) => [d.kind, d.resource, d.arn])).toEqual([
      ['health-check', 'targetGroup', group],
      ['unhealthy', 'targetGroup', group],
    ]);
    expect(found.drifts[0]?.detail).toMatch(
      /^checks \/status on 9999 every 5 s .*, tier advanced says \/ on traffic-port every 5 s/,
    );
    expect(found.drifts[1]?.detail).toBe('none of its 1 target passes its health check');
    expect(repaired.drifts.map((d) => [d.kind, d.repair])).toEqual([
      ['health-check', 'repaired'],
      ['unhealthy', 'report-only'],
    ]);
    expect(world.runtime.route(tenant.tenantId).targetGroups).toEqual([{ arn: group, healthy: 1, total: 1 }]);
    expect(again.drifts).toEqual([]);
    expect((await world.check()).fresh).toEqual([]);
  });

  it('a drain changed by hand is found and set back, and the tenant stays up meanwhile', async () => {
    // Prepare
    world = await openWorld();
    const tenant = newTenant('advanced');
    await world.send([lifecycleEvent('onboard', tenant)]);
    const group = (await world.runtime.tenant(tenant.tenantId))?.resources.targetGroup?.arn ?? '';
    const drainAt = async (stateDir: string) => {
      const elb = cloudAt(stateDir).attach(new ElasticLoadBalancingV2Client(LOCAL_CLIENT));
      const out = await elb.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: group }));
      return out.Attributes?.find((a) => a.Key === 'deregistration_delay.timeout_seconds')?.Value;
    };
    world = await world.reopen([], async (stateDir) => {
      const sim = cloudAt(stateDir);
      const elb = sim.attach(new ElasticLoadBalancingV2Client(LOCAL_CLIENT));
      await elb.send(
        new ModifyTargetGroupAttributesCommand({
          TargetGroupArn: group,
          Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '300' }],
        }),
      );
      sim.save();
    });

    // Act
    const found = await world.runtime.reconcile({ repair: false, tenantId: tenant.tenantId });
    const repaired = await world.runtime.reconcile({ repair: true, tenantId: tenant.tenantId });
    const again = await world.runtime.reconcile({ repair: false, tenantId: tenant.tenantId });

    // Assess
    expect(found.drifts.map((d) => [d.kind, d.resource, d.arn])).toEqual([
      ['health-check', 'targetGroup', group],
    ]);
    expect(found.drifts[0]?.detail).toMatch(/draining 300 s, tier advanced says .* draining 30 s$/);
    expect(repaired.drifts.map((d) => [d.kind, d.repair])).toEqual([['health-check', 'repaired']]);
    expect(again.drifts).toEqual([]);
    expect(world.runtime.route(tenant.tenantId).targetGroups).toEqual([{ arn: group, healthy: 1, total: 1 }]);
    let drain: string | undefined;
    world = await world.reopen([], async (stateDir) => {
      drain = await drainAt(stateDir);
    });
    expect(drain).toBe('30');
  });
});
