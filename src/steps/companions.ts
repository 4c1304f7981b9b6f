/**
 * The tenant application's companions: the services of its placement besides the exposed one, each
 * a task definition family and an ECS service in the tenant's cluster, named after the exposed
 * service's names with the companion's name appended. Not behind the load balancer: the exposed
 * service reaches them. The record keeps each one made (`resources.companions.services[name]`),
 * written after each, so a step that dies half-way leaves the record naming what exists.
 */
import type { TenantFlowConfig } from '../config.ts';
import { type Companion, companionsOf, type OwnServicePlacement } from '../domain/catalogue.ts';
import { NotReadyError } from '../domain/errors.ts';
import { ownership, type ResourceNames, specHash, tenantTags } from '../domain/naming.ts';
import { type ResourceOf, withoutResource } from '../domain/resources.ts';
import type { SagaState } from '../domain/saga-state.ts';
import type { TaskDefinitionSpec } from '../ports/container-platform.ts';
import type { SharedInfrastructure } from '../ports/shared-infrastructure.ts';
import { checkpoint } from './checkpoint.ts';
import {
  distinct,
  ensureOurs,
  namesFor,
  notOurs,
  ownServicePlacement,
  placementIn,
  serviceCluster,
} from './placement.ts';
import { serviceClientToken } from './service.ts';
import { revisionsOf, SPEC_HASH_TAG } from './task-definition.ts';
import type { Step, StepDeps } from './types.ts';

type CompanionRecord = ResourceOf<'companions'>['services'][string];

/** The ECS names of companion `name` of the tenant whose exposed service's names are `names`. */
export const companionNames = (names: ResourceNames, name: string) => ({
  serviceName: `${names.serviceName}-${name}`,
  family: `${names.taskDefinitionFamily}-${name}`,
});

/** Companion `companion`'s task definition: its image and size, the tenant in its environment. Pure. */
export const companionTaskDefinitionSpec = (
  tenantId: string,
  placement: OwnServicePlacement,
  companion: Companion,
  config: TenantFlowConfig,
  infra: SharedInfrastructure,
): TaskDefinitionSpec => {
  const names = namesFor(config, tenantId, placement);
  const spec: Omit<TaskDefinitionSpec, 'tags'> = {
    family: companionNames(names, companion.name).family,
    cpu: companion.cpu,
    memory: companion.memory,
    containerName: companion.name,
    image: companion.image ?? infra.tenantImage,
    containerPort: companion.containerPort,
    environment: { ...companion.environment, TENANT_ID: tenantId, TENANT_TIER: placement.tier },
    executionRoleArn: infra.executionRoleArn,
    taskRoleArn: infra.taskRoleArn,
    log: {
      driver: 'awslogs',
      group: infra.logGroupName,
      region: config.region,
      streamPrefix: `${tenantId}/${companion.name}`,
    },
  };
  return {
    ...spec,
    tags: [...tenantTags(tenantId, placement.tier), { key: SPEC_HASH_TAG, value: specHash(spec) }],
  };
};

const recorded = (state: SagaState): Record<string, CompanionRecord> =>
  state.resources.companions?.services ?? {};

const withCompanions = (state: SagaState, services: Record<string, CompanionRecord>): SagaState => {
  const resources =
    Object.keys(services).length === 0
      ? withoutResource(state.resources, 'companions')
      : { ...state.resources, companions: { services } };
  return { ...state, resources };
};

/** Registers (or adopts, same spec hash) the companion's revision and creates (or adopts) its service. */
const makeCompanion = async (
  state: SagaState,
  deps: StepDeps,
  execution: string,
  placement: OwnServicePlacement,
  companion: Companion,
  infra: SharedInfrastructure,
): Promise<CompanionRecord> => {
  const { tenantId } = state.request;
  const names = namesFor(deps.config, tenantId, placement);
  const cluster = serviceCluster(placement, names, infra);
  const { serviceName } = companionNames(names, companion.name);
  const spec = companionTaskDefinitionSpec(tenantId, placement, companion, deps.config, infra);
  const wanted = spec.tags.find((tag) => tag.key === SPEC_HASH_TAG)?.value;
  const latest = await deps.ecs.latestTaskDefinition(spec.family);
  if (latest) ensureOurs(latest.tags, tenantId, `ECS task definition ${latest.arn}`);
  const matches = latest?.tags.some((tag) => tag.key === SPEC_HASH_TAG && tag.value === wanted) ?? false;
  const definition = latest && matches ? latest : await deps.ecs.registerTaskDefinition(spec);

  const existing = await deps.ecs.describeService(cluster, serviceName);
  if (existing) ensureOurs(existing.tags, tenantId, `ECS service ${cluster}/${serviceName}`);
  if (existing?.status === 'DRAINING') throw new NotReadyError(`service ${serviceName} is still draining`);
  let service = existing?.status === 'ACTIVE' ? existing : undefined;
  if (
    service &&
    (service.desiredCount !== companion.desiredCount || service.taskDefinition !== definition.arn)
  ) {
    await deps.ecs.updateService(cluster, serviceName, {
      desiredCount: companion.desiredCount,
      taskDefinitionArn: definition.arn,
    });
  }
  if (!service) {
    service = await deps.ecs.createService({
      cluster,
      name: serviceName,
      taskDefinitionArn: definition.arn,
      desiredCount: companion.desiredCount,
      subnets: infra.privateSubnetIds,
      securityGroups: [infra.serviceSecurityGroupId],
      containerName: companion.name,
      containerPort: companion.containerPort,
      capacityProviderStrategy: placement.capacityProviderStrategy,
      tags: tenantTags(tenantId, placement.tier),
      clientToken: serviceClientToken(execution, serviceName),
    });
  }
  return {
    cluster,
    name: serviceName,
    arn: service.arn,
    family: definition.family,
    taskDefinitionArn: definition.arn,
  };
};

