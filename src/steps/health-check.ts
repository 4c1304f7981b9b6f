import type { ServiceInfo } from '../ports/container-platform.ts';
import type { TargetHealthSummary } from '../ports/load-balancer.ts';

/** What one look at a tenant's service and target group says. */
export interface HealthAssessment {
  healthy: boolean;
  /** What was seen, for the saga state and for the failure reason when the wait gives up. */
  detail: string;
  /** Set when the deployment circuit breaker rolled the service back: waiting longer will not help. */
  rolloutFailure?: string;
}

/**
 * Ready means serving: the service is ACTIVE with every desired task running, its deployment is
 * complete (or reports no rollout state), and the load balancer sees at least one healthy target.
 */
export const assessHealth = (
  service: ServiceInfo | undefined,
  targets: TargetHealthSummary | undefined,
): HealthAssessment => {
  if (!service) return { healthy: false, detail: 'service not found' };
  if (service.rolloutState === 'FAILED') {
    const reason = service.rolloutStateReason ?? 'no reason given';
    return { healthy: false, detail: `rollout FAILED: ${reason}`, rolloutFailure: reason };
  }
  const rollout = service.rolloutState ?? 'n/a';
  const targetText = targets
    ? `targets ${targets.healthy}/${targets.total} healthy${targets.states.length ? ` (${targets.states.join(', ')})` : ''}`
    : 'targets not checked';
  const detail = `service ${service.status}, running ${service.runningCount}/${service.desiredCount}, rollout ${rollout}, ${targetText}`;
  const healthy =
    service.status === 'ACTIVE' &&
    service.runningCount >= service.desiredCount &&
    (service.rolloutState === undefined || service.rolloutState === 'COMPLETED') &&
    (targets?.healthy ?? 0) >= 1;
  return { healthy, detail };
};

/**
 * The exposed service's assessment with the companions' added: each must be ACTIVE with every
 * desired task running and its deployment complete; a rolled-back one fails the wait like the
 * exposed service's would. Pure.
 */
export const withCompanions = (
  exposed: HealthAssessment,
  companions: ReadonlyArray<{ companion: string; info: ServiceInfo | undefined }>,
): HealthAssessment => {
  let { healthy, detail, rolloutFailure } = exposed;
  for (const { companion, info } of companions) {
    if (!info) {
      healthy = false;
      detail += `; companion ${companion} not found`;
      continue;
    }
    if (info.rolloutState === 'FAILED' && rolloutFailure === undefined)
      rolloutFailure = `companion ${companion}: ${info.rolloutStateReason ?? 'no reason given'}`;
    const ready =
      info.status === 'ACTIVE' &&
      info.runningCount >= info.desiredCount &&
      (info.rolloutState === undefined || info.rolloutState === 'COMPLETED');
    if (!ready) {
      healthy = false;
      detail += `; companion ${companion} running ${info.runningCount}/${info.desiredCount}, rollout ${info.rolloutState ?? 'n/a'}`;
    }
  }
  return { healthy, detail, ...(rolloutFailure === undefined ? {} : { rolloutFailure }) };
};

/** One look at a deployment onto a revision: done, not yet, or rolled back (`rolledBack`: why). */
export interface DeploymentLook {
  done: boolean;
  detail: string;
  rolledBack?: string;
}

/**
 * Whether the deployment of `revisionArn` has completed: the service runs it, its rollout COMPLETED,
 * every desired task running and a target healthy (a service switched off, desired 0, has no target
 * to be healthy: its rollout completing is enough). A service back on another revision, or a
 * FAILED rollout, is the circuit breaker's rollback, with its reason. Pure.
 */
export const assessDeployment = (
  service: ServiceInfo | undefined,
  targets: TargetHealthSummary | undefined,
  revisionArn: string,
): DeploymentLook => {
  const seen = assessHealth(service, targets);
  if (service && service.taskDefinition !== revisionArn) {
    const why =
      service.failedRollout?.taskDefinition === revisionArn ? service.failedRollout.reason : seen.detail;
    return { done: false, detail: seen.detail, rolledBack: why };
  }
  if (seen.rolloutFailure !== undefined)
    return { done: false, detail: seen.detail, rolledBack: seen.rolloutFailure };
  const done =
    seen.healthy ||
    (service?.status === 'ACTIVE' && service.desiredCount === 0 && service.rolloutState === 'COMPLETED');
  return { done, detail: seen.detail };
};

/**
 * Whether a companion's deployment of `revisionArn` has completed: it runs the revision, its rollout
 * COMPLETED (or reports none) and every desired task runs (no load balancer to ask). Back on another
 * revision or FAILED is the circuit breaker's rollback. Pure.
 */
export const assessCompanionDeployment = (
  service: ServiceInfo | undefined,
  revisionArn: string,
): DeploymentLook => {
  if (!service) return { done: false, detail: 'service not found' };
  const detail = `service ${service.status}, running ${service.runningCount}/${service.desiredCount}, rollout ${service.rolloutState ?? 'n/a'}`;
  if (service.taskDefinition !== revisionArn) {
    const why = service.failedRollout?.taskDefinition === revisionArn ? service.failedRollout.reason : detail;
    return { done: false, detail, rolledBack: why };
  }
  if (service.rolloutState === 'FAILED')
    return { done: false, detail, rolledBack: service.rolloutStateReason ?? 'no reason given' };
  const done =
    service.status === 'ACTIVE' &&
    service.runningCount >= service.desiredCount &&
    (service.rolloutState === undefined || service.rolloutState === 'COMPLETED');
  return { done, detail };
};
