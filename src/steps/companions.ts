/**
 * The tenant application's companions: the services of its placement besides the exposed one, each
 * a task definition family and an ECS service in the tenant's cluster, named after the exposed
 * service's names with the companion's name appended. Not behind the load balancer: the exposed
 * service reaches them. The record keeps each one made (`resources.companions.services[name]`),
 * written after each, so a step that dies half-way leaves the record naming what exists.
 */
import type { TenantFlowConfig } from '../config.ts';
import { type Companion, companionsOf, type OwnServicePlacement } from '../domain/catalogue.ts';
import { FatalError, NotReadyError } from '../domain/errors.ts';
import { type ResourceNames, tenantTags } from '../domain/naming.ts';
import type { Release } from '../domain/release.ts';
import { type ResourceOf, withoutResource } from '../domain/resources.ts';
import type { SagaState } from '../domain/saga-state.ts';
import type { TaskDefinitionSpec } from '../ports/container-platform.ts';
import type { SharedInfrastructure } from '../ports/shared-infrastructure.ts';
import { checkpoint } from './checkpoint.ts';
import { assessCompanionDeployment, type DeploymentLook } from './health-check.ts';
import {
  distinct,
  ensureOurs,
  namesFor,
  notOurs,
  ownServicePlacement,
  placementIn,
  serviceCluster,
} from './placement.ts';
import { deleteOwnServices, serviceClientToken } from './service.ts';
import { registerOrAdopt, removeFamily, retireOthers, tenantTaskDefinition } from './task-definition.ts';
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
  release?: Release,
): TaskDefinitionSpec => {
  const names = namesFor(config, tenantId, placement);
  const shipped = release?.services?.[companion.name];
  return tenantTaskDefinition(tenantId, placement.tier, config, infra, {
    family: companionNames(names, companion.name).family,
    cpu: companion.cpu,
    memory: companion.memory,
    containerName: companion.name,
    // The release's image for it, else the tier's, else the shared stack's.
    image: shipped?.image ?? companion.image ?? infra.tenantImage,
    containerPort: companion.containerPort,
    environment: { ...companion.environment, ...shipped?.environment },
    streamPrefix: `${tenantId}/${companion.name}`,
  });
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
  const spec = companionTaskDefinitionSpec(tenantId, placement, companion, deps.config, infra, state.release);
  const definition = await registerOrAdopt(deps, tenantId, spec);

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
  const skipped = await deleteOwnServices(deps, tenantId, targets.values());
  for (const family of distinct([...targets.values()].map((target) => target.family)))
    skipped.push(...(await removeFamily(deps, family, tenantId)));
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

/*
 * A release update of the companions, beside the exposed service's (src/steps/update.ts): each named
 * companion gets the release's revision, is deployed onto it, waited for, and put back on what it ran
 * when the update gives up.
 */

/** The companions the record names and the placement lists, with their placement spec. */
const madeAndListed = (state: SagaState) => {
  const listed = companionsOf(state.placement);
  return Object.entries(recorded(state)).flatMap(([name, made]) => {
    const companion = listed.find((c) => c.name === name);
    return companion ? [{ name, made, companion }] : [];
  });
};

/** The revision each recorded companion's service runs now (by companion name). */
export const companionRevisionsRunning = async (
  state: SagaState,
  deps: StepDeps,
): Promise<Record<string, string>> => {
  const running: Record<string, string> = {};
  for (const [name, made] of Object.entries(recorded(state))) {
    const service = await deps.ecs.describeService(made.cluster, made.name);
    if (service?.status !== 'ACTIVE')
      throw new FatalError(
        `companion ${name} of tenant ${state.request.tenantId} has no ACTIVE service ${made.cluster}/${made.name}: repair it first (tenantflow reconcile --repair)`,
      );
    running[name] = service.taskDefinition;
  }
  return running;
};

/** Each companion's revision of `release` (one registered already from the same spec is reused). */
export const registerCompanionRevisions = async (
  state: SagaState,
  deps: StepDeps,
  release: Release,
): Promise<Record<string, string>> => {
  const placement = ownServicePlacement(state, 'RegisterRelease');
  const infra = await deps.infra.get();
  const { tenantId } = state.request;
  const revisions: Record<string, string> = {};
  for (const { name, companion } of madeAndListed(state)) {
    const spec = companionTaskDefinitionSpec(tenantId, placement, companion, deps.config, infra, release);
    revisions[name] = (await registerOrAdopt(deps, tenantId, spec)).arn;
  }
  return revisions;
};

/** Each recorded companion's service onto `revisions[name]` (unless it runs it already). */
export const deployCompanions = async (
  state: SagaState,
  deps: StepDeps,
  revisions: Readonly<Record<string, string>>,
): Promise<void> => {
  for (const [name, made] of Object.entries(recorded(state))) {
    const revision = revisions[name];
    if (!revision) continue;
    const service = await deps.ecs.describeService(made.cluster, made.name);
    if (service?.taskDefinition === revision) continue;
    if ((await deps.ecs.updateService(made.cluster, made.name, { taskDefinitionArn: revision })) === 'absent')
      throw new FatalError(`companion service ${made.cluster}/${made.name} is not ACTIVE`);
  }
};

/** One look at every companion's deployment of `revisions[name]` (see `assessCompanionDeployment`). */
export const lookAtCompanions = async (
  state: SagaState,
  deps: StepDeps,
  revisions: Readonly<Record<string, string>>,
): Promise<DeploymentLook> => {
  let done = true;
  const details: string[] = [];
  let rolledBack: string | undefined;
  for (const [name, made] of Object.entries(recorded(state))) {
    const revision = revisions[name];
    if (!revision) continue;
    const look = assessCompanionDeployment(await deps.ecs.describeService(made.cluster, made.name), revision);
    done &&= look.done;
    if (!look.done) details.push(`companion ${name}: ${look.detail}`);
    if (look.rolledBack !== undefined && rolledBack === undefined)
      rolledBack = `companion ${name}: ${look.rolledBack}`;
  }
  return { done, detail: details.join('; '), ...(rolledBack === undefined ? {} : { rolledBack }) };
};

/** Every revision of each recorded companion's family but `keep[name]` deregistered and deleted. */
export const retireCompanionRevisions = async (
  state: SagaState,
  deps: StepDeps,
  keep: Readonly<Record<string, string>>,
): Promise<string[]> => {
  const retired: string[] = [];
  for (const [name, made] of Object.entries(recorded(state))) {
    const kept = keep[name];
    if (kept) retired.push(...(await retireOthers(deps, state.request.tenantId, made.family, kept)));
  }
  return retired;
};

/** The record's companions, each on `revisions[name]` (those not named keep theirs). */
export const companionsOn = (
  state: SagaState,
  revisions: Readonly<Record<string, string>>,
): SagaState['resources'] => {
  const services = Object.fromEntries(
    Object.entries(recorded(state)).map(([name, made]) => [
      name,
      { ...made, taskDefinitionArn: revisions[name] ?? made.taskDefinitionArn },
    ]),
  );
  return Object.keys(services).length > 0
    ? { ...state.resources, companions: { services } }
    : state.resources;
};
