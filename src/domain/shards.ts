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
 * The fill at which a deployed stage's onboardings add a shard (serverless.ts's `shardGrowthThreshold`),
 * and the embedded CLI's too unless `SHARD_GROWTH_THRESHOLD` says otherwise (set empty: never).
 */
export const DEPLOYED_SHARD_GROWTH_THRESHOLD = '0.8';

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

/**
 * Shards the orchestrator adds itself (the shard machine, src/steps/shard.ts) take the indexes after
 * every shard the stack can declare, so a stack updated to declare more never meets one of them.
 */
export const FIRST_GROWN_SHARD_INDEX = MAX_SHARDS;

/** A grown shard's load balancer name: `<prefix>-shard-<n>` (n 1-based, as the stack's `Shard<n>`). */
export const grownShardName = (prefix: string, index: number): string => `${prefix}-shard-${index + 1}`;

/** Where a grown shard stands in the shard registry. */
export type GrownShardStatus = 'CREATING' | 'ACTIVE';

/**
 * A shard the orchestrator added, as the shard registry holds it: reserved by one shard execution
 * (`CREATING`) until its load balancer and listener exist, then `ACTIVE` with them.
 */
export interface GrownShard {
  index: number;
  status: GrownShardStatus;
  /** The shard execution that reserved it (and may go on with it). */
  execution: string;
  loadBalancerArn?: string;
  listenerArn?: string;
  dnsName?: string;
}

/** The grown shards that take tenants: ACTIVE, with their listener. */
export const activeGrownShards = (grown: readonly GrownShard[]): LoadBalancerShard[] =>
  grown.flatMap((shard) =>
    shard.status === 'ACTIVE' && shard.loadBalancerArn && shard.listenerArn && shard.dnsName
      ? [
          {
            index: shard.index,
            loadBalancerArn: shard.loadBalancerArn,
            listenerArn: shard.listenerArn,
            dnsName: shard.dnsName,
          },
        ]
      : [],
  );

/** How full one shard is: the slots claimed on it, of its capacity. */
export interface ShardFill {
  index: number;
  used: number;
  capacity: number;
}

/** The slots taken on a shard of `capacity`: the distinct claimed priorities within it. Pure. */
export const slotsTaken = (priorities: readonly number[], capacity: number): number =>
  new Set(priorities.filter((priority) => priority <= capacity)).size;

/** Whether every shard is filled to `threshold` (a fraction, 0–1) or beyond: time to add one. Pure. */
export const shardsFilling = (fills: readonly ShardFill[], threshold: number): boolean =>
  fills.length > 0 && fills.every((fill) => fill.used >= fill.capacity * threshold);

/** The index the next grown shard takes: after the highest one reserved. Pure. */
export const nextGrownShardIndex = (grown: readonly GrownShard[]): number =>
  Math.max(FIRST_GROWN_SHARD_INDEX - 1, ...grown.map((shard) => shard.index)) + 1;
