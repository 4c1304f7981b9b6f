import { ownsService } from '../domain/catalogue.ts';
import { QuotaExceededError, RetryableError } from '../domain/errors.ts';
import { ownership, type Tag, tenantTags } from '../domain/naming.ts';
import { QUOTAS } from '../domain/quotas.ts';
import { withoutResource } from '../domain/resources.ts';
import type { SagaState } from '../domain/saga-state.ts';
import { type LoadBalancerShard, shardCapacity, slotsTaken } from '../domain/shards.ts';
import type { ListenerRuleInfo } from '../ports/load-balancer.ts';
import { checkpoint } from './checkpoint.ts';
import { distinct, ensureOurs, notOurs, ownServicePlacement, required } from './placement.ts';
import { choosePriority, MAX_PRIORITY_ATTEMPTS } from './priority.ts';
import { type ShardClaims, shardClaims, sharedInfrastructure } from './shard.ts';
import type { Step, StepDeps } from './types.ts';

/** The ALB compares http-header condition values case-insensitively, and so does tenantflow. */
export const matchesTenant = (rule: ListenerRuleInfo, tenantId: string): boolean =>
  rule.headerValue !== undefined && rule.headerValue.toLowerCase() === tenantId.toLowerCase();

/**
 * Claims a priority in the registry, then creates the rule at it. A lost claim (another tenant got
 * there first) or a priority some unregistered rule holds means: pick again, a bounded number of times.
 */
export const allocateRule = async (
  deps: StepDeps,
  spec: {
    listenerArn: string;
    tenantId: string;
    targetGroupArn: string;
    standbyTargetGroupArn?: string;
    tags: Tag[];
    /** The shard's capacity: its slots are the priorities 1..max. */
    maxPriority: number;
  },
  usedByRules: ReadonlySet<number>,
): Promise<ListenerRuleInfo> => {
  const tried = new Set<number>();
  for (let attempt = 0; attempt < MAX_PRIORITY_ATTEMPTS; attempt += 1) {
    const claims = await deps.priorities.list(spec.listenerArn);
    const priority = choosePriority({
      tenantId: spec.tenantId,
      usedByRules,
      claims,
      tried,
      max: spec.maxPriority,
    });
    if (priority === undefined)
      throw new QuotaExceededError(
        `no free listener rule priority from 1 to ${spec.maxPriority} on ${spec.listenerArn}`,
      );
    tried.add(priority);
    if (!(await deps.priorities.claim(spec.listenerArn, priority, spec.tenantId))) continue;
    const created = await deps.elb.createListenerRule({
      listenerArn: spec.listenerArn,
      priority,
      headerName: deps.config.tenantHeaderName,
      headerValue: spec.tenantId,
      targetGroupArn: spec.targetGroupArn,
      ...(spec.standbyTargetGroupArn ? { standbyTargetGroupArn: spec.standbyTargetGroupArn } : {}),
      tags: spec.tags,
    });
    if (created !== 'priority-in-use') return created;
    await deps.priorities.release(spec.listenerArn, priority, spec.tenantId);
  }
  throw new RetryableError(`no listener rule priority could be claimed in ${MAX_PRIORITY_ATTEMPTS} attempts`);
};

/**
 * The shards a tenant's rule may go to, by the priority registry, in the order to try them: the one
 * where it holds a priority already (an earlier attempt claimed there, and may have made the rule),
 * then each shard with a free slot, in order (shards fill one after the other). A shard whose every
 * slot another tenant claimed is left out.
 */
export const shardsToTry = async (
  deps: StepDeps,
  shards: readonly LoadBalancerShard[],
  tenantId: string,
  /** The claims on each shard, when the caller read them already. */
  claims?: ShardClaims,
): Promise<LoadBalancerShard[]> => {
  const read = claims ?? (await shardClaims(deps, shards));
  const own: LoadBalancerShard[] = [];
  const free: LoadBalancerShard[] = [];
  for (const shard of shards) {
    const onShard = read.get(shard.listenerArn) ?? [];
    const capacity = shardCapacity(shard.index, deps.config.shardCapacity);
    if (onShard.some((claim) => claim.tenantId === tenantId)) own.push(shard);
    else if (
      slotsTaken(
        onShard.map((claim) => claim.priority),
        capacity,
      ) < capacity
    )
      free.push(shard);
  }
  return [...own, ...free];
};

/** Every shard full: the quota named, and the way past it. */
const shardsFull = (shards: readonly LoadBalancerShard[], deps: StepDeps): QuotaExceededError =>
  new QuotaExceededError(
    `every load balancer shard is full (${shards.length} shard${shards.length === 1 ? '' : 's'} of ` +
      `${shards.map((shard) => shardCapacity(shard.index, deps.config.shardCapacity)).join('+')} tenants; ` +
      `${QUOTAS.targetGroupsPerLoadBalancer.name}: ${QUOTAS.targetGroupsPerLoadBalancer.limit}): ` +
      'raise LoadBalancerShards of the shared stack or add a shard (tenantflow shards add)',
  );

