/**
 * The shard machine's steps (state-machines/shard.ts): adding a load balancer shard when every shard
 * is filling up, and the one view of the shards every other step reads (the stack's and the added
 * ones). Each step is idempotent: run again after a crash it finds what it made by name and tag.
 */
import { FatalError, RetryableError } from '../domain/errors.ts';
import { MANAGED_BY, TAG_KEYS, type Tag, tagValue } from '../domain/naming.ts';
import { SHARD_MACHINE, SHARD_MAX_LOOKS, type ShardStepName } from '../domain/saga.ts';
import { type ShardState, shardRequestSchema, shardStateSchema } from '../domain/shard-state.ts';
import {
  activeGrownShards,
  type GrownShard,
  grownShardName,
  type LoadBalancerShard,
  nextGrownShardIndex,
  type ShardFill,
  shardCapacity,
  shardsFilling,
  slotsTaken,
} from '../domain/shards.ts';
import type { SharedInfrastructure } from '../ports/shared-infrastructure.ts';
import type { PriorityClaim } from '../ports/tenant-map.ts';
import type { StepContext, StepDeps } from './types.ts';

/**
 * The shared infrastructure with every shard that takes tenants: the stack's, then those the shard
 * machine added (ACTIVE in the shard registry), in index order. Given the listener a tenant's rule is
 * on (`only`), the registry is read only when that listener is not one of the stack's: a caller that
 * only wants that tenant's shard (its routing) then costs no read.
 */
export const sharedInfrastructure = async (
  deps: StepDeps,
  only?: { listenerArn: string | undefined },
): Promise<SharedInfrastructure> => {
  const infra = await deps.infra.get();
  const listener = only?.listenerArn;
  if (only && (listener === undefined || infra.shards.some((shard) => shard.listenerArn === listener)))
    return infra;
  const grown = activeGrownShards(await deps.shardRegistry.list());
  return grown.length === 0 ? infra : { ...infra, shards: [...infra.shards, ...grown] };
};

/** The priority claims on each shard's listener (a claim is a tenant's slot), read once per shard. */
export type ShardClaims = ReadonlyMap<string, readonly PriorityClaim[]>;

export const shardClaims = async (
  deps: StepDeps,
  shards: readonly LoadBalancerShard[],
): Promise<ShardClaims> =>
  new Map(
    await Promise.all(
      shards.map(
        async (shard) => [shard.listenerArn, await deps.priorities.list(shard.listenerArn)] as const,
      ),
    ),
  );

/** How full each shard is, by the priority registry (`claims` when the caller read them already). */
export const shardFills = async (
  deps: StepDeps,
  shards: readonly LoadBalancerShard[],
  claims?: ShardClaims,
): Promise<ShardFill[]> => {
  const read = claims ?? (await shardClaims(deps, shards));
  return shards.map((shard) => {
    const capacity = shardCapacity(shard.index, deps.config.shardCapacity);
    const priorities = (read.get(shard.listenerArn) ?? []).map((claim) => claim.priority);
    return { index: shard.index, used: slotsTaken(priorities, capacity), capacity };
  });
};

/** The execution name an automatic start of the shard machine takes: one a shard per hour. */
export const growthExecutionName = (index: number, now: Date): string =>
  `add-shard-${index + 1}-${now
    .toISOString()
    .slice(0, 13)
    .replace(/[^0-9]/g, '')}`;

/**
 * Starts the shard machine when every shard is filled to the growth threshold (`SHARD_GROWTH_THRESHOLD`;
 * unset: never) and the limit allows one more. Never fails its caller: a start that does not go
 * through is logged, and the next onboarding looks again.
 */
