import { NotReadyError } from '../domain/errors.ts';
import { tenantTags } from '../domain/naming.ts';
import type { SagaState } from '../domain/resources.ts';
import { tierOwnsCluster } from '../domain/tier.ts';
import { checkpoint } from './checkpoint.ts';
import { distinct, namesFor, withoutResources } from './placement.ts';
import type { Step } from './types.ts';

/** Capacity providers of a dedicated cluster: on-demand base, Spot for the rest (per the tier's strategy). */
export const DEDICATED_CLUSTER_PROVIDERS = ['FARGATE', 'FARGATE_SPOT'] as const;

/** CreateCluster (premium): the tenant's own cluster, reused when it already exists and is ACTIVE. */
export const createCluster: Step = async (state, deps, ctx) => {
  const startedAt = deps.now();
  const { tenantId, tier } = state.request;
  const { clusterName } = namesFor(deps.config, tenantId);
  const existing = await deps.ecs.describeCluster(clusterName);
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
          tags: tenantTags(tenantId, tier),
        });
  const next: SagaState = {
    ...state,
    resources: { ...state.resources, clusterName: cluster.name, clusterArn: cluster.arn },
  };
  await checkpoint(deps, ctx, next, 'CreateCluster', startedAt);
  return next;
};

/** DeleteCluster: premium only; a cluster already gone is done, one still draining raises NotReadyError. */
export const deleteCluster: Step = async (state, deps, ctx) => {
  if (!tierOwnsCluster(state.request.tier)) return state;
  const startedAt = deps.now();
  const infra = await deps.infra.get();
  const names = distinct([
    state.resources.clusterName,
    namesFor(deps.config, state.request.tenantId).clusterName,
  ]);
  // Never the shared cluster, whatever the saga state says.
  for (const name of names.filter((candidate) => candidate !== infra.clusterName)) {
    await deps.ecs.deleteCluster(name);
  }
  const next: SagaState = {
    ...state,
    resources: withoutResources(state.resources, ['clusterName', 'clusterArn']),
  };
  await checkpoint(deps, ctx, next, 'DeleteCluster', startedAt);
  return next;
};
