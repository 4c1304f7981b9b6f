/**
 * Tier migration: the tenant moves to another placement while it is served throughout. The target is
 * built by the onboarding's own create steps (the saga state's `placement`/`resources` are the
 * target's meanwhile, and the record keeps them as its `migration`), proven healthy, then the routing
 * switches in one ELB change; only after the switch is committed does the source go. Any failure
 * before that puts the routing back, removes the target, and leaves the tenant as it was.
 *
 * Resource names carry the placement's generation (one more per migration), so the source and the
 * target never share a name.
 */

import {
  healthOf,
  ownsService,
  ownsTables,
  ownsUserPool,
  type Placement,
  placementOf,
} from '../domain/catalogue.ts';
import { ConflictError, FatalError, ValidationError } from '../domain/errors.ts';
import { TAG_KEYS, tenantTags } from '../domain/naming.ts';
import { failedStep, failureReason } from '../domain/reasons.ts';
import { withoutSizes } from '../domain/release.ts';
import { hasNoResources, type TenantResources, withoutResource } from '../domain/resources.ts';
import type { StepName } from '../domain/saga.ts';
import type { MigrationProgress, SagaState } from '../domain/saga-state.ts';
import { shardCapacity } from '../domain/shards.ts';
import { tenantRouting } from '../domain/tenant-config.ts';
import type { MigrationRecord, TenantRecord } from '../domain/tenant-record.ts';
import { admitMigration } from './admission.ts';
import { checkpoint, stepEntry as entry } from './checkpoint.ts';
import { allocateRule, createListenerRule, deleteListenerRule, matchesTenant } from './listener-rule.ts';
import { ensureOurs } from './placement.ts';
import { PLACEMENT_REMOVALS } from './resource-operations.ts';
import { sharedInfrastructure } from './shard.ts';
import type { Step, StepContext, StepDeps } from './types.ts';

const progressOf = (state: SagaState, step: StepName): MigrationProgress => {
  if (!state.migration) throw new FatalError(`${step}: the saga state has no migration`);
  return state.migration;
};

const placementOfState = (state: SagaState, step: StepName): Placement => {
  if (!state.placement) throw new FatalError(`${step}: the saga state has no placement`);
  return state.placement;
};

const recordOf = async (deps: StepDeps, tenantId: string, step: StepName): Promise<TenantRecord> => {
  const record = await deps.tenants.get(tenantId);
  if (!record?.placement) throw new FatalError(`${step}: tenant ${tenantId} has no placed record`);
  return record;
};

/** Runs `removals` on a side of the migration (the saga state's placement and resources). */
const removeSide = async (state: SagaState, deps: StepDeps, ctx: StepContext): Promise<SagaState> => {
  // The source of a move to a pooled tier names the rule that forwarded to the pooled group since
  // the switch: it goes first (the shared pooled rule serves on). A target being undone may name the
  // tenant's rule only because SwitchBack could not take it back: that rule is never the undo's.
  const removing = state.migration?.phase === 'removing' && state.resources.listenerRule;
  let next = removing ? await deleteListenerRule(state, deps, ctx) : state;
  // A placement's own kinds, in removal order; its listener rule is the routing's, handled apart.
  for (const remove of PLACEMENT_REMOVALS) next = await remove(next, deps, ctx);
  return next;
};

/**
 * PlanMigration: resolves the target placement (the requested tier, next generation) and records the
 * migration; from then on the saga state's placement and resources are the target's. A cleanup
 * (after a migration that died) plans from the record instead: back to the original when the switch
 * had not been committed, on to the end when it had.
 */
