import {
  ElasticLoadBalancingV2Client,
  ElasticLoadBalancingV2ServiceException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { TAG_KEYS } from '../../../../domain/naming.ts';
import type { SimContext } from '../../context.ts';
import { owner } from '../../inventory.ts';
import { type BucketSpec, definePlugin, type SimResource } from '../../plugin.ts';
import { describeListeners } from './listeners.ts';
import {
  createListener,
  createLoadBalancer,
  deleteListener,
  deleteLoadBalancer,
  describeLoadBalancers,
} from './load-balancers.ts';
import { createRule, deleteRule, describeRules, modifyRule } from './rules.ts';
import { addTags, describeTags } from './tags.ts';
import {
  createTargetGroup,
  deleteTargetGroup,
  describeTargetGroupAttributes,
  describeTargetGroups,
  describeTargetHealth,
  modifyTargetGroup,
  modifyTargetGroupAttributes,
} from './target-groups.ts';

const MUTATING = new Set([
  'CreateTargetGroup',
  'DeleteTargetGroup',
  'ModifyTargetGroup',
  'CreateRule',
  'DeleteRule',
  'ModifyRule',
  'SetRulePriorities',
  'RegisterTargets',
  'DeregisterTargets',
  'AddTags',
  'RemoveTags',
  'CreateListener',
  'DeleteListener',
  'ModifyListener',
  'CreateLoadBalancer',
  'DeleteLoadBalancer',
]);

/** ELBv2's rate quotas: one account-wide bucket, and a tighter one per changing call. */
const buckets = (command: string): BucketSpec[] => {
  const account = { key: 'elbv2:account', burst: 40, perSecond: 10 };
  return MUTATING.has(command) ? [{ key: `elbv2:${command}`, burst: 20, perSecond: 3 }, account] : [account];
};

const resources = (ctx: SimContext): SimResource[] => {
  const s = ctx.state;
  return [
    ...s.loadBalancers.map((lb) => ({
      service: 'elbv2',
      type: 'load-balancer',
      id: lb.name,
      arn: lb.arn,
      // A shard the orchestrator added is shared infrastructure too.
      ...owner(lb.tags, lb.shared || lb.tags.some((t) => t.key === TAG_KEYS.shard)),
      status: 'active',
      tags: lb.tags,
      taggingType: 'elasticloadbalancing:loadbalancer',
    })),
    ...s.listeners.map((l) => ({
      service: 'elbv2',
      type: 'listener',
      id: `${l.protocol}:${l.port}`,
      arn: l.arn,
      tier: 'shared',
      status: 'ACTIVE',
      tags: l.tags,
    })),
    ...s.rules.map((r) => ({
      service: 'elbv2',
      type: 'listener-rule',
      id: `priority ${r.priority}`,
      arn: r.arn,
      ...owner(r.tags, r.shared),
      status: 'ACTIVE',
      tags: r.tags,
      taggingType: 'elasticloadbalancing:listener-rule',
    })),
    ...s.targetGroups.map((tg) => ({
      service: 'elbv2',
      type: 'target-group',
      id: tg.name,
      arn: tg.arn,
      ...owner(tg.tags, tg.shared),
      status: 'ACTIVE',
      tags: tg.tags,
      taggingType: 'elasticloadbalancing:targetgroup',
    })),
  ];
};

export const ELBV2 = definePlugin({
  name: 'elbv2',
  client: ElasticLoadBalancingV2Client,
  exception: ElasticLoadBalancingV2ServiceException,
  throttlingName: 'Throttling',
  handlers: {
    CreateTargetGroup: createTargetGroup,
    DescribeTargetGroups: describeTargetGroups,
    DeleteTargetGroup: deleteTargetGroup,
    ModifyTargetGroup: modifyTargetGroup,
    ModifyTargetGroupAttributes: modifyTargetGroupAttributes,
    DescribeTargetGroupAttributes: describeTargetGroupAttributes,
    DescribeTargetHealth: describeTargetHealth,
    DescribeRules: describeRules,
    DescribeListeners: describeListeners,
    CreateRule: createRule,
    ModifyRule: modifyRule,
    DeleteRule: deleteRule,
    DescribeTags: describeTags,
    AddTags: addTags,
    CreateLoadBalancer: createLoadBalancer,
    DescribeLoadBalancers: describeLoadBalancers,
    DeleteLoadBalancer: deleteLoadBalancer,
    CreateListener: createListener,
    DeleteListener: deleteListener,
  },
  buckets,
  resources,
});
