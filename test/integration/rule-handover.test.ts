/**
 * The tenant's listener rule across a migration between own-service tiers: the rule is handed over,
 * not made anew, and takes the new tier's tag; a migration that goes back gives the old tag back; a
 * rule left with a stale tier tag (a migration before rules were retagged) is drift that `--repair`
 * retags (issue 26).
 */
import {
  AddTagsCommand,
  ElasticLoadBalancingV2Client,
  ModifyRuleCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, describe, expect, it } from 'vitest';
import { TAG_KEYS } from '../../src/domain/naming.ts';
import {
  cloudAt,
  LOCAL_CLIENT,
  lifecycleEvent,
  newTenant,
  openWorld,
  removeWorldDirs,
  type World,
} from '../support/reliability/world.ts';

/** The tier tag of each of the tenant's ELB resources, by type (from the simulated cloud's own inventory). */
const tiersOf = (world: World, tenantId: string) =>
  world.runtime
    .inventory()
    .filter(
      (item) => item.tenantId === tenantId && (item.type === 'listener-rule' || item.type === 'target-group'),
    )
    .map((item) => [item.type, item.arn, item.tier] as const);

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
  removeWorldDirs();
});

/** Reconcile one tenant: a look, a repair, and a look again. */
const reconcileRepairAgain = async (world: World, tenantId: string) => ({
  found: await world.runtime.reconcile({ repair: false, tenantId }),
  repaired: await world.runtime.reconcile({ repair: true, tenantId }),
  again: await world.runtime.reconcile({ repair: false, tenantId }),
});

describe("the tenant's listener rule across a migration", () => {
  it('keeps its ARN and takes the new tier tag; reconcile then finds nothing', async () => {
    // Prepare
    world = await openWorld();
    const tenant = newTenant('advanced');
    await world.send([lifecycleEvent('onboard', tenant)]);
    const before = await world.runtime.tenant(tenant.tenantId);

    // Act
    const [moved] = await world.send([lifecycleEvent('migrate', { ...tenant, target: 'premium' })]);
    const after = await world.runtime.tenant(tenant.tenantId);
    const report = await world.runtime.reconcile({ repair: false, tenantId: tenant.tenantId });

    // Assess
    expect(moved?.outcome).toBe('succeeded');
    const rule = after?.resources.listenerRule?.arn;
    expect(rule).toBe(before?.resources.listenerRule?.arn);
    expect(tiersOf(world, tenant.tenantId)).toEqual(
      expect.arrayContaining([['listener-rule', rule, 'premium']]),
    );
    expect(tiersOf(world, tenant.tenantId).every(([, , tier]) => tier === 'premium')).toBe(true);
    expect(report.drifts).toEqual([]);
  });

  it('gives the old tier tag back when the migration goes back after the switch', async () => {
    // Prepare: the commit fails once, after the routing switched.
    world = await openWorld([{ step: 'CommitMigration', kind: 'fatal', count: 1 }]);
    const tenant = newTenant('advanced');
    await world.send([lifecycleEvent('onboard', tenant)]);

    // Act
    const [moved] = await world.send([lifecycleEvent('migrate', { ...tenant, target: 'premium' })]);
    const after = await world.runtime.tenant(tenant.tenantId);

    // Assess
    expect(moved?.outcome).toBe('failed');
    expect(after).toMatchObject({ lifecycleStatus: 'ACTIVE', placement: { tier: 'advanced' } });
    expect(tiersOf(world, tenant.tenantId)).toEqual(
      expect.arrayContaining([['listener-rule', after?.resources.listenerRule?.arn, 'advanced']]),
    );
    expect(tiersOf(world, tenant.tenantId).every(([, , tier]) => tier === 'advanced')).toBe(true);
  });
});

describe('a rule with a stale tier tag', () => {
  it('is tier-tag drift, which --repair retags; the next run finds nothing', async () => {
    // Prepare: the rule tagged as a migration before this change left it.
    world = await openWorld();
    const tenant = newTenant('premium');
    await world.send([lifecycleEvent('onboard', tenant)]);
    const rule = (await world.runtime.tenant(tenant.tenantId))?.resources.listenerRule?.arn ?? '';
    world = await world.reopen([], async (stateDir) => {
      const sim = cloudAt(stateDir);
      const elb = sim.attach(new ElasticLoadBalancingV2Client(LOCAL_CLIENT));
      await elb.send(
        new AddTagsCommand({ ResourceArns: [rule], Tags: [{ Key: TAG_KEYS.tier, Value: 'advanced' }] }),
      );
      sim.save();
    });

    // Act
    const { found, repaired, again } = await reconcileRepairAgain(world, tenant.tenantId);

    // Assess
    expect(found.drifts).toEqual([
      {
        tenantId: tenant.tenantId,
        kind: 'tier-tag',
        resource: 'listenerRule',
        arn: rule,
        detail: 'tier tag advanced, record says premium',
      },
    ]);
    expect(repaired.drifts.map((d) => d.repair)).toEqual(['repaired']);
    expect(again.drifts).toEqual([]);
    expect(tiersOf(world, tenant.tenantId)).toEqual(
      expect.arrayContaining([['listener-rule', rule, 'premium']]),
    );
  });
});

describe('a rule forwarding to another group than the recorded one', () => {
  it('is forward drift, which --repair points back at the recorded group; the next run finds nothing', async () => {
    // Prepare: the tenant's rule edited by hand to send its requests to the pooled group.
    world = await openWorld();
    const tenant = newTenant('advanced');
    await world.send([lifecycleEvent('onboard', tenant)]);
    const record = await world.runtime.tenant(tenant.tenantId);
    const rule = record?.resources.listenerRule?.arn ?? '';
    const group = record?.resources.targetGroup?.arn ?? '';
    let pooled = '';
    world = await world.reopen([], async (stateDir) => {
      const sim = cloudAt(stateDir);
      const elb = sim.attach(new ElasticLoadBalancingV2Client(LOCAL_CLIENT));
      pooled =
        sim.stackOutputs('tenantflow-shared').find((output) => output.key === 'PooledTargetGroupArn')
          ?.value ?? '';
      await elb.send(
        new ModifyRuleCommand({ RuleArn: rule, Actions: [{ Type: 'forward', TargetGroupArn: pooled }] }),
      );
      sim.save();
    });

    // Act
    const { found, repaired, again } = await reconcileRepairAgain(world, tenant.tenantId);

    // Assess
    expect(found.drifts).toEqual([
      {
        tenantId: tenant.tenantId,
        kind: 'forward',
        resource: 'listenerRule',
        arn: rule,
        detail: `forwards to ${pooled}, recorded group ${group}`,
      },
    ]);
    expect(repaired.drifts.map((d) => d.repair)).toEqual(['repaired']);
    expect(again.drifts).toEqual([]);
  });
});