export const growIfFilling = async (
  deps: StepDeps,
  shards: readonly LoadBalancerShard[],
  reason: string,
  claims?: ShardClaims,
): Promise<string | undefined> => {
  const { threshold, limit } = deps.config.shardGrowth;
  if (threshold === undefined) return undefined;
  try {
    const grown = await deps.shardRegistry.list();
    if (grown.filter((shard) => shard.status === 'ACTIVE').length >= limit) return undefined;
    if (!shardsFilling(await shardFills(deps, shards, claims), threshold)) return undefined;
    // A shard being added already: leave it to its execution while that runs; one that died left
    // its reservation for the next execution to take over.
    const creating = grown.find((shard) => shard.status === 'CREATING');
    if (creating && (await deps.workflows.describe(SHARD_MACHINE, creating.execution))?.status === 'RUNNING')
      return undefined;
    const name = growthExecutionName(creating?.index ?? nextGrownShardIndex(grown), deps.now());
    const started = await deps.workflows.start(SHARD_MACHINE, name, { reason });
    deps.log.info('every load balancer shard is filling up: adding one', {
      execution: name,
      outcome: started.outcome,
      threshold,
    });
    return name;
  } catch (error) {
    deps.log.warn('could not start adding a load balancer shard', {
      error: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  }
};

/** The tags of a grown shard's load balancer and listener. */
const shardTags = (index: number): Tag[] => [
  { key: TAG_KEYS.managedBy, value: MANAGED_BY },
  { key: TAG_KEYS.shard, value: String(index + 1) },
];

const isShardOf = (tags: readonly Tag[] | undefined, index: number): boolean =>
  tags !== undefined &&
  tagValue(tags, TAG_KEYS.managedBy) === MANAGED_BY &&
  tagValue(tags, TAG_KEYS.shard) === String(index + 1);

const requireShard = (state: ShardState, step: ShardStepName) => {
  if (!state.shard) throw new FatalError(`${step}: state.shard is missing (PlanShard reserves it)`);
  return state.shard;
};

/** Whether the registry already holds this execution's shard ACTIVE: then nothing may be undone. */
const recordedActive = async (deps: StepDeps, index: number, ctx: StepContext): Promise<boolean> =>
  (await deps.shardRegistry.list()).some(
    (shard) => shard.index === index && shard.status === 'ACTIVE' && shard.execution === ctx.execution,
  );

/**
 * PlanShard: from the raw input (`{}`, `{ force, reason }`) to the shard to add. Nothing to add when
 * the shards have room (unless forced), when the limit (`SHARD_GROWTH_LIMIT`) is reached, or when
 * another execution is adding one now. A shard a dead execution left reserved is taken over (its
 * load balancer, if it made one, is found by name and adopted); otherwise the next index is reserved.
 */
export const planShard = async (raw: unknown, deps: StepDeps, ctx: StepContext): Promise<ShardState> => {
  const parsed = shardRequestSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = ['input', ...(issue?.path.map(String) ?? [])].join('.');
    throw new FatalError(`${field}: ${issue?.message ?? 'is not a shard request'}`);
  }
  const request = parsed.data;
  const infra = await sharedInfrastructure(deps);
  if (!infra.publicSubnetIds?.length || !infra.loadBalancerSecurityGroupId)
    throw new FatalError(
      `the shared stack ${deps.config.sharedStackName} has no PublicSubnetIds or LoadBalancerSecurityGroupId ` +
        'output: update it with infra/shared.yaml before adding load balancer shards',
    );
  const notNeeded = (note: string): ShardState => ({ request, outcome: 'not-needed', note });
  const grown = await deps.shardRegistry.list();
  const { limit, threshold } = deps.config.shardGrowth;
  const creating = grown.find((shard) => shard.status === 'CREATING');
  let shard: GrownShard | undefined;
  if (creating && creating.execution !== ctx.execution) {
    const holder = await deps.workflows.describe(SHARD_MACHINE, creating.execution);
    if (holder?.status === 'RUNNING')
      return notNeeded(`shard ${creating.index + 1} is being added by ${creating.execution}`);
    if (!(await deps.shardRegistry.takeOver(creating.index, creating.execution, ctx.execution)))
      throw new RetryableError(`shard ${creating.index + 1} changed hands while being taken over`);
    shard = { ...creating, execution: ctx.execution };
  } else if (creating) {
    shard = creating;
  } else {
    if (grown.length >= limit)
      return notNeeded(`${grown.length} shards added already: SHARD_GROWTH_LIMIT is ${limit}`);
    if (!request.force) {
      const fills = await shardFills(deps, infra.shards);
      if (!shardsFilling(fills, threshold ?? 1))
        return notNeeded(
          `the shards have room (${fills.map((fill) => `${fill.used}/${fill.capacity}`).join(', ')})`,
        );
    }
    const index = nextGrownShardIndex(grown);
    if ((await deps.shardRegistry.reserve(index, ctx.execution)) === 'taken')
      throw new RetryableError(`shard ${index + 1} was reserved by another execution meanwhile`);
    shard = { index, status: 'CREATING', execution: ctx.execution };
  }
  deps.log.info('adding a load balancer shard', { shard: shard.index + 1, reason: request.reason });
  return {
    request,
    outcome: 'adding',
    shard: { index: shard.index, name: grownShardName(deps.config.resourcePrefix, shard.index) },
  };
};

/**
 * CreateLoadBalancer: the shard's ALB, internet-facing, in the stack's public subnets with the ALB
 * security group (which the tasks' group admits). One found by its name is adopted when tagged as
 * this shard; anything else of that name fails the step.
 */
const createLoadBalancer = async (state: ShardState, deps: StepDeps): Promise<ShardState> => {
  const shard = requireShard(state, 'CreateLoadBalancer');
  const infra = await deps.infra.get();
  const found = await deps.elb.findLoadBalancer(shard.name);
  if (found) {
    const tags = (await deps.elb.tagsOf([found.arn])).get(found.arn);
    if (!isShardOf(tags, shard.index))
      throw new FatalError(`load balancer ${shard.name} exists and is not shard ${shard.index + 1}'s`);
  }
  const made =
    found ??
    (await deps.elb.createLoadBalancer({
      name: shard.name,
      subnetIds: infra.publicSubnetIds ?? [],
      securityGroupIds: infra.loadBalancerSecurityGroupId ? [infra.loadBalancerSecurityGroupId] : [],
      tags: shardTags(shard.index),
    }));
  return { ...state, loadBalancer: { arn: made.arn, dnsName: made.dnsName }, ready: false, looks: 0 };
};

/** WaitForLoadBalancer: one look at the new ALB; `ready` once active, a failure once failed or too slow. */
const waitForLoadBalancer = async (state: ShardState, deps: StepDeps): Promise<ShardState> => {
  const shard = requireShard(state, 'WaitForLoadBalancer');
  const found = await deps.elb.findLoadBalancer(shard.name);
  if (!found) throw new FatalError(`load balancer ${shard.name} is gone`);
  const looks = (state.looks ?? 0) + 1;
  if (found.state === 'failed') throw new FatalError(`load balancer ${shard.name} failed to provision`);
  const ready = found.state === 'active' || found.state === 'active_impaired';
  if (!ready && looks >= SHARD_MAX_LOOKS)
    throw new FatalError(`load balancer ${shard.name} still ${found.state} after ${looks} looks`);
  return { ...state, loadBalancer: { arn: found.arn, dnsName: found.dnsName }, ready, looks };
};

/** CreateShardListener: the shard's HTTP listener, 404 by default; the one already there is adopted. */
const createShardListener = async (state: ShardState, deps: StepDeps): Promise<ShardState> => {
  const shard = requireShard(state, 'CreateShardListener');
  const lb = state.loadBalancer;
  if (!lb) throw new FatalError('CreateShardListener: state.loadBalancer is missing');
  const existing = (await deps.elb.listListeners(lb.arn)).find((listener) => listener.port === 80);
  const listener =
    existing ??
    (await deps.elb.createListener({ loadBalancerArn: lb.arn, port: 80, tags: shardTags(shard.index) }));
  return { ...state, listener: { arn: listener.arn } };
};

/** RecordShard: the shard ACTIVE in the registry, with its listener and DNS name: it takes tenants. */
const recordShard = async (state: ShardState, deps: StepDeps, ctx: StepContext): Promise<ShardState> => {
  const shard = requireShard(state, 'RecordShard');
  if (!state.loadBalancer || !state.listener)
    throw new FatalError('RecordShard: state.loadBalancer or state.listener is missing');
  const recorded = await deps.shardRegistry.activate(shard.index, ctx.execution, {
    loadBalancerArn: state.loadBalancer.arn,
    listenerArn: state.listener.arn,
    dnsName: state.loadBalancer.dnsName,
  });
  if (!recorded) throw new FatalError(`shard ${shard.index + 1} is no longer reserved by ${ctx.execution}`);
  deps.log.info('load balancer shard added', { shard: shard.index + 1, dnsName: state.loadBalancer.dnsName });
  return { ...state, outcome: 'added' };
};

/** DeleteShardListener: the shard's listener (found on its load balancer), unless the shard is ACTIVE. */
const deleteShardListener = async (
  state: ShardState,
  deps: StepDeps,
  ctx: StepContext,
): Promise<ShardState> => {
  if (!state.shard) return state;
  if (await recordedActive(deps, state.shard.index, ctx)) return { ...state, committed: true };
  const found = await deps.elb.findLoadBalancer(state.shard.name);
  const arns = new Set([
    ...(state.listener ? [state.listener.arn] : []),
    ...(found ? (await deps.elb.listListeners(found.arn)).map((listener) => listener.arn) : []),
  ]);
  for (const arn of arns) await deps.elb.deleteListener(arn);
  const { listener: _gone, ...rest } = state;
  return rest;
};

/** DeleteShardLoadBalancer: the shard's ALB when tagged as this shard's, unless the shard is ACTIVE. */
const deleteShardLoadBalancer = async (
  state: ShardState,
  deps: StepDeps,
  ctx: StepContext,
): Promise<ShardState> => {
  if (!state.shard) return state;
  if (state.committed || (await recordedActive(deps, state.shard.index, ctx)))
    return { ...state, committed: true };
  const found = await deps.elb.findLoadBalancer(state.shard.name);
  if (found) {
    const tags = (await deps.elb.tagsOf([found.arn])).get(found.arn);
    if (isShardOf(tags, state.shard.index)) await deps.elb.deleteLoadBalancer(found.arn);
  }
  const { loadBalancer: _gone, ready: _ready, looks: _looks, ...rest } = state;
  return rest;
};

/** ReleaseShard: the reservation, if this execution holds it and it is not ACTIVE. */
const releaseShard = async (state: ShardState, deps: StepDeps, ctx: StepContext): Promise<ShardState> => {
  if (!state.shard || state.committed) return state;
  if (await recordedActive(deps, state.shard.index, ctx)) return { ...state, committed: true };
  await deps.shardRegistry.release(state.shard.index, ctx.execution);
  return state;
};

const STATE_STEPS: Record<
  Exclude<ShardStepName, 'PlanShard'>,
  (state: ShardState, deps: StepDeps, ctx: StepContext) => Promise<ShardState>
> = {
  CreateLoadBalancer: createLoadBalancer,
  WaitForLoadBalancer: waitForLoadBalancer,
  CreateShardListener: createShardListener,
  RecordShard: recordShard,
  DeleteShardListener: deleteShardListener,
  DeleteShardLoadBalancer: deleteShardLoadBalancer,
  ReleaseShard: releaseShard,
};

/**
 * Runs a shard step. PlanShard takes the raw execution input; the others the machine's state. On the
 * way back after PlanShard itself failed, the state is still the raw input: there is nothing to undo.
 */
export const dispatchShardStep = (
  step: ShardStepName,
  raw: unknown,
  deps: StepDeps,
  ctx: StepContext,
): Promise<unknown> => {
  if (step === 'PlanShard') return planShard(raw, deps, ctx);
  const parsed = shardStateSchema.safeParse(raw);
  if (!parsed.success) {
    if (step === 'ReleaseShard' || step === 'DeleteShardListener' || step === 'DeleteShardLoadBalancer')
      return Promise.resolve(raw);
    const issue = parsed.error.issues[0];
    const field = ['state', ...(issue?.path.map(String) ?? [])].join('.');
    throw new FatalError(`${field}: ${issue?.message ?? 'is not a shard machine state'}`);
  }
  return STATE_STEPS[step](parsed.data, deps, ctx);
};
