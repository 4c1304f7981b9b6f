import { healthOf, type OwnServicePlacement, ownsService } from '../domain/catalogue.ts';
import { ownership, tenantTags } from '../domain/naming.ts';
import { withoutResource } from '../domain/resources.ts';
import type { SagaState } from '../domain/saga-state.ts';
import type { HealthCheck, TargetGroupHealth } from '../ports/load-balancer.ts';
import { checkpoint } from './checkpoint.ts';
import { distinct, ensureOurs, namesFor, notOurs, ownServicePlacement } from './placement.ts';
import type { Step } from './types.ts';

/** The health check and drain of a placement's target group. */
export const targetGroupHealth = (placement: OwnServicePlacement): TargetGroupHealth => {
  const { gracePeriodSeconds: _ecsOnly, ...health } = healthOf(placement);
  return { path: placement.healthCheckPath, ...health };
};

/** Whether two checks are the same (path, timings, thresholds, codes). */
export const sameCheck = (a: HealthCheck, b: HealthCheck): boolean =>
  a.path === b.path &&
  a.intervalSeconds === b.intervalSeconds &&
  a.timeoutSeconds === b.timeoutSeconds &&
  a.healthyThreshold === b.healthyThreshold &&
  a.unhealthyThreshold === b.unhealthyThreshold &&
  a.matcher === b.matcher;

/**
 * CreateTargetGroup: found by its deterministic name and adopted when tagged as the tenant's (an
 * earlier attempt made it, perhaps dying before it set the drain: an adopted group is configured
 * again), created when absent with the placement's health check and drain; one of that name
 * belonging to anyone else fails the step, and the compensation leaves it alone.
 */
export const createTargetGroup: Step = async (state, deps, ctx) => {
  const startedAt = deps.now();
  const { tenantId } = state.request;
  const placement = ownServicePlacement(state, 'CreateTargetGroup');
  const { targetGroupName } = namesFor(deps.config, tenantId, state.placement);
  const infra = await deps.infra.get();
  const health = targetGroupHealth(placement);
  const found = await deps.elb.findTargetGroup(targetGroupName);
  const group =
    found ??
    (await deps.elb.createTargetGroup({
      name: targetGroupName,
      vpcId: infra.vpcId,
      port: infra.containerPort,
      health,
      tags: tenantTags(tenantId, placement.tier),
    }));
  ensureOurs(group.tags, tenantId, `target group ${group.name} (${group.arn})`);
  // A group made here has its settings; an adopted one gets them (its drain cannot be read back
  // with the group, so it is set whatever the check shows).
  if (found || !sameCheck(group.healthCheck, health)) await deps.elb.configureTargetGroup(group.arn, health);
  const next: SagaState = {
    ...state,
    resources: { ...state.resources, targetGroup: { name: group.name, arn: group.arn } },
  };
  await checkpoint(deps, ctx, next, 'CreateTargetGroup', startedAt);
  return next;
};

/**
 * DeleteTargetGroup: the recorded group and the tenant's by name, each only when tagged as the
 * tenant's (never the pooled group); gone is done. NotReadyError (a rule still forwards to it)
 * propagates so the engine retries.
 */
export const deleteTargetGroup: Step = async (state, deps, ctx) => {
  const { tenantId } = state.request;
  const byName = ownsService(state.placement)
    ? await deps.elb.findTargetGroup(namesFor(deps.config, tenantId, state.placement).targetGroupName)
    : undefined;
  const arns = distinct([state.resources.targetGroup?.arn, byName?.arn]);
  if (arns.length === 0) return state;
  const startedAt = deps.now();
  const infra = await deps.infra.get();
  // The group found by name came with its tags; only a recorded one of another ARN needs a look.
  const tags = new Map(byName ? [[byName.arn, byName.tags]] : []);
  const unknown = arns.filter((arn) => !tags.has(arn));
  if (unknown.length > 0) for (const [arn, found] of await deps.elb.tagsOf(unknown)) tags.set(arn, found);
  const skipped: string[] = [];
  for (const arn of arns.filter((candidate) => candidate !== infra.pooledTargetGroupArn)) {
    const found = tags.get(arn);
    if (!found) continue;
    if (ownership(found, tenantId) !== 'ours') {
      skipped.push(arn);
      continue;
    }
    await deps.elb.deleteTargetGroup(arn);
  }
  const next: SagaState = { ...state, resources: withoutResource(state.resources, 'targetGroup') };
  await checkpoint(deps, ctx, next, 'DeleteTargetGroup', startedAt, notOurs(skipped, 'target group'));
  return next;
};
