import {
  type Cluster,
  ClusterContainsServicesException,
  ClusterNotFoundException,
  ClusterSettingName,
  type CreateClusterCommandOutput,
  type DeleteClusterCommandOutput,
  type DescribeClustersCommandOutput,
  InvalidParameterException,
  type ListClustersCommandOutput,
} from '@aws-sdk/client-ecs';
import { z } from 'zod';
import { arn, ecsTags, errorMetadata, nameFromArn, type SimContext } from '../../context.ts';
import type { Out } from '../../plugin.ts';
import { isLive, runningTasks, serviceStatus } from './service-runtime.ts';
import type { ClusterRecord } from './state.ts';

const NAME = /^[A-Za-z0-9_-]{1,255}$/;

/** ECS's own answer to input it cannot use. */
export const invalidParameter = (message: string): InvalidParameterException =>
  new InvalidParameterException({ message, $metadata: errorMetadata() });

/** Parses `input` or fails the way ECS does. */
export const parseEcs = <T extends z.ZodType>(schema: T, input: unknown): z.infer<T> => {
  const parsed = schema.safeParse(input);
  if (!parsed.success)
    throw invalidParameter(`Invalid request: ${parsed.error.issues[0]?.message ?? 'input'}`);
  return parsed.data;
};

/** The `tags` parameter of ECS calls. */
export const tagSchema = z
  .array(z.object({ key: z.string().optional(), value: z.string().optional() }))
  .optional();
/** A `capacityProviderStrategy` parameter. */
export const strategySchema = z
  .array(
    z.object({ capacityProvider: z.string(), base: z.number().optional(), weight: z.number().optional() }),
  )
  .optional();

/** `capacityProviderStrategy` items with ECS's defaults (base 0, weight 0). */
export const strategyOf = (items: z.infer<typeof strategySchema>) =>
  (items ?? []).map((i) => ({
    capacityProvider: i.capacityProvider,
    base: i.base ?? 0,
    weight: i.weight ?? 0,
  }));

/** The cluster a `cluster` parameter (name or ARN, absent = `default`) names, if it is ACTIVE. */
export const activeCluster = (ctx: SimContext, ref: string | undefined): ClusterRecord | undefined => {
  const name = nameFromArn(ref ?? 'default', 'cluster');
  return ctx.state.clusters.find((c) => c.name === name && c.status === 'ACTIVE');
};

/** Like {@link activeCluster}, but a missing cluster is ECS's ClusterNotFoundException. */
export const requireCluster = (ctx: SimContext, ref: string | undefined): ClusterRecord => {
  const found = activeCluster(ctx, ref);
  if (!found)
    throw new ClusterNotFoundException({ message: 'Cluster not found.', $metadata: errorMetadata() });
  return found;
};

/** A cluster as DescribeClusters shows it, with counts computed from its services. */
export const clusterView = (ctx: SimContext, c: ClusterRecord, withTags: boolean): Cluster => {
  const services = ctx.state.services.filter((s) => s.clusterArn === c.arn);
  return {
    clusterArn: c.arn,
    clusterName: c.name,
    status: c.status,
    activeServicesCount: services.filter((s) => serviceStatus(s, ctx.now) === 'ACTIVE').length,
    runningTasksCount: services.reduce((n, s) => n + runningTasks(s, ctx.now).length, 0),
    pendingTasksCount: 0,
    registeredContainerInstancesCount: 0,
    settings: c.settings.map((s) => ({ name: s.name, value: s.value })),
    capacityProviders: [...c.capacityProviders],
    defaultCapacityProviderStrategy: c.defaultCapacityProviderStrategy.map((i) => ({ ...i })),
    ...(withTags ? { tags: c.tags.map((t) => ({ ...t })) } : {}),
  };
};

const createInput = z.object({
  clusterName: z.string().optional(),
  tags: tagSchema,
  settings: z.array(z.object({ name: z.enum(ClusterSettingName), value: z.string() })).optional(),
  capacityProviders: z.array(z.string()).optional(),
  defaultCapacityProviderStrategy: strategySchema,
});

/** Creates (or finds) an ECS cluster; `shared` marks the seeded infrastructure. */
export const putCluster = (ctx: SimContext, raw: unknown, shared = false): ClusterRecord => {
  const input = parseEcs(createInput, raw);
  const name = input.clusterName ?? 'default';
  if (!NAME.test(name)) {
    throw invalidParameter('Cluster name must be up to 255 letters, numbers, hyphens and underscores.');
  }
  const existing = activeCluster(ctx, name);
  if (existing) return existing;
  ctx.write.remove('clusters', (c) => c.name === name);
  const record: ClusterRecord = {
    arn: arn(ctx, 'ecs', `cluster/${name}`),
    name,
    status: 'ACTIVE',
    createdAt: ctx.now,
    tags: ecsTags(input.tags),
    settings: input.settings ?? [{ name: 'containerInsights', value: 'disabled' }],
    capacityProviders: input.capacityProviders ?? [],
    defaultCapacityProviderStrategy: strategyOf(input.defaultCapacityProviderStrategy),
    shared,
  };
  ctx.write.add('clusters', record);
  return record;
};

export const createCluster = (ctx: SimContext, input: unknown): Out<CreateClusterCommandOutput> => ({
  cluster: clusterView(ctx, putCluster(ctx, input), true),
});

const describeInput = z.object({
  clusters: z.array(z.string()).optional(),
  include: z.array(z.string()).optional(),
});

export const describeClusters = (ctx: SimContext, input: unknown): Out<DescribeClustersCommandOutput> => {
  const { clusters = ['default'], include = [] } = parseEcs(describeInput, input);
  const found: Cluster[] = [];
  const failures: { arn: string; reason: string }[] = [];
  for (const ref of clusters) {
    const name = nameFromArn(ref, 'cluster');
    const record = ctx.state.clusters.find((c) => c.name === name);
    if (record) found.push(clusterView(ctx, record, include.includes('TAGS')));
    else failures.push({ arn: arn(ctx, 'ecs', `cluster/${name}`), reason: 'MISSING' });
  }
  return { clusters: found, failures };
};

const listInput = z.object({
  maxResults: z.number().int().min(1).max(100).optional(),
  nextToken: z.string().optional(),
});

/** ListClusters: ACTIVE clusters only, paged by an opaque token (the index of the next one). */
export const listClusters = (ctx: SimContext, input: unknown): Out<ListClustersCommandOutput> => {
  const { maxResults = 100, nextToken } = parseEcs(listInput, input ?? {});
  const active = ctx.state.clusters.filter((c) => c.status === 'ACTIVE').map((c) => c.arn);
  const start = Number(nextToken ?? '0') || 0;
  const end = start + maxResults;
  return {
    clusterArns: active.slice(start, end),
    ...(end < active.length ? { nextToken: String(end) } : {}),
  };
};

const deleteInput = z.object({ cluster: z.string() });

export const deleteCluster = (ctx: SimContext, input: unknown): Out<DeleteClusterCommandOutput> => {
  const record = requireCluster(ctx, parseEcs(deleteInput, input).cluster);
  if (ctx.state.services.some((s) => s.clusterArn === record.arn && isLive(s, ctx.now))) {
    throw new ClusterContainsServicesException({
      message: 'The Cluster cannot be deleted while Services are active.',
      $metadata: errorMetadata(),
    });
  }
  ctx.write.touch('clusters', record).status = 'INACTIVE';
  return { cluster: clusterView(ctx, record, false) };
};