export const planMigration: Step = async (state, deps, ctx) => {
  const startedAt = deps.now();
  const { tenantId, cleanup } = state.request;
  const record = await recordOf(deps, tenantId, 'PlanMigration');
  const current = {
    placement: record.placement as Placement,
    resources: record.resources,
    ...(record.routing ? { routing: record.routing } : {}),
  };
  if (cleanup) {
    const left = record.migration;
    if (left?.direction === 'from') {
      // Committed: the record is the target; what is left of the source goes.
      return {
        ...state,
        placement: left.placement,
        resources: left.resources,
        migration: {
          original: { placement: left.placement, resources: left.resources },
          phase: 'removing',
          target: current,
        },
      };
    }
    return {
      ...state,
      placement: left?.placement ?? current.placement,
      resources: left?.resources ?? {},
      migration: { original: current, phase: 'building' },
    };
  }
  const tier = state.request.tier;
  // The plan this very execution recorded before its handler died (it holds the lock, and nothing of
  // the target is built yet): the same plan again, not a conflict.
  const ours =
    record.migration?.direction === 'to' &&
    record.lock?.execution === ctx.execution &&
    record.migration.placement.tier === tier &&
    Object.keys(record.migration.resources).length === 0;
  // What the saga goes on with, building `target`: the tenant keeps its release on it (at the
  // target's sizes); a pooled target has none.
  const building = (target: Placement): SagaState => ({
    ...state,
    placement: target,
    resources: {},
    ...(ownsService(target) && record.release ? { release: withoutSizes(record.release) } : {}),
    migration: { original: current, phase: 'building' },
  });
  if (record.migration && ours) return building(record.migration.placement);
  if (record.migration) {
    throw new ConflictError(
      `tenant ${tenantId} still has what an earlier migration left (${record.migration.direction} tier ${record.migration.placement.tier}): run tenantflow reconcile --repair first`,
    );
  }
  if (!tier) throw new ValidationError('tier', 'is required: the tier to move the tenant to');
  const target: Placement = {
    ...placementOf(deps.config.catalogue, tier, deps.config.health.path),
    generation: (current.placement.generation ?? 0) + 1,
  };
  if (target.tier === current.placement.tier) {
    throw new ConflictError(`tenant ${tenantId} is already on tier ${tier}: nothing to migrate`);
  }
  // A migration builds the target's resources and removes the source's: a user pool would be
  // rebuilt empty, its users and their passwords lost. Refused before anything changes.
  const pooled = [current.placement, target].find((placement) => ownsUserPool(placement));
  if (pooled || current.resources.identity) {
    throw new ConflictError(
      `tenant ${tenantId} cannot move from tier ${current.placement.tier} to ${target.tier}: tier ${pooled?.tier ?? current.placement.tier} gives each tenant its own user pool, and a migration does not move users between pools yet (nothing was changed)`,
    );
  }
  // Its own tables hold its data: a migration would rebuild them empty (or leave them behind).
  const tabled = [current.placement, target].find((placement) => ownsTables(placement));
  if (tabled || Object.keys(current.resources.tables?.tables ?? {}).length > 0) {
    throw new ConflictError(
      `tenant ${tenantId} cannot move from tier ${current.placement.tier} to ${target.tier}: tier ${tabled?.tier ?? current.placement.tier} gives each tenant its own DynamoDB tables, and a migration does not move their items yet (nothing was changed)`,
    );
  }
  // Before anything is made for the target: whether it fits the quotas (nothing to undo if not).
  await admitMigration(deps, tenantId, current, target);
  const migration: MigrationRecord = { direction: 'to', placement: target, resources: {} };
  await deps.tenants.recordMigration(tenantId, ctx.execution, { migration }, [
    entry(
      state,
      deps,
      ctx,
      'PlanMigration',
      startedAt,
      `from tier ${current.placement.tier} to ${target.tier}`,
    ),
  ]);
  return building(target);
};

/**
 * The tenant's rule on the first shard's listener (tagged as its own), if it has one: where a pooled
 * tenant's rule for a move goes (the pooled group is that load balancer's).
 */
const tenantRule = async (deps: StepDeps, tenantId: string) => {
  const { listenerArn } = await deps.infra.get();
  const found = (await deps.elb.listListenerRules(listenerArn)).find((rule) => matchesTenant(rule, tenantId));
  if (!found) return undefined;
  const tags = (await deps.elb.tagsOf([found.arn])).get(found.arn) ?? [];
  ensureOurs(tags, tenantId, `listener rule ${found.arn}`);
  return { listenerArn, rule: found };
};

