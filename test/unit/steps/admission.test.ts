import { describe, expect, it } from 'vitest';
import { QuotaExceededError } from '../../../src/domain/errors.ts';
import { QUOTAS, quotaNeeds, quotaRefusals } from '../../../src/domain/quotas.ts';
import { admitTenant } from '../../../src/steps/admission.ts';
import { createFakes, FAKE_INFRA, fakeShard, testConfig } from '../../support/fake-ports.ts';
import { context, placement, sagaState, TENANT, tagsOf } from './fixtures.ts';

/** `count` rules of other tenants on a listener (the first shard's), each forwarding to a group of its own. */
const fillListener = (
  fakes: ReturnType<typeof createFakes>,
  count: number,
  firstPriority = 1,
  listenerArn = FAKE_INFRA.listenerArn,
) => {
  const first = fakes.elb.rules.length;
  for (let i = first; i < first + count; i += 1)
    fakes.elb.rules.push({
      arn: `${listenerArn.replace(':listener/', ':listener-rule/')}/r${i}`,
      listenerArn,
      priority: firstPriority + i - first,
      headerValue: `tenant-${i}`,
      targetGroupArns: [`arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg-${i}/${i}`],
      tags: tagsOf('advanced', `tenant-${i}`),
    });
};

const NONE = {
  rulesPerLoadBalancer: 0,
  targetGroupsPerLoadBalancer: 0,
  servicesPerCluster: 0,
  clustersPerAccount: 0,
  userPoolsPerRegion: 0,
  tablesPerRegion: 0,
};

describe('quotas (pure)', () => {
  it('says what each tier takes: nothing pooled, a rule, a group and a service silo, a cluster instead for premium', () => {
    expect(quotaNeeds(placement('basic'))).toEqual(NONE);
    expect(quotaNeeds(placement('advanced'))).toEqual({
      ...NONE,
      rulesPerLoadBalancer: 1,
      targetGroupsPerLoadBalancer: 1,
      servicesPerCluster: 1,
    });
    expect(quotaNeeds(placement('premium'))).toEqual({
      ...NONE,
      rulesPerLoadBalancer: 1,
      targetGroupsPerLoadBalancer: 1,
      clustersPerAccount: 1,
    });
  });

  it('refuses exactly at each limit, naming the quota, what is in use and what the tenant needs', () => {
    const full = {
      rulesPerLoadBalancer: QUOTAS.rulesPerLoadBalancer.limit,
      targetGroupsPerLoadBalancer: QUOTAS.targetGroupsPerLoadBalancer.limit,
      servicesPerCluster: QUOTAS.servicesPerCluster.limit,
      clustersPerAccount: QUOTAS.clustersPerAccount.limit,
      userPoolsPerRegion: QUOTAS.userPoolsPerRegion.limit,
      tablesPerRegion: QUOTAS.tablesPerRegion.limit,
    };
    const justUnder = Object.fromEntries(Object.entries(full).map(([k, v]) => [k, v - 1])) as typeof full;

    expect(quotaRefusals(placement('advanced'), justUnder)).toEqual([]);
    expect(quotaRefusals(placement('premium'), justUnder)).toEqual([]);
    expect(quotaRefusals(placement('basic'), full)).toEqual([]);
    expect(quotaRefusals(placement('advanced'), full)).toEqual([
      'listener rules per Application Load Balancer: 100 of 100 in use, this tenant needs 1 more',
      'target groups per Application Load Balancer: 100 of 100 in use, this tenant needs 1 more',
      'ECS services per cluster: 5000 of 5000 in use, this tenant needs 1 more',
    ]);
    expect(quotaRefusals(placement('premium'), { ...NONE, clustersPerAccount: 10_000 })).toEqual([
      'ECS clusters per account: 10000 of 10000 in use, this tenant needs 1 more',
    ]);
  });
});

