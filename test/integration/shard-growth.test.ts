/**
 * Adding load balancer shards on the embedded default: a shared stack of one load balancer of two
 * tenants (SHARD_CAPACITY 2) and growth at half full (SHARD_GROWTH_THRESHOLD 0.5). The second
 * onboarding finds the shard half full and starts the shard machine; the third tenant, with the
 * stack's shard full, goes to the added one and is served through it; `addShard` adds one by hand;
 * offboarding frees the added shard's slot and leaves nothing of the tenant.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalRuntime, type LocalRuntime } from '../../src/local/index.ts';
import { lifecycleEvent, newTenant, type TestTenant } from '../support/reliability/world.ts';
import { tenantConfigOf } from '../support/status-events.ts';

describe('adding load balancer shards on the embedded default', () => {
  let dir: string;
  let runtime: LocalRuntime;
  const tenants: TestTenant[] = Array.from({ length: 3 }, () => newTenant('advanced'));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tf-shard-growth-'));
    runtime = await createLocalRuntime({
      stateDir: dir,
      engine: 'asl',
      fast: true,
      shards: 1,
      shardCapacity: 2,
      shardGrowthThreshold: 0.5,
    });
  });

  afterAll(async () => {
    await runtime?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('adds a shard once the stack’s is half full, and places the next tenant on it, served through it', async () => {
    // Act
    const first = await runtime.replay([lifecycleEvent('onboard', tenants[0] as TestTenant)]);
    const afterFirst = runtime.executions().filter((e) => e.machine === 'shard');
    const rest = await runtime.replay(tenants.slice(1).map((tenant) => lifecycleEvent('onboard', tenant)));

    // Assess
    expect([...first, ...rest].map((result) => result.outcome)).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
    ]);
    expect(afterFirst).toEqual([]);
    const growth = runtime.executions().filter((e) => e.machine === 'shard');
    expect(growth.map((e) => [e.name.replace(/\d{10}$/, 'HOUR'), e.status])).toEqual([
      ['add-shard-7-HOUR', 'SUCCEEDED'],
    ]);
    const shards = await runtime.shards();
    expect(shards.map((s) => [s.number, s.source, s.status, s.used, s.capacity])).toEqual([
      [1, 'stack', 'ACTIVE', 2, 2],
      [7, 'added', 'ACTIVE', 1, 2],
    ]);
    const third = await runtime.tenant(tenants[2]?.tenantId ?? '');
    expect(third?.resources.listenerRule?.listenerArn).toBe(shards[1]?.listenerArn);
    expect(tenantConfigOf(rest[1]?.statusEvent?.detail).routing.loadBalancerDns).toBe(shards[1]?.dnsName);
    const route = runtime.route(tenants[2]?.tenantId ?? '');
    expect(route.rule).not.toBe('default');
    expect(route.targetGroups.map((group) => group.healthy > 0)).toEqual([true]);
    // The added load balancer is in the cloud, tagged as shard 7, with its one listener.
    const items = runtime.inventory();
    const added = items.filter((item) => item.type === 'load-balancer' && item.id === 'tf-shard-7');
    expect(added).toHaveLength(1);
    expect(
      items.filter((item) => item.type === 'listener' && item.arn.includes('/tf-shard-7/')),
    ).toHaveLength(1);
  });

  it('adds one more by hand, and offboarding frees the added shard’s slot, leaving nothing of the tenant', async () => {
    // Act
    const run = await runtime.addShard('the test');
    const [offboarded] = await runtime.replay([lifecycleEvent('offboard', tenants[2] as TestTenant)]);

    // Assess
    expect(run.status).toBe('SUCCEEDED');
    expect(run.state?.outcome).toBe('added');
    expect(run.state?.shard?.name).toBe('tf-shard-8');
    expect(offboarded?.outcome).toBe('succeeded');
    const shards = await runtime.shards();
    expect(shards.map((s) => [s.number, s.used])).toEqual([
      [1, 2],
      [7, 0],
      [8, 0],
    ]);
    expect(runtime.inventory().filter((item) => item.tenantId === tenants[2]?.tenantId)).toEqual([]);
  });
});
