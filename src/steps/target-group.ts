import { tenantTags } from '../domain/naming.ts';
import type { SagaState } from '../domain/resources.ts';
import { checkpoint } from './checkpoint.ts';
import { distinct, namesFor, withoutResources } from './placement.ts';
import type { Step } from './types.ts';

/** CreateTargetGroup: found by its deterministic name, created only when absent. */
export const createTargetGroup: Step = async (state, deps, ctx) => {
  const startedAt = deps.now();
  const { tenantId, tier } = state.request;
  const { targetGroupName } = namesFor(deps.config, tenantId);
  const infra = await deps.infra.get();
  const group =
    (await deps.elb.findTargetGroup(targetGroupName)) ??
    (await deps.elb.createTargetGroup({
      name: targetGroupName,
      vpcId: infra.vpcId,
      port: infra.containerPort,
      healthCheckPath: deps.config.health.path,
      tags: tenantTags(tenantId, tier),
    }));
  const next: SagaState = {
    ...state,
    resources: { ...state.resources, targetGroupName: group.name, targetGroupArn: group.arn },
  };
  await checkpoint(deps, ctx, next, 'CreateTargetGroup', startedAt);
  return next;
};

/**
 * DeleteTargetGroup: by the recorded ARN and by the deterministic name; a group already gone is done.
 * NotReadyError (a rule still forwards to it) propagates so the engine retries.
 */
export const deleteTargetGroup: Step = async (state, deps, ctx) => {
  const startedAt = deps.now();
  const infra = await deps.infra.get();
  const found = await deps.elb.findTargetGroup(namesFor(deps.config, state.request.tenantId).targetGroupName);
  const arns = distinct([state.resources.targetGroupArn, found?.arn]).filter(
    (arn) => arn !== infra.pooledTargetGroupArn,
  );
  for (const arn of arns) await deps.elb.deleteTargetGroup(arn);
  const next: SagaState = {
    ...state,
    resources: withoutResources(state.resources, ['targetGroupName', 'targetGroupArn']),
  };
  await checkpoint(deps, ctx, next, 'DeleteTargetGroup', startedAt);
  return next;
};