/**
 * CreateListenerRule: the tenant's rule on a load balancer shard (src/domain/shards.ts). It adopts
 * the rule already matching the tenant's header on the shard where it holds a priority when it is
 * tagged as the tenant's (an earlier attempt made it), else claims a free slot (a priority up to the
 * shard's capacity) on the first shard with one and creates the rule there. A rule matching the
 * header that belongs to anyone else fails the step: it would route the tenant's requests.
 */
export const createListenerRule: Step = async (state, deps, ctx) => {
  const startedAt = deps.now();
  const { tenantId } = state.request;
  const placement = ownServicePlacement(state, 'CreateListenerRule');
  const { shards } = await sharedInfrastructure(deps);
  const targetGroupArn = required(state.resources.targetGroup?.arn, 'resources.targetGroup');
  for (const shard of await shardsToTry(deps, shards, tenantId)) {
    const { listenerArn } = shard;
    const rules = await deps.elb.listListenerRules(listenerArn);
    const existing = rules.find((candidate) => matchesTenant(candidate, tenantId));
    if (existing) {
      const tags = (await deps.elb.tagsOf([existing.arn])).get(existing.arn) ?? [];
      ensureOurs(tags, tenantId, `listener rule ${existing.arn} (priority ${existing.priority})`);
    }
    let rule = existing;
    try {
      rule ??= await allocateRule(
        deps,
        {
          listenerArn,
          tenantId,
          targetGroupArn,
          tags: tenantTags(tenantId, placement.tier),
          maxPriority: shardCapacity(shard.index, deps.config.shardCapacity),
        },
        new Set(rules.flatMap((candidate) => (candidate.priority === undefined ? [] : [candidate.priority]))),
      );
    } catch (error) {
      // Filled meanwhile (another onboarding took its last slot): the next shard.
      if (error instanceof QuotaExceededError) continue;
      throw error;
    }
    const priority = required(rule.priority, `the priority of rule ${rule.arn}`);
    // The registry must hold the priority the rule has (a rule found after a crash may predate its
    // claim), and nothing else for this tenant (claims left by lost races).
    await deps.priorities.claim(listenerArn, priority, tenantId);
    for (const claim of await deps.priorities.list(listenerArn)) {
      if (claim.tenantId === tenantId && claim.priority !== priority) {
        await deps.priorities.release(listenerArn, claim.priority, tenantId);
      }
    }
    const next: SagaState = {
      ...state,
      resources: { ...state.resources, listenerRule: { listenerArn, arn: rule.arn, priority } },
    };
    await checkpoint(deps, ctx, next, 'CreateListenerRule', startedAt);
    return next;
  }
  throw shardsFull(shards, deps);
};

/**
 * DeleteListenerRule: the recorded rule and every rule matching the tenant's header, on the recorded
 * listener and (own-service placements) the first shard's and every shard's where the tenant holds
 * a priority (a rule is only made after its claim: an attempt that died before recording its rule
 * left one there), each only when tagged as the tenant's; then every priority the tenant holds there.
 */
export const deleteListenerRule: Step = async (state, deps, ctx) => {
  const { tenantId } = state.request;
  const recorded = state.resources.listenerRule;
  const own = ownsService(state.placement);
  const shards = own ? (await sharedInfrastructure(deps)).shards : [];
  const claimedOn: string[] = [];
  for (const shard of shards.slice(1))
    if ((await deps.priorities.list(shard.listenerArn)).some((claim) => claim.tenantId === tenantId))
      claimedOn.push(shard.listenerArn);
  const listeners = distinct([recorded?.listenerArn, shards[0]?.listenerArn, ...claimedOn]);
  if (listeners.length === 0) return state;
  const startedAt = deps.now();
  const candidates: string[] = recorded ? [recorded.arn] : [];
  for (const listenerArn of listeners) {
    const rules = await deps.elb.listListenerRules(listenerArn);
    candidates.push(...rules.filter((rule) => matchesTenant(rule, tenantId)).map((rule) => rule.arn));
  }
  const arns = distinct(candidates);
  const tags = await deps.elb.tagsOf(arns);
  const skipped: string[] = [];
  for (const arn of arns) {
    const found = tags.get(arn);
    if (!found) continue;
    if (ownership(found, tenantId) !== 'ours') {
      skipped.push(arn);
      continue;
    }
    await deps.elb.deleteListenerRule(arn);
  }
  for (const listenerArn of listeners) {
    for (const claim of await deps.priorities.list(listenerArn)) {
      if (claim.tenantId === tenantId) await deps.priorities.release(listenerArn, claim.priority, tenantId);
    }
  }
  const next: SagaState = { ...state, resources: withoutResource(state.resources, 'listenerRule') };
  await checkpoint(deps, ctx, next, 'DeleteListenerRule', startedAt, notOurs(skipped, 'listener rule'));
  return next;
};