/**
 * CreateCompanions: each companion of the placement, in the placement's order, recorded as
 * it is made. A placement without companions makes nothing (and calls nothing).
 */
export const createCompanionServices: Step = async (state, deps, ctx) => {
  const placement = ownServicePlacement(state, 'CreateCompanions');
  const companions = companionsOf(placement);
  if (companions.length === 0) return state;
  const infra = await deps.infra.get();
  let next = state;
  for (const companion of companions) {
    const startedAt = deps.now();
    const made = await makeCompanion(next, deps, ctx.execution, placement, companion, infra);
    next = withCompanions(next, { ...recorded(next), [companion.name]: made });
    await checkpoint(deps, ctx, next, 'CreateCompanions', startedAt);
  }
  return next;
};

/**
 * DeleteCompanions: every companion the record names and every one the placement lists (by
 * its deterministic names: it may have been made and not recorded), each service only when tagged as
 * the tenant's, then every revision of its family that is. Gone already is done.
 */
export const deleteCompanionServices: Step = async (state, deps, ctx) => {
  const { tenantId } = state.request;
  const listed = companionsOf(state.placement);
  const named = recorded(state);
  if (listed.length === 0 && Object.keys(named).length === 0) return state;
  const startedAt = deps.now();
  const infra = await deps.infra.get();
  const targets = new Map<string, { cluster: string; name: string; family: string }>();
  for (const companion of Object.values(named))
    targets.set(`${companion.cluster}/${companion.name}`, companion);
  if (state.placement && listed.length > 0) {
    const names = namesFor(deps.config, tenantId, state.placement);
    const cluster = serviceCluster(placementIn(state), names, infra);
    for (const companion of listed) {
      const { serviceName, family } = companionNames(names, companion.name);
      targets.set(`${cluster}/${serviceName}`, { cluster, name: serviceName, family });
    }
  }
  const skipped: string[] = [];
  for (const [key, { cluster, name }] of targets) {
    const service = await deps.ecs.describeService(cluster, name);
    if (service?.status !== 'ACTIVE') continue;
    if (ownership(service.tags, tenantId) !== 'ours') {
      skipped.push(key);
      continue;
    }
    await deps.ecs.deleteService(cluster, name);
  }
  for (const family of distinct([...targets.values()].map((target) => target.family))) {
    const active = await revisionsOf(deps, family, 'ACTIVE', tenantId);
    for (const arn of active.ours) await deps.ecs.deregisterTaskDefinition(arn);
    const inactive = await revisionsOf(deps, family, 'INACTIVE', tenantId, active.ours);
    if (inactive.ours.length > 0) await deps.ecs.deleteTaskDefinitions(inactive.ours);
    skipped.push(...active.foreign, ...inactive.foreign);
  }
  const next = withCompanions(state, {});
  await checkpoint(
    deps,
    ctx,
    next,
    'DeleteCompanions',
    startedAt,
    notOurs(skipped, 'companion service or revision'),
  );
  return next;
};

/** Whether every companion a record names still runs (service ACTIVE, revision present). */
export const companionsExist = async (deps: StepDeps, companions: ResourceOf<'companions'>) => {
  for (const companion of Object.values(companions.services)) {
    if ((await deps.ecs.describeService(companion.cluster, companion.name))?.status !== 'ACTIVE')
      return false;
    if (!(await deps.ecs.describeTaskDefinition(companion.taskDefinitionArn))) return false;
  }
  return true;
};
