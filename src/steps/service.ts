import { createHash } from 'node:crypto';
import { FatalError, NotReadyError } from '../domain/errors.ts';
import { tenantTags } from '../domain/naming.ts';
import type { SagaState } from '../domain/resources.ts';
import { tierOwnsService } from '../domain/tier.ts';
import { checkpoint } from './checkpoint.ts';
import { distinct, namesFor, required, serviceCluster, tierProfile, withoutResources } from './placement.ts';
import type { Step } from './types.ts';

/** ECS client tokens are at most 36 characters: a hash of the execution and the service, same on every retry. */
export const serviceClientToken = (execution: string, serviceName: string): string =>
  createHash('sha256').update(`${execution}\n${serviceName}`).digest('hex').slice(0, 32);

/** CreateService: reuses an ACTIVE service of the tenant's name, waits out a DRAINING one, else creates it. */
export const createService: Step = async (state, deps, ctx) => {
  const startedAt = deps.now();
  const { tenantId, tier } = state.request;
  const infra = await deps.infra.get();
  const names = namesFor(deps.config, tenantId);
  const cluster = serviceCluster(tier, names, infra);
  const existing = await deps.ecs.describeService(cluster, names.serviceName);
  if (existing?.status === 'DRAINING')
    throw new NotReadyError(`service ${names.serviceName} is still draining`);
  const profile = tierProfile(deps.config, tier);
  let service = existing?.status === 'ACTIVE' ? existing : undefined;
  if (service && service.desiredCount !== profile.desiredCount) {
    // Reused from an earlier attempt that may have scaled it (a failed deactivate, say): the tenant
    // is only healthy again at the tier's size.
    await deps.ecs.setDesiredCount(cluster, service.name, profile.desiredCount);
    service = { ...service, desiredCount: profile.desiredCount };
  }
  if (!service) {
    service = await deps.ecs.createService({
      cluster,
      name: names.serviceName,
      taskDefinitionArn: required(state.resources.taskDefinitionArn, 'resources.taskDefinitionArn'),
      desiredCount: profile.desiredCount,
      subnets: infra.privateSubnetIds,
      securityGroups: [infra.serviceSecurityGroupId],
      targetGroupArn: required(state.resources.targetGroupArn, 'resources.targetGroupArn'),
      containerName: names.containerName,
      containerPort: infra.containerPort,
      capacityProviderStrategy: profile.capacityProviderStrategy,
      tags: tenantTags(tenantId, tier),
      clientToken: serviceClientToken(ctx.execution, names.serviceName),
    });
  }
  const next: SagaState = {
    ...state,
    resources: { ...state.resources, serviceName: service.name, serviceArn: service.arn },
  };
  await checkpoint(deps, ctx, next, 'CreateService', startedAt);
  return next;
};

/** DeleteService: scales to zero, then deletes (force); a service already gone is done. */
export const deleteService: Step = async (state, deps, ctx) => {
  const startedAt = deps.now();
  const infra = await deps.infra.get();
  const names = namesFor(deps.config, state.request.tenantId);
  const cluster = serviceCluster(state.request.tier, names, infra);
  // Never the pooled service, whatever the saga state says.
  const services = distinct([state.resources.serviceName, names.serviceName]).filter(
    (name) => !(cluster === infra.clusterName && name === infra.pooledServiceName),
  );
  for (const name of services) {
    if ((await deps.ecs.setDesiredCount(cluster, name, 0)) === 'absent') continue;
    await deps.ecs.deleteService(cluster, name);
  }
  const next: SagaState = {
    ...state,
    resources: withoutResources(state.resources, ['serviceName', 'serviceArn']),
  };
  await checkpoint(deps, ctx, next, 'DeleteService', startedAt);
  return next;
};

/** ScaleService: the tenant's own service to its tier's size (activate) or to zero (deactivate); basic shares the pool. */
export const scaleService: Step = async (state, deps, ctx) => {
  const { tenantId, tier, operation } = state.request;
  if (!tierOwnsService(tier)) return state;
  const startedAt = deps.now();
  const infra = await deps.infra.get();
  const names = namesFor(deps.config, tenantId);
  const cluster = serviceCluster(tier, names, infra);
  const serviceName = state.resources.serviceName ?? names.serviceName;
  const desired = operation === 'activate' ? tierProfile(deps.config, tier).desiredCount : 0;
  if ((await deps.ecs.setDesiredCount(cluster, serviceName, desired)) === 'absent') {
    throw new FatalError(`service ${serviceName} in cluster ${cluster} no longer exists`);
  }
  await checkpoint(deps, ctx, state, 'ScaleService', startedAt);
  return state;
};
