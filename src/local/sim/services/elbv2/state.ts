import { ActionTypeEnum, ProtocolEnum, TargetTypeEnum } from '@aws-sdk/client-elastic-load-balancing-v2';
import { z } from 'zod';
import { slice, simTagSchema as tag } from '../../base-state.ts';

/* ELBv2's part of the simulated state: load balancers, listeners, rules and target groups. */

const targetGroup = z.object({
  arn: z.string(),
  name: z.string(),
  protocol: z.enum(ProtocolEnum),
  port: z.number(),
  vpcId: z.string(),
  targetType: z.enum(TargetTypeEnum),
  healthCheckProtocol: z.enum(ProtocolEnum),
  healthCheckPath: z.string(),
  healthCheckPort: z.string(),
  healthCheckIntervalSeconds: z.number(),
  healthCheckTimeoutSeconds: z.number(),
  healthyThresholdCount: z.number(),
  unhealthyThresholdCount: z.number(),
  matcherHttpCode: z.string(),
  /** The `deregistration_delay.timeout_seconds` attribute (a state file from before it was kept: ELBv2's default). */
  deregistrationDelaySeconds: z.number().default(300),
  tags: z.array(tag),
  createdAt: z.number(),
  shared: z.boolean(),
});

/** A listener-rule action as the simulator stores it (ELBv2 casing, echoed back). */
export const actionSchema = z.object({
  Type: z.enum(ActionTypeEnum),
  Order: z.number().optional(),
  TargetGroupArn: z.string().optional(),
  ForwardConfig: z
    .object({
      TargetGroups: z.array(
        z.object({ TargetGroupArn: z.string().optional(), Weight: z.number().optional() }),
      ),
    })
    .optional(),
  FixedResponseConfig: z
    .object({
      StatusCode: z.string(),
      ContentType: z.string().optional(),
      MessageBody: z.string().optional(),
    })
    .optional(),
});

/** A listener-rule condition as the simulator stores it. */
export const conditionSchema = z.object({
  Field: z.string().optional(),
  Values: z.array(z.string()).optional(),
  HttpHeaderConfig: z
    .object({ HttpHeaderName: z.string().optional(), Values: z.array(z.string()).optional() })
    .optional(),
  PathPatternConfig: z.object({ Values: z.array(z.string()).optional() }).optional(),
  HostHeaderConfig: z.object({ Values: z.array(z.string()).optional() }).optional(),
});

const loadBalancer = z.object({
  arn: z.string(),
  name: z.string(),
  dnsName: z.string(),
  vpcId: z.string(),
  tags: z.array(tag),
  shared: z.boolean(),
  /** When CreateLoadBalancer made it (provisioning until `serviceStartMs` later); the stack's: 0. */
  createdAt: z.number().default(0),
});
const listener = z.object({
  arn: z.string(),
  loadBalancerArn: z.string(),
  port: z.number(),
  protocol: z.enum(ProtocolEnum),
  defaultActions: z.array(actionSchema),
  defaultRuleArn: z.string(),
  tags: z.array(tag).default([]),
});
const rule = z.object({
  arn: z.string(),
  listenerArn: z.string(),
  priority: z.number(),
  conditions: z.array(conditionSchema),
  actions: z.array(actionSchema),
  tags: z.array(tag),
  shared: z.boolean(),
});

export const ELBV2_SLICES = {
  targetGroups: slice('arn', targetGroup),
  loadBalancers: slice('arn', loadBalancer),
  listeners: slice('arn', listener),
  rules: slice('arn', rule),
};

export type TargetGroupRecord = z.infer<typeof targetGroup>;
export type LoadBalancerRecord = z.infer<typeof loadBalancer>;
export type ListenerRecord = z.infer<typeof listener>;
export type RuleRecord = z.infer<typeof rule>;
export type RuleAction = z.infer<typeof actionSchema>;
export type RuleConditionRecord = z.infer<typeof conditionSchema>;
