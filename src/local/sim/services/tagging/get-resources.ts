import type { GetResourcesCommandOutput } from '@aws-sdk/client-resource-groups-tagging-api';
import { z } from 'zod';
import type { SimContext } from '../../context.ts';
import type { Out } from '../../plugin.ts';

const input = z.object({
  TagFilters: z.array(z.object({ Key: z.string(), Values: z.array(z.string()).optional() })).optional(),
  ResourceTypeFilters: z.array(z.string()).optional(),
  PaginationToken: z.string().optional(),
  ResourcesPerPage: z.number().int().min(1).max(100).optional(),
});

/**
 * GetResources over what every service holds (`ctx.resources()`): what exists, then what the tag
 * index goes on listing after a deletion as AWS's does (and moto's), with the tags every filter asks
 * for; pages by an opaque token (the index of the next item).
 */
export const getResources = (ctx: SimContext, raw: unknown): Out<GetResourcesCommandOutput> => {
  const request = input.parse(raw ?? {});
  const types = request.ResourceTypeFilters;
  const listed = ctx.resources().filter((item) => item.taggingType !== undefined);
  const matching = [
    ...listed.filter((item) => !item.deleted),
    ...listed.filter((item) => item.deleted),
  ].filter(
    (item) =>
      (!types || types.includes(item.taggingType ?? '')) &&
      (request.TagFilters ?? []).every((filter) =>
        item.tags.some(
          (t) => t.key === filter.Key && (!filter.Values?.length || filter.Values.includes(t.value)),
        ),
      ),
  );
  const start = Number(request.PaginationToken ?? '0') || 0;
  const size = request.ResourcesPerPage ?? 50;
  const page = matching.slice(start, start + size);
  const next = start + size < matching.length ? String(start + size) : '';
  return {
    PaginationToken: next,
    ResourceTagMappingList: page.map((item) => ({
      ResourceARN: item.arn,
      Tags: item.tags.map((t) => ({ Key: t.key, Value: t.value })),
    })),
  };
};