describe('AdmitTenant', () => {
  it('asks nothing for a pooled tenant', async () => {
    const fakes = createFakes();

    const next = await admitTenant(sagaState('basic'), fakes.deps, context());

    expect(next).toEqual(sagaState('basic'));
    expect(fakes.elb.callsOf('listListenerRules')).toEqual([]);
    expect(fakes.ecs.callsOf('describeCluster')).toEqual([]);
    expect(fakes.ecs.callsOf('countClusters')).toEqual([]);
  });

  it('admits a silo tenant while the load balancer has room, and refuses the one that would exceed it', async () => {
    const fakes = createFakes();
    fillListener(fakes, QUOTAS.rulesPerLoadBalancer.limit - 1);

    const admitted = await admitTenant(sagaState('advanced'), fakes.deps, context());
    fillListener(fakes, 1, 500);
    const refused = admitTenant(sagaState('advanced'), fakes.deps, context());

    expect(admitted).toEqual(sagaState('advanced'));
    await expect(refused).rejects.toThrow(QuotaExceededError);
    await expect(refused).rejects.toThrow(
      'not admitted: listener rules per Application Load Balancer: 100 of 100 in use, this tenant needs 1 more; target groups per Application Load Balancer: 100 of 100 in use, this tenant needs 1 more (on the one load balancer shard: raise LoadBalancerShards of the shared stack or add a shard (tenantflow shards add))',
    );
    // Admission only reads: nothing was created.
    expect(fakes.elb.callsOf('createTargetGroup')).toEqual([]);
    expect(fakes.elb.callsOf('createListenerRule')).toEqual([]);
  });

  it('admits a silo tenant while any load balancer shard has room, and names every shard when none has', async () => {
    const fakes = createFakes({ shards: 2 });
    fillListener(fakes, QUOTAS.rulesPerLoadBalancer.limit);
    const admitted = await admitTenant(sagaState('advanced'), fakes.deps, context());
    const second = fakeShard(1).listenerArn;
    fillListener(fakes, QUOTAS.rulesPerLoadBalancer.limit, 1, second);

    const refused = admitTenant(sagaState('advanced'), fakes.deps, context());

    expect(admitted).toEqual(sagaState('advanced'));
    await expect(refused).rejects.toThrow(
      'listener rules per Application Load Balancer: 100 of 100 in use, this tenant needs 1 more; target groups per Application Load Balancer: 100 of 100 in use, this tenant needs 1 more (on each of the 2 load balancer shards: raise LoadBalancerShards of the shared stack or add a shard (tenantflow shards add))',
    );
    expect(fakes.elb.callsOf('listListenerRules').map(([arn]) => arn)).toEqual([
      FAKE_INFRA.listenerArn,
      second,
      FAKE_INFRA.listenerArn,
      second,
    ]);
  });

  it('passes over a shard whose every slot the registry has claimed, without reading its rules', async () => {
    const fakes = createFakes({ shards: 2, config: testConfig({ SHARD_CAPACITY: '2' }) });
    fakes.priorities.claims.set(
      FAKE_INFRA.listenerArn,
      new Map([
        [1, 'tenant-a'],
        [2, 'tenant-b'],
      ]),
    );

    const admitted = await admitTenant(sagaState('advanced'), fakes.deps, context());

    expect(admitted).toEqual(sagaState('advanced'));
    expect(fakes.elb.callsOf('listListenerRules').map(([arn]) => arn)).toEqual([fakeShard(1).listenerArn]);
  });

  it('holds a shard to SHARD_CAPACITY tenants (the pooled rule on the first is no tenant)', async () => {
    const fakes = createFakes({ config: testConfig({ SHARD_CAPACITY: '3' }) });
    fillListener(fakes, 2);
    fakes.elb.rules.push({
      ...(fakes.elb.rules[0] as (typeof fakes.elb.rules)[number]),
      arn: 'arn:pooled-rule',
      priority: 50_000,
      headerValue: undefined,
    });
    const admitted = await admitTenant(sagaState('advanced'), fakes.deps, context());
    fillListener(fakes, 1, 3);

    const refused = admitTenant(sagaState('advanced'), fakes.deps, context());

    expect(admitted).toEqual(sagaState('advanced'));
    await expect(refused).rejects.toThrow(
      'not admitted: SHARD_CAPACITY: 3 of 3 tenants on it (on the one load balancer shard',
    );
  });

  it("does not count the tenant's own rule against it (a re-run)", async () => {
    const fakes = createFakes();
    fillListener(fakes, QUOTAS.rulesPerLoadBalancer.limit - 1);
    const own = fakes.elb.rules[0];
    if (own) own.headerValue = TENANT;
    fillListener(fakes, 1, 500);

    await expect(admitTenant(sagaState('advanced'), fakes.deps, context())).resolves.toEqual(
      sagaState('advanced'),
    );
  });

  it('refuses a premium tenant when the account has no room for another cluster', async () => {
    const fakes = createFakes();
    for (let i = 0; i < QUOTAS.clustersPerAccount.limit; i += 1)
      fakes.ecs.clusters.set(`c${i}`, {
        arn: `arn:c${i}`,
        name: `c${i}`,
        status: 'ACTIVE',
        activeServicesCount: 0,
        tags: [],
      });

    const refused = admitTenant(sagaState('premium'), fakes.deps, context());

    await expect(refused).rejects.toThrow(
      'ECS clusters per account: 10000 of 10000 in use, this tenant needs 1 more',
    );
    expect(fakes.ecs.callsOf('describeCluster')).toEqual([]);
  });

  it('refuses an advanced tenant when the shared cluster holds the most services it may', async () => {
    const fakes = createFakes();
    fakes.ecs.clusters.set(FAKE_INFRA.clusterName, {
      arn: `arn:aws:ecs:us-east-1:123456789012:cluster/${FAKE_INFRA.clusterName}`,
      name: FAKE_INFRA.clusterName,
      status: 'ACTIVE',
      activeServicesCount: QUOTAS.servicesPerCluster.limit,
      tags: [],
    });

    await expect(admitTenant(sagaState('advanced'), fakes.deps, context())).rejects.toThrow(
      'ECS services per cluster: 5000 of 5000 in use, this tenant needs 1 more',
    );
  });

  it("reads each shard's priority claims once, for the growth trigger and the shards with room alike", async () => {
    // Prepare: growth on, two shards with room.
    const fakes = createFakes({ shards: 2, config: testConfig({ SHARD_GROWTH_THRESHOLD: '0.8' }) });

    // Act
    await admitTenant(sagaState('advanced'), fakes.deps, context('onboarding'));

    // Assess
    expect(fakes.priorities.callsOf('list').map(([listener]) => listener)).toEqual([
      fakeShard(0).listenerArn,
      fakeShard(1).listenerArn,
    ]);
    expect(fakes.starter.callsOf('start')).toEqual([]);
  });
});
