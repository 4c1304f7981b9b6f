import { QuotaExceededError, RetryableError } from '../domain/errors.ts';
import { type Tag, tenantTags } from '../domain/naming.ts';
import type { SagaState } from '../domain/resources.ts';
import type { ListenerRuleInfo } from '../ports/load-balancer.ts';
import { checkpoint } from './checkpoint.ts';
import { distinct, required, withoutResources } from './placement.ts';
import { choosePriority, MAX_PRIORITY_ATTEMPTS } from './priority.ts';
import type { Step, StepDeps } from './types.ts';

/**
 * Claims a priority in the registry, then creates the rule at it. A lost claim (another tenant got
 * there first) or a priority some unregistered rule holds means: pick again, a bounded number of times.
 */
const allocateRule = async (
  deps: StepDeps,
  spec: { listenerArn: string; tenantId: string; targetGroupArn: string; tags: Tag[] },
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
      tags: spec.tags,
    });
    if (created !== 'priority-in-use') return created;
    await deps.priorities.release(spec.listenerArn, priority, spec.tenantId);
  }
  throw new RetryableError(`no listener rule priority could be claimed in ${MAX_PRIORITY_ATTEMPTS} attempts`);
};

/** CreateListenerRule: reuses the rule matching the tenant header, else allocates a priority and creates it. */
export const createListenerRule: Step = async (state, deps, ctx) => {
  const startedAt = deps.now();
  const { tenantId, tier } = state.request;
  const { listenerArn } = await deps.infra.get();
  const targetGroupArn = required(state.resources.targetGroupArn, 'resources.targetGroupArn');
  const rules = await deps.elb.listListenerRules(listenerArn);
  const rule =
    rules.find((candidate) => candidate.headerValue === tenantId) ??
    (await allocateRule(
      deps,
      { listenerArn, tenantId, targetGroupArn, tags: tenantTags(tenantId, tier) },
      new Set(rules.flatMap((candidate) => (candidate.priority === undefined ? [] : [candidate.priority]))),
    ));
  // The registry must hold the priority the rule has (a rule found after a crash may predate its claim),
  // and nothing else for this tenant (claims left by lost races).
  if (rule.priority !== undefined) await deps.priorities.claim(listenerArn, rule.priority, tenantId);
  for (const claim of await deps.priorities.list(listenerArn)) {
    if (claim.tenantId === tenantId && claim.priority !== rule.priority) {
      await deps.priorities.release(listenerArn, claim.priority, tenantId);
    }
  }
  const next: SagaState = {
    ...state,
    resources: {
      ...state.resources,
      listenerRuleArn: rule.arn,
      ...(rule.priority === undefined ? {} : { listenerRulePriority: rule.priority }),
    },
  };
  await checkpoint(deps, ctx, next, 'CreateListenerRule', startedAt);
  return next;
};

/** DeleteListenerRule: every rule for the tenant's header (and the recorded one), then every priority it holds. */
export const deleteListenerRule: Step = async (state, deps, ctx) => {
  const startedAt = deps.now();
  const { tenantId } = state.request;
  const { listenerArn } = await deps.infra.get();
  const rules = await deps.elb.listListenerRules(listenerArn);
  const arns = distinct([
    state.resources.listenerRuleArn,
    ...rules.filter((rule) => rule.headerValue === tenantId).map((rule) => rule.arn),
  ]);
  for (const arn of arns) await deps.elb.deleteListenerRule(arn);
  for (const claim of await deps.priorities.list(listenerArn)) {
    if (claim.tenantId === tenantId) await deps.priorities.release(listenerArn, claim.priority, tenantId);
  }
  const next: SagaState = {
    ...state,
    resources: withoutResources(state.resources, ['listenerRuleArn', 'listenerRulePriority']),
  };
  await checkpoint(deps, ctx, next, 'DeleteListenerRule', startedAt);
  return next;
};
