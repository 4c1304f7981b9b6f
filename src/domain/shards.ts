/**
 * Load balancer shards: the shared stack's Application Load Balancers, each with its listener, over
 * which silo tenants' rules are spread (one ALB holds at most 100 target groups). A tenant's slot on
 * a shard is a listener rule priority from 1 to the shard's capacity, claimed atomically in the
 * priority registry (unique per listener), so a shard never takes more tenants than it holds. Pure.
 */
import { QUOTAS } from './quotas.ts';

/** One shard: a load balancer, its listener and the DNS name the SaaS front door routes to. */
export interface LoadBalancerShard {
  /** 0-based: the first is the stack's original load balancer, which also carries the pooled rule. */
  index: number;
  loadBalancerArn: string;
  listenerArn: string;
  dnsName: string;
}

/** How many shards infra/shared.yaml can declare (its `LoadBalancerShards` parameter). */
export const MAX_SHARDS = 6;

/**
 * Tenants a shard holds: what both ALB quotas allow (a tenant takes one rule and one target group),
 * less the shared stack's own on it (the pooled rule and group, on the first), and at most
 * `configured` (`SHARD_CAPACITY`: headroom, e.g. for migrations, whose standby group counts too).
 */
export const shardCapacity = (index: number, configured?: number): number => {
  const quota =
    Math.min(QUOTAS.rulesPerLoadBalancer.limit, QUOTAS.targetGroupsPerLoadBalancer.limit) -
    (index === 0 ? 1 : 0);
  return configured === undefined ? quota : Math.min(quota, configured);
};

/** The shard whose listener is `listenerArn`. */
export const shardOfListener = (
  shards: readonly LoadBalancerShard[],
  listenerArn: string | undefined,
): LoadBalancerShard | undefined => shards.find((shard) => shard.listenerArn === listenerArn);
