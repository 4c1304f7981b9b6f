import type { DescribeListenersCommandOutput, Listener } from '@aws-sdk/client-elastic-load-balancing-v2';
import { z } from 'zod';
import type { SimContext } from '../../context.ts';
import type { Out } from '../../plugin.ts';
import { parseElb, requireListener, validationError } from './common.ts';
import type { ListenerRecord } from './state.ts';

const listenerView = (l: ListenerRecord): Listener => ({
  ListenerArn: l.arn,
  LoadBalancerArn: l.loadBalancerArn,
  Port: l.port,
  Protocol: l.protocol,
  DefaultActions: structuredClone(l.defaultActions),
});

const input = z.object({
  LoadBalancerArn: z.string().optional(),
  ListenerArns: z.array(z.string()).optional(),
});

/** The listeners of a load balancer, or those named. */
export const describeListeners = (ctx: SimContext, raw: unknown): Out<DescribeListenersCommandOutput> => {
  const { LoadBalancerArn, ListenerArns } = parseElb(input, raw);
  if (ListenerArns) return { Listeners: ListenerArns.map((arn) => listenerView(requireListener(ctx, arn))) };
  if (!LoadBalancerArn)
    throw validationError('A load balancer ARN or a set of listener ARNs must be specified');
  return {
    Listeners: ctx.state.listeners.filter((l) => l.loadBalancerArn === LoadBalancerArn).map(listenerView),
  };
};
