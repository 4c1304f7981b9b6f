import type { Deployment, Service } from '@aws-sdk/client-ecs';
import type { SimContext } from '../../context.ts';
import {
  effectiveTaskDefinition,
  pendingCount,
  rolledBackAt,
  runningTasks,
  serviceStatus,
} from './service-runtime.ts';
import type { ServiceRecord } from './state.ts';

const deploymentId = (ctx: SimContext, s: ServiceRecord): string =>
  rolledBackAt(s, ctx.now) && s.failingRollout ? s.failingRollout.deploymentId : s.deploymentId;

/**
 * The service's deployments: the PRIMARY one (IN_PROGRESS until every desired task of its revision
 * runs, COMPLETED from then on; a failing one stays IN_PROGRESS until the circuit breaker rolls it
 * back), and the last deployment the circuit breaker rolled back (ACTIVE, rollout FAILED).
 */
const deployments = (ctx: SimContext, s: ServiceRecord, running: number): Deployment[] => {
  const live = serviceStatus(s, ctx.now) === 'ACTIVE';
  const failing = s.failingRollout;
  const rolledBack = rolledBackAt(s, ctx.now);
  const completesAt = rolledBack && failing ? failing.failsAt : s.rolloutCompletesAt;
  const settled = (!failing || rolledBack) && ctx.now >= completesAt && running >= s.desiredCount;
  const id = deploymentId(ctx, s);
  const primary: Deployment = {
    id,
    status: 'PRIMARY',
    taskDefinition: effectiveTaskDefinition(s, ctx.now),
    desiredCount: s.desiredCount,
    runningCount: running,
    pendingCount: pendingCount(s, ctx.now),
    failedTasks: failing && !rolledBack && ctx.now >= failing.failsAt ? s.desiredCount : 0,
    createdAt: new Date(s.createdAt),
    updatedAt: new Date(Math.min(ctx.now, Math.max(s.createdAt, completesAt))),
    ...(s.launchType ? { launchType: s.launchType } : {}),
    capacityProviderStrategy: s.capacityProviderStrategy.map((i) => ({ ...i })),
    networkConfiguration: {
      awsvpcConfiguration: {
        subnets: [...s.subnets],
        securityGroups: [...s.securityGroups],
        assignPublicIp: s.assignPublicIp,
      },
    },
    rolloutState: settled || !live ? 'COMPLETED' : 'IN_PROGRESS',
    rolloutStateReason:
      settled || !live ? `ECS deployment ${id} completed.` : `ECS deployment ${id} in progress.`,
  };
  const failed =
    rolledBack && failing
      ? { deploymentId: s.deploymentId, taskDefinition: s.taskDefinition, reason: failing.reason }
      : s.rolledBack;
  if (!failed) return [primary];
  return [
    primary,
    {
      id: failed.deploymentId,
      status: 'ACTIVE',
      taskDefinition: failed.taskDefinition,
      desiredCount: 0,
      runningCount: 0,
      pendingCount: 0,
      failedTasks: s.desiredCount,
      rolloutState: 'FAILED',
      rolloutStateReason: failed.reason,
    },
  ];
};

/** A service as DescribeServices / CreateService show it, at the context's instant. */
export const serviceView = (ctx: SimContext, s: ServiceRecord, withTags: boolean): Service => {
  const running = runningTasks(s, ctx.now).length;
  return {
    serviceArn: s.arn,
    serviceName: s.name,
    clusterArn: s.clusterArn,
    status: serviceStatus(s, ctx.now),
    desiredCount: s.desiredCount,
    runningCount: running,
    pendingCount: pendingCount(s, ctx.now),
    taskDefinition: effectiveTaskDefinition(s, ctx.now),
    ...(s.launchType ? { launchType: s.launchType } : {}),
    capacityProviderStrategy: s.capacityProviderStrategy.map((i) => ({ ...i })),
    loadBalancers: s.loadBalancers.map((lb) => ({ ...lb })),
    networkConfiguration: {
      awsvpcConfiguration: {
        subnets: [...s.subnets],
        securityGroups: [...s.securityGroups],
        assignPublicIp: s.assignPublicIp,
      },
    },
    deploymentConfiguration: {
      deploymentCircuitBreaker: s.circuitBreaker ? { ...s.circuitBreaker } : undefined,
      minimumHealthyPercent: s.minimumHealthyPercent,
      maximumPercent: s.maximumPercent,
    },
    deployments: deployments(ctx, s, running),
    healthCheckGracePeriodSeconds: s.healthCheckGracePeriodSeconds,
    schedulingStrategy: 'REPLICA',
    deploymentController: { type: 'ECS' },
    propagateTags: s.propagateTags,
    enableECSManagedTags: s.enableECSManagedTags,
    createdAt: new Date(s.createdAt),
    createdBy: `arn:aws:iam::${ctx.accountId}:role/simulated`,
    ...(withTags ? { tags: s.tags.map((t) => ({ ...t })) } : {}),
  };
};
