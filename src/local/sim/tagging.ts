import type { GetResourcesCommandOutput } from '@aws-sdk/client-resource-groups-tagging-api';
import { z } from 'zod';
import type { SimContext } from './context.ts';
import { inventory } from './inventory.ts';
import type { Out } from './output.ts';
import { serviceStatus } from './service-runtime.ts';
import type { SimTag } from './state.ts';

const input = z.object({
  TagFilters: z.array(z.object({ Key: z.string(), Values: z.array(z.string()).optional() })).optional(),
  ResourceTypeFilters: z.array(z.string()).optional(),
  PaginationToken: z.string().optional(),
  ResourcesPerPage: z.number().int().min(1).max(100).optional(),
});

/** The Tagging API's type name of each inventory type the simulator can hold. */
const TAGGING_TYPE: Record<string, string> = {
  cluster: 'ecs:cluster',
  service: 'ecs:service',
  'task-definition': 'ecs:task-definition',
  'target-group': 'elasticloadbalancing:targetgroup',
  'listener-rule': 'elasticloadbalancing:listener-rule',
  'load-balancer': 'elasticloadbalancing:loadbalancer',
  'user-pool': 'cognito-idp:userpool',
};

/**
 * GetResources over what exists (the inventory), plus what the tag index goes on listing after a
 * deletion as AWS's does (and moto's): INACTIVE ECS clusters and services. With the tags every filter
 * asks for; pages by an opaque token (the index of the next item).
 */
export const getResources = (ctx: SimContext, raw: unknown): Out<GetResourcesCommandOutput> => {
  const request = input.parse(raw ?? {});
  const s = ctx.state;
  const tagsByArn = new Map<string, SimTag[]>();
  for (const list of [
    s.clusters,
    s.services,
    s.taskDefinitions,
    s.targetGroups,
    s.rules,
    s.loadBalancers,
    s.userPools,
  ])
    for (const item of list) tagsByArn.set(item.arn, item.tags);
  const types = request.ResourceTypeFilters;
  const deleted = [
    ...s.clusters.filter((c) => c.status === 'INACTIVE').map((c) => ({ type: 'cluster', arn: c.arn })),
    ...s.services
      .filter((v) => serviceStatus(v, ctx.now) === 'INACTIVE')
      .map((v) => ({ type: 'service', arn: v.arn })),
  ];
  const matching = [...inventory(ctx), ...deleted].filter((item) => {
    const type = TAGGING_TYPE[item.type];
    if (!type || (types && !types.includes(type))) return false;
    const tags = tagsByArn.get(item.arn) ?? [];
    return (request.TagFilters ?? []).every((filter) =>
      tags.some((t) => t.key === filter.Key && (!filter.Values?.length || filter.Values.includes(t.value))),
    );
  });
  const start = Number(request.PaginationToken ?? '0') || 0;
  const size = request.ResourcesPerPage ?? 50;
  const page = matching.slice(start, start + size);
  const next = start + size < matching.length ? String(start + size) : '';
  return {
    PaginationToken: next,
    ResourceTagMappingList: page.map((item) => ({
      ResourceARN: item.arn,
      Tags: (tagsByArn.get(item.arn) ?? []).map((t) => ({ Key: t.key, Value: t.value })),
    })),
  };
};
