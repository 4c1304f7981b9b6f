/**
 * Load balancer shards on the embedded default: a shared stack of two load balancers, two tenants each
 * (SHARD_CAPACITY), and the simulated ELB enforcing its quotas per load balancer. Checked: where each
 * tenant's rule went, that its requests reach it through its shard, the DNS name SBT is told, the
 * refusal once every shard is full (nothing left behind), and offboarding freeing a slot.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalRuntime, type LocalRuntime } from '../../src/local/index.ts';
import { lifecycleEvent, newTenant, type TestTenant } from '../support/reliability/world.ts';
import { tenantConfigOf } from '../support/status-events.ts';

describe('load balancer shards on the embedded default', () => {
  let dir: string;
  let runtime: LocalRuntime;
  const tenants: TestTenant[] = Array.from({ length: 5 }, () => newTenant('advanced'));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tf-shards-'));
    runtime = await createLocalRuntime({
      stateDir: dir,
      engine: 'asl',
      fast: true,
      shards: 2,
      shardCapacity: 2,
    });
  });

  afterAll(async () => {
    await runtime?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The shard (0, 1) each tenant's rule is on, from the load balancers the simulated cloud holds. */
  const shardsOf = async (ids: readonly TestTenant[]) => {
    const balancers = runtime
      .inventory()
      .filter((item) => item.type === 'load-balancer')
      .map((item) => item.arn.replace(':loadbalancer/', ':listener/'));
    return Promise.all(
      ids.map(async (tenant) => {
        const rule = (await runtime.tenant(tenant.tenantId))?.resources.listenerRule;
        return `${balancers.findIndex((prefix) => rule?.listenerArn.startsWith(`${prefix}/`))}:${rule?.priority}`;
      }),
    );
  };

  it('spreads silo tenants over the shards in order, each served through its own', async () => {
    const results = await runtime.replay(
      tenants.slice(0, 4).map((tenant) => lifecycleEvent('onboard', tenant)),
    );

    expect(results.map((result) => result.outcome)).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
      'succeeded',
    ]);
    expect((await shardsOf(tenants.slice(0, 4))).sort()).toEqual(['0:1', '0:2', '1:1', '1:2']);
    for (const tenant of tenants.slice(0, 4)) {
      const route = runtime.route(tenant.tenantId);
      expect(route.rule).not.toBe('default');
      expect(route.targetGroups.map((group) => group.healthy > 0)).toEqual([true]);
    }
    // SBT hears which load balancer each tenant is behind: one name per shard.
    const names = results.map((result) => tenantConfigOf(result.statusEvent?.detail).routing.loadBalancerDns);
    expect(names.every((name) => name?.endsWith('.elb.amazonaws.com'))).toBe(true);
    expect(new Set(names).size).toBe(2);
  });

  it('refuses the next silo tenant when every shard is full, naming the quota, and leaves nothing', async () => {
    const [result] = await runtime.replay([lifecycleEvent('onboard', tenants[4] as TestTenant)]);

    expect(result?.outcome).toBe('failed');
    const reason = (
      result?.statusEvent?.detail as { jobOutput?: { tenantRegistrationData?: { failureReason?: string } } }
    )?.jobOutput?.tenantRegistrationData?.failureReason;
    expect(reason).toContain('AdmitTenant');
    expect(reason).toContain('SHARD_CAPACITY: 2 of 2 tenants on it (on each of the 2 load balancer shards');
    expect(runtime.inventory().filter((item) => item.tenantId === tenants[4]?.tenantId)).toEqual([]);
  });

  it('refuses to migrate a pooled tenant to a silo tier while the first shard is full, making nothing', async () => {
    const pooled = newTenant('basic');
    const [onboarded] = await runtime.replay([lifecycleEvent('onboard', pooled)]);
    const before = runtime.inventory().length;

    const moved = await runtime.migrate(pooled.tenantId, 'advanced');

    expect(onboarded?.outcome).toBe('succeeded');
    expect(moved.outcome).toBe('failed');
    expect(moved.error).toContain(
      'migration to tier advanced not admitted: SHARD_CAPACITY: 2 of 2 tenants on it (on load balancer shard 1, where the move happens',
    );
    expect(runtime.inventory()).toHaveLength(before);
    expect(await runtime.tenant(pooled.tenantId)).toMatchObject({
      lifecycleStatus: 'ACTIVE',
      placement: { tier: 'basic' },
    });
  });

  it('takes the tenant once offboarding freed a slot, on the shard that has it', async () => {
    const [first] = (await shardsOf(tenants.slice(0, 4)))
      .map((shard, index) => ({ shard, tenant: tenants[index] as TestTenant }))
      .filter((entry) => entry.shard.startsWith('1:'));
    const leaving = first?.tenant as TestTenant;

    const results = await runtime.replay([
      lifecycleEvent('offboard', leaving),
      lifecycleEvent('onboard', { ...(tenants[4] as TestTenant), tenantRegistrationId: crypto.randomUUID() }),
    ]);

    expect(results.map((result) => result.outcome)).toEqual(['succeeded', 'succeeded']);
    expect(await shardsOf([tenants[4] as TestTenant])).toEqual([first?.shard]);
  });
});
