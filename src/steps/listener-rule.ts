import { ownsService } from '../domain/catalogue.ts';
import { QuotaExceededError, RetryableError } from '../domain/errors.ts';
import { ownership, type Tag, tenantTags } from '../domain/naming.ts';
import { withoutResource } from '../domain/resources.ts';
import type { SagaState } from '../domain/saga-state.ts';
import type { ListenerRuleInfo } from '../ports/load-balancer.ts';
import { checkpoint } from './checkpoint.ts';
import { distinct, ensureOurs, notOurs, ownServicePlacement, required } from './placement.ts';
import { choosePriority, MAX_PRIORITY_ATTEMPTS } from './priority.ts';
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
  },
  usedByRules: ReadonlySet<number>,
): Promise<ListenerRuleInfo> => {
  const tried = new Set<number>();
  for (let attempt = 0; attempt < MAX_PRIORITY_ATTEMPTS; attempt += 1) {
    const claims = await deps.priorities.list(spec.listenerArn);
    const priority = choosePriority({ tenantId: spec.tenantId, usedByRules, claims, tried });
    if (priority === undefined)
      throw new QuotaExceededError(`no free listener rule priority on ${spec.listenerArn}`);
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
 * CreateListenerRule: adopts the rule already matching the tenant's header when it is tagged as the
 * tenant's (an earlier attempt made it), else allocates a priority and creates it. A rule matching
 * the header that belongs to anyone else fails the step: it would route the tenant's requests.
 */
export const createListenerRule: Step = async (state, deps, ctx) => {
  const startedAt = deps.now();
  const { tenantId } = state.request;
  const placement = ownServicePlacement(state, 'CreateListenerRule');
  const { listenerArn } = await deps.infra.get();
  const targetGroupArn = required(state.resources.targetGroup?.arn, 'resources.targetGroup');
  const rules = await deps.elb.listListenerRules(listenerArn);
  const existing = rules.find((candidate) => matchesTenant(candidate, tenantId));
  if (existing) {
    const tags = (await deps.elb.tagsOf([existing.arn])).get(existing.arn) ?? [];
    ensureOurs(tags, tenantId, `listener rule ${existing.arn} (priority ${existing.priority})`);
  }
  const rule =
    existing ??
    (await allocateRule(
      deps,
      { listenerArn, tenantId, targetGroupArn, tags: tenantTags(tenantId, placement.tier) },
      new Set(rules.flatMap((candidate) => (candidate.priority === undefined ? [] : [candidate.priority]))),
    ));
  const priority = required(rule.priority, `the priority of rule ${rule.arn}`);
  // The registry must hold the priority the rule has (a rule found after a crash may predate its claim),
  // and nothing else for this tenant (claims left by lost races).
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
};

/**
 * DeleteListenerRule: the recorded rule and every rule matching the tenant's header, on the recorded
 * listener and (own-service placements) the shared one, each only when tagged as the tenant's; then
 * every priority the tenant holds there.
 */
export const deleteListenerRule: Step = async (state, deps, ctx) => {
  const { tenantId } = state.request;
  const recorded = state.resources.listenerRule;
  const infra = ownsService(state.placement) || recorded ? await deps.infra.get() : undefined;
  const listeners = distinct([
    recorded?.listenerArn,
    ownsService(state.placement) ? infra?.listenerArn : undefined,
  ]);
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