/**
 * AttachTargetGroup: the target's group joins the tenant's rule at weight 0, so the load balancer
 * forwards to it (ECS requires that before a service may use it) while every request still goes
 * where it went. A pooled tenant has no rule: one is made, forwarding to the pooled group, with the
 * target's attached the same way.
 */
export const attachTargetGroup: Step = async (state, deps, ctx) => {
  const startedAt = deps.now();
  const { original } = progressOf(state, 'AttachTargetGroup');
  const { tenantId } = state.request;
  const target = placementOfState(state, 'AttachTargetGroup');
  const group = state.resources.targetGroup;
  if (!group) throw new FatalError('AttachTargetGroup: the target has no target group recorded');
  const existing = await tenantRule(deps, tenantId);
  if (original.resources.listenerRule) {
    const serving = original.resources.targetGroup?.arn;
    if (!serving)
      throw new FatalError('AttachTargetGroup: the original placement has no target group recorded');
    const rule = original.resources.listenerRule;
    if ((await deps.elb.forwardListenerRule(rule.arn, serving, group.arn)) === 'absent')
      throw new FatalError(`AttachTargetGroup: the tenant's rule ${rule.arn} is gone`);
    return state;
  }
  // Pooled: a rule of the tenant's own, serving from the pooled group as the shared rule did.
  const infra = await deps.infra.get();
  const made = existing
    ? { listenerArn: existing.listenerArn, rule: existing.rule }
    : {
        listenerArn: infra.listenerArn,
        rule: await allocateRule(
          deps,
          {
            listenerArn: infra.listenerArn,
            tenantId,
            targetGroupArn: infra.pooledTargetGroupArn,
            standbyTargetGroupArn: group.arn,
            tags: tenantTags(tenantId, target.tier),
            // The pooled group is the first shard's: the tenant's own rule goes there too.
            maxPriority: shardCapacity(0, deps.config.shardCapacity),
          },
          new Set(
            (await deps.elb.listListenerRules(infra.listenerArn)).flatMap((r) =>
              r.priority === undefined ? [] : [r.priority],
            ),
          ),
        ),
      };
  if (existing) await deps.elb.forwardListenerRule(existing.rule.arn, infra.pooledTargetGroupArn, group.arn);
  const priority = made.rule.priority;
  if (priority === undefined)
    throw new FatalError(`AttachTargetGroup: rule ${made.rule.arn} has no priority`);
  await deps.priorities.claim(made.listenerArn, priority, tenantId);
  const next = {
    ...state,
    resources: {
      ...state.resources,
      listenerRule: { listenerArn: made.listenerArn, arn: made.rule.arn, priority },
    },
  };
  await checkpoint(deps, ctx, next, 'AttachTargetGroup', startedAt);
  return next;
};

/**
 * SwitchRouting: the tenant's requests go to the target from now on, in one ELB change: its rule
 * forwards to the target's group alone, or (the target is pooled) to the pooled group.
 */
