import { createHash } from 'node:crypto';
import { companionsOf, desiredCountOf, healthOf, ownsService } from '../domain/catalogue.ts';
import { FatalError, NotReadyError } from '../domain/errors.ts';
import { ownership, tenantTags } from '../domain/naming.ts';
import { withoutResource } from '../domain/resources.ts';
import type { SagaState } from '../domain/saga-state.ts';
import { checkpoint } from './checkpoint.ts';
import { ensureOurs, namesFor, notOurs, ownServicePlacement, required, serviceCluster } from './placement.ts';
import type { Step, StepDeps } from './types.ts';

/** ECS client tokens are at most 36 characters: a hash of the execution and the service, same on every retry. */
export const serviceClientToken = (execution: string, serviceName: string): string =>
  createHash('sha256').update(`${execution}\n${serviceName}`).digest('hex').slice(0, 32);

/**
 * CreateService: creates the tenant's service; one of its name already ACTIVE and tagged as the
 * tenant's (an earlier attempt made it) is adopted and brought to the placement's size and the
 * recorded revision; a DRAINING one is waited out; anyone else's fails the step.
 */
export const createService: Step = async (state, deps, ctx) => {
  const startedAt = deps.now();
  const { tenantId } = state.request;
  const placement = ownServicePlacement(state, 'CreateService');
  const infra = await deps.infra.get();
  const names = namesFor(deps.config, tenantId, state.placement);
  const cluster = serviceCluster(placement, names, infra);
  const taskDefinitionArn = required(state.resources.taskDefinition?.arn, 'resources.taskDefinition');
  const existing = await deps.ecs.describeService(cluster, names.serviceName);
  if (existing) ensureOurs(existing.tags, tenantId, `ECS service ${cluster}/${names.serviceName}`);
  if (existing?.status === 'DRAINING')
    throw new NotReadyError(`service ${names.serviceName} is still draining`);
  let service = existing?.status === 'ACTIVE' ? existing : undefined;
  const targetGroupArn = required(state.resources.targetGroup?.arn, 'resources.targetGroup');
  // Attached to another group (the one it was made with was deleted and made again, say): the
  // tenant's rule forwards to the recorded group, which would never see a target.
  const attached = service === undefined || service.targetGroupArns.includes(targetGroupArn);
  if (
    service &&
    (service.desiredCount !== placement.desiredCount ||
      service.taskDefinition !== taskDefinitionArn ||
      !attached)
  ) {
    // Reused from an earlier attempt that may have scaled it (a failed deactivate, say) or run another
    // revision: the tenant is only healthy again at the placement's size and on this revision.
    await deps.ecs.updateService(cluster, service.name, {
      desiredCount: placement.desiredCount,
      taskDefinitionArn,
      ...(attached
        ? {}
        : {
            loadBalancer: {
              targetGroupArn,
              containerName: names.containerName,
              containerPort: infra.containerPort,
            },
          }),
    });
    service = {
      ...service,
      desiredCount: placement.desiredCount,
      taskDefinition: taskDefinitionArn,
      targetGroupArns: [targetGroupArn],
    };
  }
  if (!service) {
    service = await deps.ecs.createService({
      cluster,
      name: names.serviceName,
      taskDefinitionArn,
      desiredCount: placement.desiredCount,
      subnets: infra.privateSubnetIds,
      securityGroups: [infra.serviceSecurityGroupId],
      targetGroupArn,
      healthCheckGracePeriodSeconds: healthOf(placement).gracePeriodSeconds,
      containerName: names.containerName,
      containerPort: infra.containerPort,
      capacityProviderStrategy: placement.capacityProviderStrategy,
      tags: tenantTags(tenantId, placement.tier),
      clientToken: serviceClientToken(ctx.execution, names.serviceName),
    });
  }
  const next: SagaState = {
    ...state,
    resources: { ...state.resources, service: { cluster, name: service.name, arn: service.arn } },
  };
  await checkpoint(deps, ctx, next, 'CreateService', startedAt);
  return next;
};

/**
 * Deletes each of `services` that is ACTIVE and tagged as the tenant's (with `force`: scaled to zero
 * first); returns `cluster/name` of those left alone because they are not the tenant's.
 */
export const deleteOwnServices = async (
  deps: StepDeps,
  tenantId: string,
  services: Iterable<{ cluster: string; name: string }>,
): Promise<string[]> => {
  const skipped: string[] = [];
  for (const { cluster, name } of services) {
    const service = await deps.ecs.describeService(cluster, name);
    if (service?.status !== 'ACTIVE') continue;
    if (ownership(service.tags, tenantId) !== 'ours') {
      skipped.push(`${cluster}/${name}`);
      continue;
    }
    await deps.ecs.deleteService(cluster, name);
  }
  return skipped;
};

/**
 * DeleteService: the recorded service and the tenant's by name when the placement has one, each only
 * when tagged as the tenant's (never the pooled service); deleted with `force` (scaled to zero). A
 * service already gone or draining is done.
 */
export const deleteService: Step = async (state, deps, ctx) => {
  const { tenantId } = state.request;
  const recorded = state.resources.service;
  const own = ownsService(state.placement);
  if (!recorded && !own) return state;
  const startedAt = deps.now();
  const infra = await deps.infra.get();
  const names = namesFor(deps.config, tenantId, state.placement);
  const candidates = new Map<string, { cluster: string; name: string }>();
  if (recorded) candidates.set(`${recorded.cluster}/${recorded.name}`, recorded);
  if (state.placement && own) {
    const cluster = serviceCluster(state.placement, names, infra);
    candidates.set(`${cluster}/${names.serviceName}`, { cluster, name: names.serviceName });
  }
  const pooled = (c: { cluster: string; name: string }) =>
    c.cluster === infra.clusterName && c.name === infra.pooledServiceName;
  const skipped = await deleteOwnServices(
    deps,
    tenantId,
    [...candidates.values()].filter((candidate) => !pooled(candidate)),
  );
  const next: SagaState = { ...state, resources: withoutResource(state.resources, 'service') };
  await checkpoint(deps, ctx, next, 'DeleteService', startedAt, notOurs(skipped, 'ECS service'));
  return next;
};

/**
 * ScaleService: the tenant's own service to its placement's size (activate) or to zero (deactivate).
 * A pooled tenant shares the pooled service: there is nothing to scale, only the record changes.
 */
export const scaleService: Step = async (state, deps, ctx) => {
  const { tenantId, operation } = state.request;
  const { placement } = state;
  if (!ownsService(placement)) return state;
  const startedAt = deps.now();
  const infra = await deps.infra.get();
  const names = namesFor(deps.config, tenantId, state.placement);
  const { cluster, name } = state.resources.service ?? {
    cluster: serviceCluster(placement, names, infra),
    name: names.serviceName,
  };
  const active = operation === 'activate';
  const desiredCount = desiredCountOf(placement, active);
  if ((await deps.ecs.updateService(cluster, name, { desiredCount })) === 'absent') {
    throw new FatalError(`service ${name} in cluster ${cluster} no longer exists`);
  }
  // The companions follow the exposed service: up at their own size, or down to zero.
  for (const companion of companionsOf(placement)) {
    const made = state.resources.companions?.services[companion.name];
    if (!made) continue;
    const count = desiredCountOf(companion, active);
    if ((await deps.ecs.updateService(made.cluster, made.name, { desiredCount: count })) === 'absent')
      throw new FatalError(`companion service ${made.name} in cluster ${made.cluster} no longer exists`);
  }
  await checkpoint(deps, ctx, state, 'ScaleService', startedAt);
  return state;
};
