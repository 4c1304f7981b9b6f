import type { TenantFlowConfig } from '../config.ts';
import { type OwnServicePlacement, ownsService } from '../domain/catalogue.ts';
import { CONTAINER_NAME, ownership, specHash, tenantTags } from '../domain/naming.ts';
import { type Release, sizedFor } from '../domain/release.ts';
import { withoutResource } from '../domain/resources.ts';
import type { SagaState } from '../domain/saga-state.ts';
import type { TaskDefinitionInfo, TaskDefinitionSpec } from '../ports/container-platform.ts';
import type { SharedInfrastructure } from '../ports/shared-infrastructure.ts';
import { checkpoint } from './checkpoint.ts';
import { distinct, ensureOurs, namesFor, notOurs, ownServicePlacement } from './placement.ts';
import type { Step, StepDeps } from './types.ts';

/** Tag carrying the hash of the spec a revision was registered from: equal hash, same definition. */
export const SPEC_HASH_TAG = 'tenantflow:spec-hash';

/**
 * The tenant's task definition (of `release` when given, else of the initial release), tagged with
 * the hash of everything but its tags. Pure.
 */
export const taskDefinitionSpec = (
  tenantId: string,
  placement: OwnServicePlacement,
  config: TenantFlowConfig,
  infra: SharedInfrastructure,
  release?: Release,
): TaskDefinitionSpec => {
  const names = namesFor(config, tenantId, placement);
  const sized = sizedFor(placement, release);
  return tenantTaskDefinition(tenantId, placement.tier, config, infra, {
    family: names.taskDefinitionFamily,
    cpu: sized.cpu,
    memory: sized.memory,
    containerName: names.containerName,
    // Without a release: the initial one, the shared stack's image.
    image: release?.image ?? infra.tenantImage,
    containerPort: infra.containerPort,
    environment: { ...release?.environment },
    streamPrefix: tenantId,
  });
};

/** What one of a tenant's task definitions runs: its family, size and one container. */
export interface TenantContainer {
  family: string;
  cpu: string;
  memory: string;
  containerName: string;
  image: string;
  containerPort: number;
  environment: Record<string, string>;
  streamPrefix: string;
}

/**
 * A task definition of tenant `tenantId` (its exposed service's or a companion's): the shared stack's
 * roles and log group, the tenant and tier in the environment, tagged as the tenant's with the hash of
 * everything but its tags. Pure.
 */
export const tenantTaskDefinition = (
  tenantId: string,
  tier: string,
  config: TenantFlowConfig,
  infra: SharedInfrastructure,
  { streamPrefix, environment, ...container }: TenantContainer,
): TaskDefinitionSpec => {
  const spec: Omit<TaskDefinitionSpec, 'tags'> = {
    ...container,
    environment: { ...environment, TENANT_ID: tenantId, TENANT_TIER: tier },
    executionRoleArn: infra.executionRoleArn,
    taskRoleArn: infra.taskRoleArn,
    log: { driver: 'awslogs', group: infra.logGroupName, region: config.region, streamPrefix },
  };
  return { ...spec, tags: [...tenantTags(tenantId, tier), { key: SPEC_HASH_TAG, value: specHash(spec) }] };
};

/** Tag naming the tier whose pooled service a revision was registered for (by a rollout). */
export const POOL_TAG = 'tenantflow:pool';
/** Tag naming the release version a pooled revision runs. */
export const RELEASE_TAG = 'tenantflow:release';

/**
 * A revision of the pooled service's family (the shared stack's) for `release`: its sizes, or those
 * of the revision the service runs (`current`), the tier in the environment, no tenant id. Tagged with
 * the tier and the release but not as tenantflow's (no managed-by tag): it belongs to the shared
 * stack's service, not to a tenant, so reconciliation never takes it for an orphan. Pure.
 */
export const poolTaskDefinitionSpec = (
  tier: string,
  current: { family: string; cpu?: string; memory?: string },
  config: TenantFlowConfig,
  infra: SharedInfrastructure,
  release: Release,
): TaskDefinitionSpec => {
  const spec: Omit<TaskDefinitionSpec, 'tags'> = {
    family: current.family,
    cpu: release.cpu ?? current.cpu ?? POOL_DEFAULT_SIZE.cpu,
    memory: release.memory ?? current.memory ?? POOL_DEFAULT_SIZE.memory,
    containerName: CONTAINER_NAME,
    image: release.image,
    containerPort: infra.containerPort,
    environment: { ...release.environment, TENANT_TIER: tier },
    executionRoleArn: infra.executionRoleArn,
    taskRoleArn: infra.taskRoleArn,
    log: { driver: 'awslogs', group: infra.logGroupName, region: config.region, streamPrefix: 'pooled' },
  };
  return {
    ...spec,
    tags: [
      { key: POOL_TAG, value: tier },
      { key: RELEASE_TAG, value: release.version },
      { key: SPEC_HASH_TAG, value: specHash(spec) },
    ],
  };
};

/** The pooled task size infra/shared.yaml declares, for a revision that does not say its own. */
const POOL_DEFAULT_SIZE = { cpu: '256', memory: '512' } as const;

