import { FatalError } from '../domain/errors.ts';
import type { SagaState } from '../domain/saga-state.ts';
import { checkpoint } from './checkpoint.ts';
import { assessHealth, withCompanions } from './health-check.ts';
import { required } from './placement.ts';
import type { Step } from './types.ts';

/**
 * WaitForHealthy: one look per call (the state machine waits between calls). Gives up with a
 * FatalError when the circuit breaker rolled the deployment back, or after `health.maxAttempts` looks.
 */
export const waitForHealthy: Step = async (state, deps, ctx) => {
  const startedAt = deps.now();
  const attempts = (state.health?.attempts ?? 0) + 1;
  const { cluster, name } = required(state.resources.service, 'resources.service');
  const service = await deps.ecs.describeService(cluster, name);
  const targetGroupArn = state.resources.targetGroup?.arn;
  const targets = service && targetGroupArn ? await deps.elb.targetHealth(targetGroupArn) : undefined;
  // The exposed service only serves once the companions it fronts run too.
  const companions = [];
  for (const [companion, made] of Object.entries(state.resources.companions?.services ?? {}))
    companions.push({ companion, info: await deps.ecs.describeService(made.cluster, made.name) });
  const seen = withCompanions(assessHealth(service, targets), companions);
  if (seen.rolloutFailure !== undefined) {
    throw new FatalError(`deployment of ${name} rolled back by the circuit breaker: ${seen.rolloutFailure}`);
  }
  const { maxAttempts } = deps.config.health;
  if (!seen.healthy && attempts >= maxAttempts) {
    throw new FatalError(`${name} not healthy after ${attempts} checks; last seen: ${seen.detail}`);
  }
  const next: SagaState = { ...state, health: { attempts, healthy: seen.healthy, detail: seen.detail } };
  // Only the end of the wait goes into the history: one line per poll would swamp it.
  if (seen.healthy) await checkpoint(deps, ctx, next, 'WaitForHealthy', startedAt);
  return next;
};
