import {
  type AddTagsCommandOutput,
  type DescribeTagsCommandOutput,
  ListenerNotFoundException,
  LoadBalancerNotFoundException,
  RuleNotFoundException,
  TooManyTagsException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { z } from 'zod';
import type { SimTag } from '../../base-state.ts';
import { errorMetadata, type SimContext } from '../../context.ts';
import type { Out } from '../../plugin.ts';
import { elbTagView, parseElb, targetGroupNotFound } from './common.ts';

const notFound = (resourceArn: string): Error => {
  if (resourceArn.includes(':targetgroup/')) return targetGroupNotFound(resourceArn);
  if (resourceArn.includes(':listener-rule/')) {
    return new RuleNotFoundException({
      message: `Rule '${resourceArn}' not found`,
      $metadata: errorMetadata(),
    });
  }
  if (resourceArn.includes(':listener/')) {
    return new ListenerNotFoundException({
      message: `Listener '${resourceArn}' not found`,
      $metadata: errorMetadata(),
    });
  }
  return new LoadBalancerNotFoundException({
    message: `Load balancer '${resourceArn}' not found`,
    $metadata: errorMetadata(),
  });
};

const tagsOf = (ctx: SimContext, resourceArn: string): SimTag[] | undefined => {
  const s = ctx.state;
  const tagged = [...s.targetGroups, ...s.rules, ...s.loadBalancers, ...s.listeners].find(
    (r) => r.arn === resourceArn,
  );
  if (tagged) return tagged.tags;
  return s.listeners.some((l) => l.defaultRuleArn === resourceArn) ? [] : undefined;
};

const input = z.object({ ResourceArns: z.array(z.string()).min(1).max(20) });

export const describeTags = (ctx: SimContext, raw: unknown): Out<DescribeTagsCommandOutput> => ({
  TagDescriptions: parseElb(input, raw).ResourceArns.map((resourceArn) => {
    const tags = tagsOf(ctx, resourceArn);
    if (!tags) throw notFound(resourceArn);
    return { ResourceArn: resourceArn, Tags: elbTagView(tags) };
  }),
});

const addInput = z.object({
  ResourceArns: z.array(z.string()).min(1).max(20),
  Tags: z.array(z.object({ Key: z.string().min(1).max(128), Value: z.string().max(256).default('') })).min(1),
});

/** At most this many tags on an ELBv2 resource. */
const MAX_TAGS = 50;

/**
 * Adds tags to load balancers, listeners, rules and target groups: a key already there takes the new
 * value. All or nothing: one ARN that does not exist fails the call before anything changes.
 */
export const addTags = (ctx: SimContext, raw: unknown): Out<AddTagsCommandOutput> => {
  const { ResourceArns, Tags } = parseElb(addInput, raw);
  const s = ctx.state;
  const found = ResourceArns.map((resourceArn) => {
    const targetGroup = s.targetGroups.find((r) => r.arn === resourceArn);
    if (targetGroup) return () => ctx.write.touch('targetGroups', targetGroup);
    const rule = s.rules.find((r) => r.arn === resourceArn);
    if (rule) return () => ctx.write.touch('rules', rule);
    const loadBalancer = s.loadBalancers.find((r) => r.arn === resourceArn);
    if (loadBalancer) return () => ctx.write.touch('loadBalancers', loadBalancer);
    const listener = s.listeners.find((r) => r.arn === resourceArn);
    if (listener) return () => ctx.write.touch('listeners', listener);
    throw notFound(resourceArn);
  });
  const merged = (tags: SimTag[]): SimTag[] => [
    ...tags.filter((t) => !Tags.some((added) => added.Key === t.key)),
    ...Tags.map((t) => ({ key: t.Key, value: t.Value })),
  ];
  const items = found.map((touch) => touch());
  if (items.some((item) => merged(item.tags).length > MAX_TAGS))
    throw new TooManyTagsException({
      message: 'You have reached the limit on tags',
      $metadata: errorMetadata(),
    });
  for (const item of items) item.tags = merged(item.tags);
  return {};
};
