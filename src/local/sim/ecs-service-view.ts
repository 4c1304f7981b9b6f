import type { Deployment, Service } from '@aws-sdk/client-ecs';
import type { SimContext } from './context.ts';
import { pendingCount, runningTasks, serviceStatus } from './service-runtime.ts';
import type { ServiceRecord } from './state.ts';

/** The PRIMARY deployment: IN_PROGRESS until every desired task runs, COMPLETED from then on. */
const primaryDeployment = (ctx: SimContext, s: ServiceRecord, running: number): Deployment => {
  const settled = ctx.now >= s.rolloutCompletesAt && running >= s.desiredCount;
  const live = serviceStatus(s, ctx.now) === 'ACTIVE';
  return {
    id: s.deploymentId,
    status: 'PRIMARY',
    taskDefinition: s.taskDefinition,
    desiredCount: s.desiredCount,
    runningCount: running,
    pendingCount: pendingCount(s, ctx.now),
    failedTasks: 0,
    createdAt: new Date(s.createdAt),
    updatedAt: new Date(Math.min(ctx.now, Math.max(s.createdAt, s.rolloutCompletesAt))),
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
      settled || !live
        ? `ECS deployment ${s.deploymentId} completed.`
        : `ECS deployment ${s.deploymentId} in progress.`,
  };
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
    taskDefinition: s.taskDefinition,
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
    deployments: [primaryDeployment(ctx, s, running)],
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
