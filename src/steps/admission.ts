import { QuotaExceededError } from '../domain/errors.ts';
import { type QuotaUsage, quotaNeeds, quotaRefusals } from '../domain/quotas.ts';
import { type LoadBalancerShard, shardCapacity } from '../domain/shards.ts';
import type { Step, StepDeps } from './types.ts';

/** What one shard has in use, and why it cannot take the tenant (empty: it can). */
const shardRefusals = async (
  deps: StepDeps,
  shard: LoadBalancerShard,
  tenantId: string,
  placement: Parameters<typeof quotaRefusals>[0],
): Promise<string[]> => {
  const others = (await deps.elb.listListenerRules(shard.listenerArn)).filter(
    (rule) => rule.headerValue !== tenantId,
  );
  const rules = others.filter((rule) => rule.priority !== undefined).length;
  const usage: Pick<QuotaUsage, 'rulesPerLoadBalancer' | 'targetGroupsPerLoadBalancer'> = {
    rulesPerLoadBalancer: rules,
    targetGroupsPerLoadBalancer: new Set(
      others.flatMap((rule) => [...rule.targetGroupArns, ...rule.standbyTargetGroupArns]),
    ).size,
  };
  const refusals = quotaRefusals(placement, { ...usage, servicesPerCluster: 0, clustersPerAccount: 0 });
  const configured = deps.config.shardCapacity;
  // The shared stack's own rule on the first shard (the pooled one) is not a tenant's slot.
  const tenants = rules - (shard.index === 0 ? 1 : 0);
  if (refusals.length === 0 && configured !== undefined && tenants >= shardCapacity(shard.index, configured))
    refusals.push(`SHARD_CAPACITY: ${tenants} of ${configured} tenants on it`);
  return refusals;
};

/**
 * AdmitTenant: before an onboarding creates anything, whether the tenant's placement fits the AWS
 * quotas it uses (src/domain/quotas.ts): rules and target groups on a load balancer shard (one with
 * room is enough: the shards are looked at in order, as CreateListenerRule fills them), services in
 * the shared cluster, clusters in the account. One that does not fit fails here with a reason naming
 * the quota (QuotaExceededError: no retry), and the way back has nothing to remove. Only what the
 * placement needs is measured; a pooled tenant needs nothing. The tenant's own rule (a re-run) is not
 * counted against it.
 *
 * Two onboardings admitted at the same instant can still meet the limit at creation: the shard's
 * slots are claimed atomically there (CreateListenerRule), and the one that finds none fails as
 * cleanly (the compensation removes what was made).
 */
export const admitTenant: Step = async (state, deps) => {
  const { tenantId } = state.request;
  const needs = quotaNeeds(state.placement);
  if (Object.values(needs).every((need) => need === 0)) return state;
  const infra = await deps.infra.get();
  const refusals: string[] = [];
  if (needs.rulesPerLoadBalancer + needs.targetGroupsPerLoadBalancer > 0) {
    let full: string[] | undefined;
    for (const shard of infra.shards) {
      const why = await shardRefusals(deps, shard, tenantId, state.placement);
      if (why.length === 0) {
        full = undefined;
        break;
      }
      full ??= why;
    }
    const count = infra.shards.length;
    if (full)
      refusals.push(
        `${full.join('; ')} (on ${count === 1 ? 'the one load balancer shard' : `each of the ${count} load balancer shards`}: raise LoadBalancerShards of the shared stack)`,
      );
  }
  // The load balancer quotas were measured per shard above: none is counted again here.
  const usage: QuotaUsage = {
    rulesPerLoadBalancer: 0,
    targetGroupsPerLoadBalancer: 0,
    servicesPerCluster:
      needs.servicesPerCluster > 0
        ? ((await deps.ecs.describeCluster(infra.clusterName))?.activeServicesCount ?? 0)
        : 0,
    clustersPerAccount: needs.clustersPerAccount > 0 ? await deps.ecs.countClusters() : 0,
  };
  refusals.push(...quotaRefusals(state.placement, usage));
  if (refusals.length > 0) throw new QuotaExceededError(`not admitted: ${refusals.join('; ')}`);
  return state;
};
