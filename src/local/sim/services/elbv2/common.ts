import {
  ElasticLoadBalancingV2ServiceException,
  ListenerNotFoundException,
  TargetGroupNotFoundException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { z } from 'zod';
import type { SimTag } from '../../base-state.ts';
import { errorMetadata, type SimContext } from '../../context.ts';
import type { ListenerRecord, RuleAction } from './state.ts';

/** ELBv2 answers unusable input with a `ValidationError` that has no class of its own. */
export const validationError = (message: string): ElasticLoadBalancingV2ServiceException =>
  new ElasticLoadBalancingV2ServiceException({
    name: 'ValidationError',
    $fault: 'client',
    $metadata: errorMetadata(),
    message,
  });

/** Parses `input` or fails the way ELBv2 does. */
export const parseElb = <T extends z.ZodType>(schema: T, input: unknown): z.infer<T> => {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw validationError(`${issue?.path.join('.') ?? 'input'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
};

export const targetGroupNotFound = (arnOrName: string): TargetGroupNotFoundException =>
  new TargetGroupNotFoundException({
    message: `One or more target groups not found: ${arnOrName}`,
    $metadata: errorMetadata(),
  });

export const requireListener = (ctx: SimContext, listenerArn: string): ListenerRecord => {
  const found = ctx.state.listeners.find((l) => l.arn === listenerArn);
  if (!found) {
    throw new ListenerNotFoundException({
      message: `Listener '${listenerArn}' not found`,
      $metadata: errorMetadata(),
    });
  }
  return found;
};

/** The target groups an action forwards to. */
export const forwardedTargetGroups = (action: RuleAction): string[] => [
  ...(action.TargetGroupArn ? [action.TargetGroupArn] : []),
  ...(action.ForwardConfig?.TargetGroups ?? []).flatMap((t) => (t.TargetGroupArn ? [t.TargetGroupArn] : [])),
];

/** Every target group reachable from a load balancer (default actions and rules of all its listeners). */
export const targetGroupsOfLoadBalancer = (ctx: SimContext, loadBalancerArn: string): Set<string> => {
  const listeners = ctx.state.listeners.filter((l) => l.loadBalancerArn === loadBalancerArn);
  const listenerArns = new Set(listeners.map((l) => l.arn));
  const actions = [
    ...listeners.flatMap((l) => l.defaultActions),
    ...ctx.state.rules.filter((r) => listenerArns.has(r.listenerArn)).flatMap((r) => r.actions),
  ];
  return new Set(actions.flatMap(forwardedTargetGroups));
};

/**
 * The load balancers from which a target group receives traffic (in the state's order): those with a
 * listener whose default action or one of whose rules forwards to it. One pass over the listeners and
 * the rules, whatever the number of load balancers (a fleet's shards).
 */
export const loadBalancersOfTargetGroup = (ctx: SimContext, targetGroupArn: string): string[] => {
  const forwards = (actions: readonly RuleAction[]) =>
    actions.some((action) => forwardedTargetGroups(action).includes(targetGroupArn));
  const listeners = new Set<string>();
  for (const listener of ctx.state.listeners)
    if (forwards(listener.defaultActions)) listeners.add(listener.arn);
  for (const rule of ctx.state.rules) if (forwards(rule.actions)) listeners.add(rule.listenerArn);
  const balancers = new Set<string>();
  for (const listener of ctx.state.listeners)
    if (listeners.has(listener.arn)) balancers.add(listener.loadBalancerArn);
  return ctx.state.loadBalancers.filter((lb) => balancers.has(lb.arn)).map((lb) => lb.arn);
};

/** Tags in ELBv2's casing. */
export const elbTagView = (tags: SimTag[]) => tags.map((t) => ({ Key: t.key, Value: t.value }));

/** The `Tags` parameter of ELBv2 calls. */
export const elbTagInput = z.array(z.object({ Key: z.string(), Value: z.string().optional() })).optional();
