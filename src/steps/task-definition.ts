import type { TenantFlowConfig } from '../config.ts';
import { specHash, tenantTags } from '../domain/naming.ts';
import type { TenantRequest } from '../domain/request.ts';
import type { SagaState } from '../domain/resources.ts';
import type { TaskDefinitionSpec } from '../ports/container-platform.ts';
import type { SharedInfrastructure } from '../ports/shared-infrastructure.ts';
import { checkpoint } from './checkpoint.ts';
import { distinct, namesFor, tierProfile, withoutResources } from './placement.ts';
import type { Step } from './types.ts';

/** Tag carrying the hash of the spec a revision was registered from: equal hash, same definition. */
export const SPEC_HASH_TAG = 'tenantflow:spec-hash';

/** The tenant's task definition, tagged with the hash of everything but its tags. Pure. */
export const taskDefinitionSpec = (
  request: TenantRequest,
  config: TenantFlowConfig,
  infra: SharedInfrastructure,
): TaskDefinitionSpec => {
  const names = namesFor(config, request.tenantId);
  const profile = tierProfile(config, request.tier);
  const spec: Omit<TaskDefinitionSpec, 'tags'> = {
    family: names.taskDefinitionFamily,
    cpu: profile.cpu,
    memory: profile.memory,
    containerName: names.containerName,
    image: infra.tenantImage,
    containerPort: infra.containerPort,
    environment: { TENANT_ID: request.tenantId, TENANT_TIER: request.tier },
    executionRoleArn: infra.executionRoleArn,
    taskRoleArn: infra.taskRoleArn,
    log: {
      driver: 'awslogs',
      group: infra.logGroupName,
      region: config.region,
      streamPrefix: request.tenantId,
    },
  };
  return {
    ...spec,
    tags: [...tenantTags(request.tenantId, request.tier), { key: SPEC_HASH_TAG, value: specHash(spec) }],
  };
};

/** RegisterTaskDefinition: a new revision only when the newest one was registered from another spec. */
export const registerTaskDefinition: Step = async (state, deps, ctx) => {
  const startedAt = deps.now();
  const spec = taskDefinitionSpec(state.request, deps.config, await deps.infra.get());
  const wanted = spec.tags.find((tag) => tag.key === SPEC_HASH_TAG)?.value;
  const latest = await deps.ecs.latestTaskDefinition(spec.family);
  const matches = latest?.tags.some((tag) => tag.key === SPEC_HASH_TAG && tag.value === wanted) ?? false;
  const definition = latest && matches ? latest : await deps.ecs.registerTaskDefinition(spec);
  const next: SagaState = {
    ...state,
    resources: {
      ...state.resources,
      taskDefinitionFamily: definition.family,
      taskDefinitionArn: definition.arn,
    },
  };
  await checkpoint(deps, ctx, next, 'RegisterTaskDefinition', startedAt);
  return next;
};

/** DeregisterTaskDefinition: every ACTIVE revision of the tenant's family; none left is done. */
export const deregisterTaskDefinition: Step = async (state, deps, ctx) => {
  const startedAt = deps.now();
  const families = distinct([
    state.resources.taskDefinitionFamily,
    namesFor(deps.config, state.request.tenantId).taskDefinitionFamily,
  ]);
  for (const family of families) {
    for (const arn of await deps.ecs.listTaskDefinitions(family))
      await deps.ecs.deregisterTaskDefinition(arn);
  }
  const next: SagaState = {
    ...state,
    resources: withoutResources(state.resources, ['taskDefinitionFamily', 'taskDefinitionArn']),
  };
  await checkpoint(deps, ctx, next, 'DeregisterTaskDefinition', startedAt);
  return next;
};