/**
 * The newest revision of the spec's family when it was registered from the same spec (its hash
 * tag), else a new one. A family of the tenant's name that is not tagged as the tenant's is never used.
 */
export const registerOrAdopt = async (
  deps: StepDeps,
  tenantId: string,
  spec: TaskDefinitionSpec,
): Promise<TaskDefinitionInfo> => {
  const wanted = spec.tags.find((tag) => tag.key === SPEC_HASH_TAG)?.value;
  const latest = await deps.ecs.latestTaskDefinition(spec.family);
  if (latest) ensureOurs(latest.tags, tenantId, `ECS task definition ${latest.arn}`);
  const matches = latest?.tags.some((tag) => tag.key === SPEC_HASH_TAG && tag.value === wanted) ?? false;
  return latest && matches ? latest : deps.ecs.registerTaskDefinition(spec);
};

/** RegisterTaskDefinition: a new revision only when the newest one was registered from another spec. */
export const registerTaskDefinition: Step = async (state, deps, ctx) => {
  const startedAt = deps.now();
  const { tenantId } = state.request;
  const placement = ownServicePlacement(state, 'RegisterTaskDefinition');
  const spec = taskDefinitionSpec(tenantId, placement, deps.config, await deps.infra.get(), state.release);
  const definition = await registerOrAdopt(deps, tenantId, spec);
  const next: SagaState = {
    ...state,
    resources: { ...state.resources, taskDefinition: { family: definition.family, arn: definition.arn } },
  };
  await checkpoint(deps, ctx, next, 'RegisterTaskDefinition', startedAt);
  return next;
};

/** The revisions of `family` in `status` that are the tenant's, and those that are not (`known` are ours). */
export const revisionsOf = async (
  deps: StepDeps,
  family: string,
  status: 'ACTIVE' | 'INACTIVE',
  tenantId: string,
  known: readonly string[] = [],
) => {
  const ours: string[] = [];
  const foreign: string[] = [];
  for (const arn of await deps.ecs.listTaskDefinitions(family, status)) {
    if (known.includes(arn)) {
      ours.push(arn);
      continue;
    }
    const revision = await deps.ecs.describeTaskDefinition(arn);
    if (!revision) continue;
    (ownership(revision.tags, tenantId) === 'ours' ? ours : foreign).push(arn);
  }
  return { ours, foreign };
};

/**
 * Every revision of `family` that is the tenant's deregistered, then deleted (ECS removes them once
 * nothing runs them); returns the revisions left alone because they are not the tenant's.
 */
export const removeFamily = async (deps: StepDeps, family: string, tenantId: string): Promise<string[]> => {
  const active = await revisionsOf(deps, family, 'ACTIVE', tenantId);
  for (const arn of active.ours) await deps.ecs.deregisterTaskDefinition(arn);
  const inactive = await revisionsOf(deps, family, 'INACTIVE', tenantId, active.ours);
  if (inactive.ours.length > 0) await deps.ecs.deleteTaskDefinitions(inactive.ours);
  return [...active.foreign, ...inactive.foreign];
};

/**
 * Every revision of the tenant's family but `keep` deregistered and deleted (a retry does it again,
 * harmlessly); returns those removed. Revisions not tagged as the tenant's are left alone.
 */
export const retireOthers = async (
  deps: StepDeps,
  tenantId: string,
  family: string,
  keep: string,
): Promise<string[]> => {
  const active = await revisionsOf(deps, family, 'ACTIVE', tenantId, [keep]);
  const retired = active.ours.filter((arn) => arn !== keep);
  for (const arn of retired) await deps.ecs.deregisterTaskDefinition(arn);
  const inactive = await revisionsOf(deps, family, 'INACTIVE', tenantId, retired);
  if (inactive.ours.length > 0) await deps.ecs.deleteTaskDefinitions(inactive.ours);
  return [...new Set([...retired, ...inactive.ours])];
};

/**
 * DeregisterTaskDefinition: every revision of the tenant's family (the recorded one, and the tenant's
 * by name when the placement has one) is deregistered and then deleted, so nothing stays behind in
 * the account as INACTIVE revisions do. Revisions not tagged as this tenant's are left alone.
 */
export const deregisterTaskDefinition: Step = async (state, deps, ctx) => {
  const { tenantId } = state.request;
  const families = distinct([
    state.resources.taskDefinition?.family,
    ownsService(state.placement)
      ? namesFor(deps.config, tenantId, state.placement).taskDefinitionFamily
      : undefined,
  ]);
  if (families.length === 0) return state;
  const startedAt = deps.now();
  const skipped: string[] = [];
  for (const family of families) skipped.push(...(await removeFamily(deps, family, tenantId)));
  const next: SagaState = { ...state, resources: withoutResource(state.resources, 'taskDefinition') };
  await checkpoint(
    deps,
    ctx,
    next,
    'DeregisterTaskDefinition',
    startedAt,
    notOurs(skipped, 'task definition'),
  );
  return next;
};
