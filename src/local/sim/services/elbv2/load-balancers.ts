import {
  type CreateListenerCommandOutput,
  type CreateLoadBalancerCommandOutput,
  type DeleteListenerCommandOutput,
  type DeleteLoadBalancerCommandOutput,
  type DescribeLoadBalancersCommandOutput,
  DuplicateListenerException,
  DuplicateLoadBalancerNameException,
  type LoadBalancer,
  LoadBalancerNotFoundException,
  ProtocolEnum,
  ResourceInUseException,
  TooManyLoadBalancersException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { z } from 'zod';
import { arn, elbTags, errorMetadata, nextHex, type SimContext } from '../../context.ts';
import type { Out } from '../../plugin.ts';
import { elbTagInput, parseElb, requireListener, validationError } from './common.ts';
import { actionSchema, type ListenerRecord, type LoadBalancerRecord } from './state.ts';

/** Application Load Balancers per Region (../shared/aws-limits.md). */
const LOAD_BALANCERS_PER_REGION = 50;
const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/;

/** `provisioning` until the simulated start time has passed since CreateLoadBalancer, then `active`. */
const stateOf = (ctx: SimContext, lb: LoadBalancerRecord): 'provisioning' | 'active' =>
  ctx.now - lb.createdAt < ctx.timing.serviceStartMs ? 'provisioning' : 'active';

const view = (ctx: SimContext, lb: LoadBalancerRecord): LoadBalancer => ({
  LoadBalancerArn: lb.arn,
  LoadBalancerName: lb.name,
  DNSName: lb.dnsName,
  Scheme: 'internet-facing',
  Type: 'application',
  VpcId: lb.vpcId,
  State: { Code: stateOf(ctx, lb) },
  IpAddressType: 'ipv4',
});

const notFound = (what: string): LoadBalancerNotFoundException =>
  new LoadBalancerNotFoundException({
    message: `One or more load balancers not found: ${what}`,
    $metadata: errorMetadata(),
  });

const createInput = z.object({
  Name: z.string(),
  Subnets: z.array(z.string().startsWith('subnet-')).min(2, 'an ALB needs subnets in at least two AZs'),
  SecurityGroups: z.array(z.string().startsWith('sg-')).min(1),
  Scheme: z.enum(['internet-facing', 'internal']).optional(),
  Type: z.literal('application').optional(),
  IpAddressType: z.literal('ipv4').optional(),
  Tags: elbTagInput,
});

/** Creates an ALB; the same name with the same settings answers the existing one, as ELBv2 does. */
export const createLoadBalancer = (ctx: SimContext, raw: unknown): Out<CreateLoadBalancerCommandOutput> => {
  const input = parseElb(createInput, raw);
  if (!NAME.test(input.Name) || input.Name.startsWith('internal-'))
    throw validationError(`Load balancer name '${input.Name}' is not valid`);
  const tags = elbTags(input.Tags);
  const existing = ctx.state.loadBalancers.find((lb) => lb.name === input.Name);
  if (existing) {
    const same =
      JSON.stringify(existing.tags.map((t) => [t.key, t.value]).sort()) ===
      JSON.stringify(tags.map((t) => [t.key, t.value]).sort());
    if (!same || existing.shared)
      throw new DuplicateLoadBalancerNameException({
        message: `A load balancer with the name '${input.Name}' already exists`,
        $metadata: errorMetadata(),
      });
    return { LoadBalancers: [view(ctx, existing)] };
  }
  if (ctx.state.loadBalancers.length >= LOAD_BALANCERS_PER_REGION)
    throw new TooManyLoadBalancersException({
      message: 'The maximum number of load balancers has been reached',
      $metadata: errorMetadata(),
    });
  const id = nextHex(ctx);
  const lb: LoadBalancerRecord = {
    arn: arn(ctx, 'elasticloadbalancing', `loadbalancer/app/${input.Name}/${id}`),
    name: input.Name,
    dnsName: `${input.Name}-${id.slice(0, 10)}.${ctx.region}.elb.amazonaws.com`,
    vpcId: ctx.state.network?.vpcId ?? 'vpc-unknown',
    tags,
    shared: false,
    createdAt: ctx.now,
  };
  ctx.write.add('loadBalancers', lb);
  return { LoadBalancers: [view(ctx, lb)] };
};

const describeInput = z.object({
  Names: z.array(z.string()).optional(),
  LoadBalancerArns: z.array(z.string()).optional(),
});

/** The load balancers named (every one named must exist), or all of them. */
export const describeLoadBalancers = (
  ctx: SimContext,
  raw: unknown,
): Out<DescribeLoadBalancersCommandOutput> => {
  const { Names, LoadBalancerArns } = parseElb(describeInput, raw);
  const wanted = Names ?? LoadBalancerArns;
  if (!wanted) return { LoadBalancers: ctx.state.loadBalancers.map((lb) => view(ctx, lb)) };
  return {
    LoadBalancers: wanted.map((key) => {
      const found = ctx.state.loadBalancers.find((lb) => (Names ? lb.name : lb.arn) === key);
      if (!found) throw notFound(key);
      return view(ctx, found);
    }),
  };
};

/** Deletes the ALB with its listeners and their rules; an unknown ARN is no error (as ELBv2). */
export const deleteLoadBalancer = (ctx: SimContext, raw: unknown): Out<DeleteLoadBalancerCommandOutput> => {
  const { LoadBalancerArn } = parseElb(z.object({ LoadBalancerArn: z.string() }), raw);
  const s = ctx.state;
  const lb = s.loadBalancers.find((candidate) => candidate.arn === LoadBalancerArn);
  if (!lb) return {};
  if (lb.shared)
    throw new ResourceInUseException({
      message: `Load balancer '${LoadBalancerArn}' belongs to a stack`,
      $metadata: errorMetadata(),
    });
  const listeners = new Set(s.listeners.filter((l) => l.loadBalancerArn === lb.arn).map((l) => l.arn));
  ctx.write.remove('rules', (r) => listeners.has(r.listenerArn));
  ctx.write.remove('listeners', (l) => listeners.has(l.arn));
  ctx.write.remove('loadBalancers', (candidate) => candidate === lb);
  return {};
};

const listenerInput = z.object({
  LoadBalancerArn: z.string(),
  Protocol: z.enum(ProtocolEnum),
  Port: z.number().int().min(1).max(65535),
  DefaultActions: z.array(actionSchema).min(1),
  Tags: elbTagInput,
});

/** A listener on the load balancer; a second on the same port is DuplicateListener. */
export const createListener = (ctx: SimContext, raw: unknown): Out<CreateListenerCommandOutput> => {
  const input = parseElb(listenerInput, raw);
  const lb = ctx.state.loadBalancers.find((candidate) => candidate.arn === input.LoadBalancerArn);
  if (!lb) throw notFound(input.LoadBalancerArn);
  if (ctx.state.listeners.some((l) => l.loadBalancerArn === lb.arn && l.port === input.Port))
    throw new DuplicateListenerException({
      message: 'A listener already exists on this port for this load balancer',
      $metadata: errorMetadata(),
    });
  const listenerArn = `${lb.arn.replace(':loadbalancer/', ':listener/')}/${nextHex(ctx)}`;
  const listener: ListenerRecord = {
    arn: listenerArn,
    loadBalancerArn: lb.arn,
    port: input.Port,
    protocol: input.Protocol,
    defaultActions: input.DefaultActions,
    defaultRuleArn: `${listenerArn.replace(':listener/', ':listener-rule/')}/${nextHex(ctx)}`,
    tags: elbTags(input.Tags),
  };
  ctx.write.add('listeners', listener);
  return {
    Listeners: [
      {
        ListenerArn: listener.arn,
        LoadBalancerArn: lb.arn,
        Port: listener.port,
        Protocol: listener.protocol,
        DefaultActions: structuredClone(listener.defaultActions),
      },
    ],
  };
};

/** Deletes the listener and its rules. */
export const deleteListener = (ctx: SimContext, raw: unknown): Out<DeleteListenerCommandOutput> => {
  const { ListenerArn } = parseElb(z.object({ ListenerArn: z.string() }), raw);
  const listener = requireListener(ctx, ListenerArn);
  if (ctx.state.loadBalancers.find((lb) => lb.arn === listener.loadBalancerArn)?.shared)
    throw new ResourceInUseException({
      message: `Listener '${ListenerArn}' belongs to a stack`,
      $metadata: errorMetadata(),
    });
  ctx.write.remove('rules', (r) => r.listenerArn === listener.arn);
  ctx.write.remove('listeners', (l) => l === listener);
  return {};
};
