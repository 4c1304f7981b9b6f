import { QuotaExceededError } from '../domain/errors.ts';
import { type QuotaUsage, quotaNeeds, quotaRefusals } from '../domain/quotas.ts';
import type { Step } from './types.ts';

/**
 * AdmitTenant: before an onboarding creates anything, whether the tenant's placement fits the AWS
 * quotas it uses (src/domain/quotas.ts): rules and target groups on the shared load balancer,
 * services in the shared cluster, clusters in the account. One that does not fit fails here with a
 * reason naming the quota (QuotaExceededError: no retry), and the way back has nothing to remove.
 * Only what the placement needs is measured; a pooled tenant needs nothing. The tenant's own rule
 * (a re-run) is not counted against it.
 *
 * Two onboardings admitted at the same instant can still meet the limit at creation, which fails as
 * cleanly (the compensation removes what was made); allocating capacity atomically belongs to the
 * load balancer shards of issue 12.
 */
export const admitTenant: Step = async (state, deps) => {
  const needs = quotaNeeds(state.placement);
  if (Object.values(needs).every((need) => need === 0)) return state;
  const infra = await deps.infra.get();
  const onListener = needs.rulesPerLoadBalancer + needs.targetGroupsPerLoadBalancer > 0;
  const others = onListener
    ? (await deps.elb.listListenerRules(infra.listenerArn)).filter(
        (rule) => rule.headerValue !== state.request.tenantId,
      )
    : [];
  const usage: QuotaUsage = {
    rulesPerLoadBalancer: others.filter((rule) => rule.priority !== undefined).length,
    targetGroupsPerLoadBalancer: new Set(
      others.flatMap((rule) => [...rule.targetGroupArns, ...rule.standbyTargetGroupArns]),
    ).size,
    servicesPerCluster:
      needs.servicesPerCluster > 0
        ? ((await deps.ecs.describeCluster(infra.clusterName))?.activeServicesCount ?? 0)
        : 0,
    clustersPerAccount: needs.clustersPerAccount > 0 ? await deps.ecs.countClusters() : 0,
  };
  const refusals = quotaRefusals(state.placement, usage);
  if (refusals.length > 0) throw new QuotaExceededError(`not admitted: ${refusals.join('; ')}`);
  return state;
};
