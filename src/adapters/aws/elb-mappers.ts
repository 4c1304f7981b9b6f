import {
  ListenerNotFoundException,
  LoadBalancerNotFoundException,
  RuleNotFoundException,
  TargetGroupNotFoundException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { z } from 'zod';
import type { Tag } from '../../domain/naming.ts';
import type {
  ListenerInfo,
  ListenerRuleInfo,
  LoadBalancerInfo,
  TargetGroupInfo,
} from '../../ports/load-balancer.ts';
import { parseResult } from './parse.ts';

const targetGroupSchema = z.object({
  TargetGroupArn: z.string().min(1),
  TargetGroupName: z.string().min(1),
  LoadBalancerArns: z.array(z.string()).default([]),
  // Absent settings read as the load balancer's defaults for an HTTP group.
  HealthCheckPort: z.string().default('traffic-port'),
  HealthCheckPath: z.string().default('/'),
  HealthCheckIntervalSeconds: z.number().default(30),
  HealthCheckTimeoutSeconds: z.number().default(5),
  HealthyThresholdCount: z.number().default(5),
  UnhealthyThresholdCount: z.number().default(2),
  Matcher: z.object({ HttpCode: z.string().default('200') }).default({ HttpCode: '200' }),
});

/** Parses an ELBv2 `TargetGroup` (its tags come from DescribeTags); a missing ARN is a `FatalError`. */
export const toTargetGroupInfo = (targetGroup: unknown, tags: Tag[], context: string): TargetGroupInfo => {
  const parsed = parseResult(targetGroupSchema, targetGroup, context);
  return {
    arn: parsed.TargetGroupArn,
    name: parsed.TargetGroupName,
    loadBalancerArns: parsed.LoadBalancerArns,
    healthCheck: {
      path: parsed.HealthCheckPath,
      intervalSeconds: parsed.HealthCheckIntervalSeconds,
      timeoutSeconds: parsed.HealthCheckTimeoutSeconds,
      healthyThreshold: parsed.HealthyThresholdCount,
      unhealthyThreshold: parsed.UnhealthyThresholdCount,
      matcher: parsed.Matcher.HttpCode,
    },
    healthCheckPort: parsed.HealthCheckPort,
    tags,
  };
};

const tagDescriptionsSchema = z
  .array(
    z.object({
      ResourceArn: z.string().min(1),
      Tags: z.array(z.object({ Key: z.string(), Value: z.string().default('') })).default([]),
    }),
  )
  .default([]);

/** Parses DescribeTags' `TagDescriptions` into our tags by ARN. */
export const toTagDescriptions = (descriptions: unknown, context: string): { arn: string; tags: Tag[] }[] =>
  parseResult(tagDescriptionsSchema, descriptions, context).map((description) => ({
    arn: description.ResourceArn,
    tags: description.Tags.map((tag) => ({ key: tag.Key, value: tag.Value })),
  }));

/** True for ELBv2's "no such resource" answers (DescribeTags names the kind that is missing). */
export const isNotFound = (error: unknown): boolean =>
  error instanceof TargetGroupNotFoundException ||
  error instanceof RuleNotFoundException ||
  error instanceof ListenerNotFoundException ||
  error instanceof LoadBalancerNotFoundException;

const ruleSchema = z.object({
  RuleArn: z.string().min(1),
  Priority: z.union([z.literal('default'), z.string().regex(/^\d+$/, 'a priority number or "default"')]),
  Conditions: z
    .array(
      z.object({
        Field: z.string().optional(),
        HttpHeaderConfig: z.object({ Values: z.array(z.string()).optional() }).optional(),
      }),
    )
    .default([]),
  Actions: z
    .array(
      z.object({
        Type: z.string().optional(),
        TargetGroupArn: z.string().optional(),
        ForwardConfig: z
          .object({
            TargetGroups: z
              .array(z.object({ TargetGroupArn: z.string().optional(), Weight: z.number().optional() }))
              .optional(),
          })
          .optional(),
      }),
    )
    .default([]),
});

/**
 * Parses an ELBv2 `Rule`: the default rule has no priority; the header value is the first value of
 * its `http-header` condition; target groups are those of its forward actions.
 */
export const toListenerRuleInfo = (rule: unknown, context: string): ListenerRuleInfo => {
  const parsed = parseResult(ruleSchema, rule, context);
  const priority = parsed.Priority === 'default' ? undefined : Number(parsed.Priority);
  const header = parsed.Conditions.find((condition) => condition.Field === 'http-header');
  const forwards = parsed.Actions.filter((action) => action.Type === 'forward').flatMap((action) => [
    ...(action.TargetGroupArn ? [{ arn: action.TargetGroupArn, weight: 1 }] : []),
    ...(action.ForwardConfig?.TargetGroups ?? []).flatMap((group) =>
      // A group without a weight in a forward config gets the default weight, 1.
      group.TargetGroupArn ? [{ arn: group.TargetGroupArn, weight: group.Weight ?? 1 }] : [],
    ),
  ]);
  return {
    arn: parsed.RuleArn,
    priority,
    headerValue: header?.HttpHeaderConfig?.Values?.[0],
    targetGroupArns: [...new Set(forwards.filter((f) => f.weight > 0).map((f) => f.arn))],
    standbyTargetGroupArns: [...new Set(forwards.filter((f) => f.weight === 0).map((f) => f.arn))],
  };
};

const loadBalancerSchema = z.object({
  LoadBalancerArn: z.string().min(1),
  LoadBalancerName: z.string().min(1),
  DNSName: z.string().min(1),
  State: z.object({ Code: z.string().min(1) }),
});

/** Parses an ELBv2 `LoadBalancer`; a missing ARN, name, DNS name or state is a `FatalError`. */
export const toLoadBalancerInfo = (loadBalancer: unknown, context: string): LoadBalancerInfo => {
  const parsed = parseResult(loadBalancerSchema, loadBalancer, context);
  return {
    arn: parsed.LoadBalancerArn,
    name: parsed.LoadBalancerName,
    dnsName: parsed.DNSName,
    state: parsed.State.Code,
  };
};

const listenerSchema = z.object({ ListenerArn: z.string().min(1), Port: z.number().int() });

/** Parses an ELBv2 `Listener`. */
export const toListenerInfo = (listener: unknown, context: string): ListenerInfo => {
  const parsed = parseResult(listenerSchema, listener, context);
  return { arn: parsed.ListenerArn, port: parsed.Port };
};
