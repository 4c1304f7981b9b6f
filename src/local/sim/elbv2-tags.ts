import {
  type DescribeTagsCommandOutput,
  ListenerNotFoundException,
  LoadBalancerNotFoundException,
  RuleNotFoundException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { z } from 'zod';
import { errorMetadata, type SimContext } from './context.ts';
import { elbTagView, parseElb, targetGroupNotFound } from './elbv2-common.ts';
import type { Out } from './output.ts';
import type { SimTag } from './state.ts';

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
