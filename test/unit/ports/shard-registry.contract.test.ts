import { describe, expect, it } from 'vitest';
import type { ShardRegistry } from '../../../src/ports/tenant-map.ts';
import { shardRegistries } from './implementations.ts';

/** An index no other test of this file uses (they share one table under one partition key). */
let nextIndex = 100;
const freshIndex = () => {
  nextIndex += 10;
  return nextIndex;
};
const mine = async (registry: ShardRegistry, index: number) =>
  (await registry.list()).filter((shard) => shard.index === index);
const LB = {
  loadBalancerArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/tf-shard-7/1',
  listenerArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/tf-shard-7/1/2',
  dnsName: 'tf-shard-7-1.us-east-1.elb.amazonaws.com',
};

describe.each(shardRegistries)('ShardRegistry contract: $name', ({ make }) => {
  it('reserves an index for one execution (again for it, never for another) and activates it for its holder only', async () => {
    // Prepare
    const registry = await make();
    const index = freshIndex();

    // Act
    const first = await registry.reserve(index, 'add-a');
    const again = await registry.reserve(index, 'add-a');
    const other = await registry.reserve(index, 'add-b');
    const creating = await mine(registry, index);
    const wrongHolder = await registry.activate(index, 'add-b', LB);
    const activated = await registry.activate(index, 'add-a', LB);
    const afterActive = await registry.reserve(index, 'add-a');

    // Assess
    expect([first, again, other]).toEqual(['reserved', 'reserved', 'taken']);
    expect(creating).toEqual([{ index, status: 'CREATING', execution: 'add-a' }]);
    expect([wrongHolder, activated, afterActive]).toEqual([false, true, 'taken']);
    expect(await mine(registry, index)).toEqual([{ index, status: 'ACTIVE', execution: 'add-a', ...LB }]);
  });

  it('hands a CREATING reservation over once, and releases only for the holder while it is CREATING', async () => {
    // Prepare
    const registry = await make();
    const index = freshIndex();
    const active = freshIndex();
    await registry.reserve(index, 'add-dead');
    await registry.reserve(active, 'add-done');
    await registry.activate(active, 'add-done', LB);

    // Act
    const taken = await registry.takeOver(index, 'add-dead', 'add-next');
    const takenTwice = await registry.takeOver(index, 'add-dead', 'add-third');
    const takeActive = await registry.takeOver(active, 'add-done', 'add-next');
    await registry.release(index, 'add-dead');
    const afterWrongRelease = await mine(registry, index);
    await registry.release(active, 'add-done');
    await registry.release(index, 'add-next');

    // Assess
    expect([taken, takenTwice, takeActive]).toEqual([true, false, false]);
    expect(afterWrongRelease).toEqual([{ index, status: 'CREATING', execution: 'add-next' }]);
    expect(await mine(registry, index)).toEqual([]);
    expect((await mine(registry, active))[0]?.status).toBe('ACTIVE');
  });

  it('lists shards in index order', async () => {
    // Prepare
    const registry = await make();
    const [low, high] = [freshIndex(), freshIndex()];
    await registry.reserve(high, 'add-high');
    await registry.reserve(low, 'add-low');

    // Act
    const indexes = (await registry.list())
      .map((shard) => shard.index)
      .filter((i) => i === low || i === high);

    // Assess
    expect(indexes).toEqual([low, high]);
  });
});