export const switchRouting: Step = async (state, deps, ctx) => {
  const startedAt = deps.now();
  const progress = progressOf(state, 'SwitchRouting');
  const { original } = progress;
  const target = placementOfState(state, 'SwitchRouting');
  // Requests on their way to the source finish within its group's deregistration delay; a pooled
  // source's service stays, so nothing of it needs waiting for.
  const drained = (next: SagaState): SagaState => ({
    ...next,
    migration: {
      ...progress,
      drainSeconds: ownsService(original.placement)
        ? healthOf(original.placement).deregistrationDelaySeconds
        : 0,
    },
  });
  if (ownsService(target)) {
    const group = state.resources.targetGroup;
    const rule = state.resources.listenerRule ?? original.resources.listenerRule;
    if (!group || !rule)
      throw new FatalError('SwitchRouting: the target has no target group or rule recorded');
    if ((await deps.elb.forwardListenerRule(rule.arn, group.arn)) === 'absent')
      throw new FatalError(`SwitchRouting: the tenant's rule ${rule.arn} is gone`);
    // The rule is handed over, not made anew: it takes the target's tier tag (SwitchBack gives the
    // original's back).
    await deps.elb.tagResource(rule.arn, [{ key: TAG_KEYS.tier, value: target.tier }]);
    const next = drained({ ...state, resources: { ...state.resources, listenerRule: rule } });
    await checkpoint(
      deps,
      ctx,
      next,
      'SwitchRouting',
      startedAt,
      `rule ${rule.arn} now forwards to ${group.arn}`,
    );
    return next;
  }
  // The target is pooled: the tenant's rule forwards to the pooled group (the same group the shared
  // pooled rule serves from); it goes with the source, after the commit.
  const rule = original.resources.listenerRule;
  if (!rule) return drained(state);
  const infra = await deps.infra.get();
  if ((await deps.elb.forwardListenerRule(rule.arn, infra.pooledTargetGroupArn)) === 'absent')
    throw new FatalError(`SwitchRouting: the tenant's rule ${rule.arn} is gone`);
  const next = drained(state);
  await checkpoint(
    deps,
    ctx,
    next,
    'SwitchRouting',
    startedAt,
    `rule ${rule.arn} now forwards to the pooled group`,
  );
  return next;
};

/**
 * SwitchBack: routing as the original placement had it, whatever the migration got to: the original
 * rule forwarding to the original group alone again (made anew if the switch had removed it), or no
 * rule of the tenant's at all (it was pooled).
 */
export const switchBack: Step = async (state, deps, ctx) => {
  const progress = progressOf(state, 'SwitchBack');
  const { original } = progress;
  const rule = original.resources.listenerRule;
  const withoutRule = { ...state, resources: withoutResource(state.resources, 'listenerRule') };
  if (!rule) {
    // Pooled originally: any rule of the tenant's is the migration's.
    if (!(await tenantRule(deps, state.request.tenantId)) && !state.resources.listenerRule)
      return withoutRule;
    const cleared = await deleteListenerRule(state, deps, ctx);
    return { ...cleared, resources: withoutResource(cleared.resources, 'listenerRule') };
  }
  const group = original.resources.targetGroup;
  if (!group) throw new FatalError('SwitchBack: the original placement has no target group recorded');
  if ((await deps.elb.forwardListenerRule(rule.arn, group.arn)) === 'forwarded') {
    await deps.elb.tagResource(rule.arn, [{ key: TAG_KEYS.tier, value: original.placement.tier }]);
    return withoutRule;
  }
  // The switch had removed it (the target was pooled): the original rule is made anew, recorded
  // with the original's resources (no migration in this state: its checkpoint writes the record's own).
  const { migration: _progress, ...plain } = state;
  const remade = await createListenerRule(
    {
      ...plain,
      placement: original.placement,
      resources: withoutResource(original.resources, 'listenerRule'),
    },
    deps,
    ctx,
  );
  const restored = { ...original, resources: remade.resources };
  return { ...withoutRule, migration: { ...progress, original: restored } };
};

/** UndoMigrationTarget: the target's own resources go (the routing is back on the original by now). */
export const undoMigrationTarget: Step = async (state, deps, ctx) => removeSide(state, deps, ctx);

/**
 * RestoreTenant: the tenant as it was (placement, resources, routing), ACTIVE and unlocked, with why
 * the migration did not happen; whatever of the target could not be removed stays named on the record.
 */
