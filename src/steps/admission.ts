import { ownsService, type Placement } from '../domain/catalogue.ts';
import { QuotaExceededError } from '../domain/errors.ts';
import { type QuotaName, type QuotaUsage, quotaNeeds, refusalsFor } from '../domain/quotas.ts';
import type { TenantResources } from '../domain/resources.ts';
import { type LoadBalancerShard, shardCapacity } from '../domain/shards.ts';
import { shardsToTry } from './listener-rule.ts';
import { growIfFilling, shardClaims, sharedInfrastructure } from './shard.ts';
import type { Step, StepDeps } from './types.ts';

type Needs = Record<QuotaName, number>;
const NOTHING: Needs = {
  rulesPerLoadBalancer: 0,
  targetGroupsPerLoadBalancer: 0,
  servicesPerCluster: 0,
  clustersPerAccount: 0,
  userPoolsPerRegion: 0,
  tablesPerRegion: 0,
};

/** What one shard has in use, and why it cannot take `needs` of the tenant (empty: it can). */
const shardRefusals = async (
  deps: StepDeps,
  shard: LoadBalancerShard,
  tenantId: string,
  needs: Needs,
): Promise<string[]> => {
  const others = (await deps.elb.listListenerRules(shard.listenerArn)).filter(
    (rule) => rule.headerValue !== tenantId,
  );
  const rules = others.filter((rule) => rule.priority !== undefined).length;
  const groups = new Set(others.flatMap((rule) => [...rule.targetGroupArns, ...rule.standbyTargetGroupArns]));
  const lbNeeds = {
    ...NOTHING,
    rulesPerLoadBalancer: needs.rulesPerLoadBalancer,
    targetGroupsPerLoadBalancer: needs.targetGroupsPerLoadBalancer,
  };
  const refusals = refusalsFor(lbNeeds, {
    ...NOTHING,
    rulesPerLoadBalancer: rules,
    targetGroupsPerLoadBalancer: groups.size,
  });
  const configured = deps.config.shardCapacity;
  // The shared stack's own rule on the first shard (the pooled one) is not a tenant's slot.
  const tenants = rules - (shard.index === 0 ? 1 : 0);
  if (
    refusals.length === 0 &&
    needs.rulesPerLoadBalancer > 0 &&
    configured !== undefined &&
    tenants >= shardCapacity(shard.index, configured)
  )
    refusals.push(`SHARD_CAPACITY: ${tenants} of ${configured} tenants on it`);
  return refusals;
};

/**
 * Why `needs` of tenant `tenantId` do not fit (empty: they do). The load balancer quotas are measured
 * on `shards`, in order, one with room being enough; the ECS ones in the shared cluster and the
 * account.
 */
const admissionRefusals = async (
  deps: StepDeps,
  tenantId: string,
  needs: Needs,
  shards: readonly LoadBalancerShard[],
  /** Where the load balancer quotas were measured, for the reason. */
  where: string,
): Promise<string[]> => {
  const infra = await deps.infra.get();
  const refusals: string[] = [];
  if (needs.rulesPerLoadBalancer + needs.targetGroupsPerLoadBalancer > 0) {
    let full: string[] | undefined;
    for (const shard of shards) {
      const why = await shardRefusals(deps, shard, tenantId, needs);
      if (why.length === 0) {
        full = undefined;
        break;
      }
      full ??= why;
    }
    if (full)
      refusals.push(
        `${full.join('; ')} (${where}: raise LoadBalancerShards of the shared stack or add a shard (tenantflow shards add))`,
      );
  }
  // The load balancer quotas were measured per shard above: none is counted again here.
  const usage: QuotaUsage = {
    ...NOTHING,
    servicesPerCluster:
      needs.servicesPerCluster > 0
        ? ((await deps.ecs.describeCluster(infra.clusterName))?.activeServicesCount ?? 0)
        : 0,
    clustersPerAccount: needs.clustersPerAccount > 0 ? await deps.ecs.countClusters() : 0,
    userPoolsPerRegion: needs.userPoolsPerRegion > 0 ? await deps.identity.countUserPools() : 0,
    tablesPerRegion: needs.tablesPerRegion > 0 ? await deps.tables.countTables() : 0,
  };
  refusals.push(...refusalsFor({ ...needs, rulesPerLoadBalancer: 0, targetGroupsPerLoadBalancer: 0 }, usage));
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
  const { shards } = await sharedInfrastructure(deps);
  // The registry's claims, read once: for the growth trigger's fill and for the shards with room.
  const claims = needs.rulesPerLoadBalancer > 0 ? await shardClaims(deps, shards) : undefined;
  if (claims) await growIfFilling(deps, shards, `onboarding of ${tenantId}`, claims);
  // Shards the registry says are full (every slot claimed, none by this tenant) are passed over
  // without a look at their rules (ELB's read rate is the onboarding's tightest bucket), as
  // CreateListenerRule passes them over; when all are, the last one is looked at to name the quota.
  const open = claims ? await shardsToTry(deps, shards, tenantId, claims) : [...shards];
  const looked = open.length > 0 ? open : shards.slice(-1);
  const where =
    shards.length === 1
      ? 'on the one load balancer shard'
      : `on each of the ${shards.length} load balancer shards`;
  const refusals = await admissionRefusals(deps, tenantId, needs, looked, where);
  if (refusals.length > 0) throw new QuotaExceededError(`not admitted: ${refusals.join('; ')}`);
  return state;
};

/**
 * Whether a migration from `current` to `target` fits, before anything is made (PlanMigration): the
 * target's service in the shared cluster, or its cluster in the account; and on the load balancer the
 * tenant's rule is on (a silo tenant keeps its rule and shard, the target's group joining it: one
 * more group there) or, for a pooled tenant, on the first shard (its rule for the move goes where the
 * pooled group is: a rule and a group more there). A move to a pooled tier needs nothing new.
 * QuotaExceededError naming the quota otherwise.
 */
export const admitMigration = async (
  deps: StepDeps,
  tenantId: string,
  current: { placement: Placement; resources: TenantResources },
  target: Placement,
): Promise<void> => {
  if (!ownsService(target)) return;
  const needs = quotaNeeds(target);
  const { shards } = await sharedInfrastructure(deps);
  const rule = current.resources.listenerRule;
  const own = rule ? shards.filter((shard) => shard.listenerArn === rule.listenerArn) : shards.slice(0, 1);
  const refusals = await admissionRefusals(
    deps,
    tenantId,
    // Its own rule is not counted in use, so it is counted as needed; during the move it forwards to
    // two groups of the tenant's (the one it serves from and the target's), or to the pooled one
    // (counted in use) and the target's.
    { ...needs, rulesPerLoadBalancer: 1, targetGroupsPerLoadBalancer: rule ? 2 : 1 },
    own.length > 0 ? own : shards.slice(0, 1),
    `on load balancer shard ${(own[0]?.index ?? 0) + 1}, where the move happens`,
  );
  if (refusals.length > 0)
    throw new QuotaExceededError(`migration to tier ${target.tier} not admitted: ${refusals.join('; ')}`);
};
