import { hasDedicatedCluster } from '../domain/catalogue.ts';
import { NotReadyError } from '../domain/errors.ts';
import { ownership, tenantTags } from '../domain/naming.ts';
import { withoutResource } from '../domain/resources.ts';
import type { SagaState } from '../domain/saga-state.ts';
import { checkpoint } from './checkpoint.ts';
import { distinct, ensureOurs, namesFor, notOurs, placementIn } from './placement.ts';
import type { Step } from './types.ts';

/** Capacity providers of a dedicated cluster: on-demand base, Spot for the rest (per the tier's strategy). */
export const DEDICATED_CLUSTER_PROVIDERS = ['FARGATE', 'FARGATE_SPOT'] as const;

/**
 * CreateCluster (a dedicated-cluster placement): the tenant's own cluster, adopted when it already
 * exists, is ACTIVE and is tagged as this tenant's.
 */
export const createCluster: Step = async (state, deps, ctx) => {
  const startedAt = deps.now();
  const { tenantId } = state.request;
  const placement = placementIn(state);
  const { clusterName } = namesFor(deps.config, tenantId, state.placement);
  const existing = await deps.ecs.describeCluster(clusterName);
  if (existing) ensureOurs(existing.tags, tenantId, `ECS cluster ${clusterName}`);
  // A cluster being torn down cannot be reused yet, and creating one of the same name would fail.
  if (existing?.status === 'DEPROVISIONING')
    throw new NotReadyError(`cluster ${clusterName} is still being deleted`);
  const cluster =
    existing?.status === 'ACTIVE'
      ? existing
      : await deps.ecs.createCluster({
          name: clusterName,
          capacityProviders: DEDICATED_CLUSTER_PROVIDERS,
          containerInsights: true,
          tags: tenantTags(tenantId, placement.tier),
        });
  const next: SagaState = {
    ...state,
    resources: { ...state.resources, cluster: { name: cluster.name, arn: cluster.arn } },
  };
  await checkpoint(deps, ctx, next, 'CreateCluster', startedAt);
  return next;
};

/**
 * DeleteCluster: the cluster the record names, and the tenant's own by name when the placement has
 * one; never the shared cluster, never one not tagged as this tenant's. Gone is done; one still
 * holding draining services raises NotReadyError.
 */
export const deleteCluster: Step = async (state, deps, ctx) => {
  const { tenantId } = state.request;
  const candidates = distinct([
    state.resources.cluster?.name,
    hasDedicatedCluster(state.placement)
      ? namesFor(deps.config, tenantId, state.placement).clusterName
      : undefined,
  ]);
  if (candidates.length === 0) return state;
  const startedAt = deps.now();
  const infra = await deps.infra.get();
  const skipped: string[] = [];
  for (const name of candidates.filter((candidate) => candidate !== infra.clusterName)) {
    const cluster = await deps.ecs.describeCluster(name);
    if (!cluster) continue;
    if (ownership(cluster.tags, tenantId) !== 'ours') {
      skipped.push(name);
      continue;
    }
    await deps.ecs.deleteCluster(name);
  }
  const next: SagaState = { ...state, resources: withoutResource(state.resources, 'cluster') };
  await checkpoint(deps, ctx, next, 'DeleteCluster', startedAt, notOurs(skipped, 'ECS cluster'));
  return next;
};