export const restoreTenant: Step = async (state, deps, ctx) => {
  const startedAt = deps.now();
  const { tenantId } = state.request;
  const record = await deps.tenants.get(tenantId);
  const original =
    state.migration?.original ??
    (record?.placement
      ? {
          placement: record.placement,
          resources: record.resources,
          ...(record.routing ? { routing: record.routing } : {}),
        }
      : undefined);
  if (!record || !original) return state;
  const leftover: TenantResources =
    state.migration && state.migration.phase === 'building' ? state.resources : {};
  const reason = state.failure ? failureReason(state.failure) : undefined;
  await deps.tenants.releaseDead({
    tenantId,
    execution: ctx.execution,
    status: 'ACTIVE',
    active: true,
    placement: original.placement,
    resources: original.resources,
    routing: original.routing ?? null,
    migration:
      hasNoResources(leftover) || !state.placement
        ? null
        : { direction: 'to', placement: state.placement, resources: leftover },
    ...(state.failure && !state.request.cleanup
      ? {
          lastError: {
            operation: state.request.operation,
            step: failedStep(state.failure),
            reason: reason ?? 'migration failed',
            at: deps.now().toISOString(),
          },
        }
      : {}),
    history: [entry(state, deps, ctx, 'RestoreTenant', startedAt, 'the tenant stays where it was')],
    at: deps.now().toISOString(),
  });
  // The saga goes on with what is left of the target: NotifyFailure reports that, not the tenant's own.
  return state;
};

/**
 * CommitMigration: the record becomes the target's (placement, resources, routing), the source what
 * the migration still has to remove. Until here everything could go back; after it, only forward.
 */
export const commitMigration: Step = async (state, deps, ctx) => {
  const startedAt = deps.now();
  const progress = progressOf(state, 'CommitMigration');
  const target = placementOfState(state, 'CommitMigration');
  const routing = tenantRouting(
    state.request.tenantId,
    target,
    state.resources,
    await sharedInfrastructure(deps, { listenerArn: state.resources.listenerRule?.listenerArn }),
  );
  const { original } = progress;
  // A rule the target took over is not the source's any more; one that forwards to the pooled
  // group (the target is pooled) goes with the source.
  const source = state.resources.listenerRule
    ? withoutResource(original.resources, 'listenerRule')
    : original.resources;
  await deps.tenants.recordMigration(
    state.request.tenantId,
    ctx.execution,
    {
      placement: target,
      resources: state.resources,
      routing: routing ?? null,
      migration: { direction: 'from', placement: original.placement, resources: source },
      release: state.release ?? null,
    },
    [entry(state, deps, ctx, 'CommitMigration', startedAt, `now on tier ${target.tier}`)],
  );
  return {
    ...state,
    placement: original.placement,
    resources: source,
    migration: {
      original,
      phase: 'removing',
      target: { placement: target, resources: state.resources, ...(routing ? { routing } : {}) },
    },
  };
};

/** RemoveMigrationSource: the source placement's own resources go. */
export const removeMigrationSource: Step = async (state, deps, ctx) => removeSide(state, deps, ctx);

/**
 * FinishMigration: the migration's end: ACTIVE on the target, unlocked; what of the source could not
 * be removed stays named on the record (reconcile --repair removes it).
 */
export const finishMigration: Step = async (state, deps, ctx) => {
  const startedAt = deps.now();
  const progress = progressOf(state, 'FinishMigration');
  const target = progress.target;
  if (!target) throw new FatalError('FinishMigration: the migration was never committed');
  const leftover = state.resources;
  const request = {
    tenantId: state.request.tenantId,
    execution: ctx.execution,
    status: 'ACTIVE' as const,
    active: true,
    placement: target.placement,
    resources: target.resources,
    routing: target.routing ?? null,
    migration: hasNoResources(leftover)
      ? null
      : { direction: 'from' as const, placement: progress.original.placement, resources: leftover },
    lastError: null,
    history: [
      entry(
        state,
        deps,
        ctx,
        'FinishMigration',
        startedAt,
        hasNoResources(leftover)
          ? undefined
          : "the source placement could not be removed whole: the watcher's cleanup (or reconcile --repair) removes it",
      ),
    ],
    at: deps.now().toISOString(),
  };
  try {
    await deps.tenants.release(request);
  } catch (error) {
    // A retried step: the first attempt already ended the migration.
    const record = await deps.tenants.get(state.request.tenantId);
    const done =
      record &&
      !record.lock &&
      record.history.some((h) => h.execution === ctx.execution && h.step === 'FinishMigration');
    if (!done) throw error;
  }
  return { ...state, placement: target.placement, resources: target.resources };
};
