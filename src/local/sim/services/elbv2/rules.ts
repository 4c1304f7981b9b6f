import {
  type CreateRuleCommandOutput,
  type DeleteRuleCommandOutput,
  type DescribeRulesCommandOutput,
  type ModifyRuleCommandOutput,
  OperationNotPermittedException,
  PriorityInUseException,
  type Rule,
  RuleNotFoundException,
  TooManyRulesException,
  TooManyTargetGroupsException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { z } from 'zod';
import { QUOTAS } from '../../../../domain/quotas.ts';
import { decodeToken, elbTags, encodeToken, errorMetadata, nextHex, type SimContext } from '../../context.ts';
import type { Out } from '../../plugin.ts';
import {
  elbTagInput,
  forwardedTargetGroups,
  parseElb,
  requireListener,
  targetGroupNotFound,
  targetGroupsOfLoadBalancer,
  validationError,
} from './common.ts';
import { actionSchema, conditionSchema, type ListenerRecord, type RuleRecord } from './state.ts';

/** Listener rules per load balancer (not counting default rules) and target groups per ALB. */
export const RULES_PER_LOAD_BALANCER = QUOTAS.rulesPerLoadBalancer.limit;
export const TARGET_GROUPS_PER_LOAD_BALANCER = QUOTAS.targetGroupsPerLoadBalancer.limit;

const ruleView = (r: RuleRecord): Rule => ({
  RuleArn: r.arn,
  Priority: String(r.priority),
  Conditions: structuredClone(r.conditions),
  Actions: structuredClone(r.actions),
  IsDefault: false,
});

const defaultRuleView = (l: ListenerRecord): Rule => ({
  RuleArn: l.defaultRuleArn,
  Priority: 'default',
  Conditions: [],
  Actions: structuredClone(l.defaultActions),
  IsDefault: true,
});

const ruleNotFound = (ruleArn: string) =>
  new RuleNotFoundException({
    message: `One or more rules not found: ${ruleArn}`,
    $metadata: errorMetadata(),
  });

const describeInput = z.object({
  ListenerArn: z.string().optional(),
  RuleArns: z.array(z.string()).optional(),
  Marker: z.string().optional(),
  PageSize: z.number().int().min(1).max(400).optional(),
});

export const describeRules = (ctx: SimContext, input: unknown): Out<DescribeRulesCommandOutput> => {
  const { ListenerArn, RuleArns, Marker, PageSize = 400 } = parseElb(describeInput, input);
  let rules: Rule[];
  if (RuleArns) {
    rules = RuleArns.map((ruleArn) => {
      const listener = ctx.state.listeners.find((l) => l.defaultRuleArn === ruleArn);
      if (listener) return defaultRuleView(listener);
      const found = ctx.state.rules.find((r) => r.arn === ruleArn);
      if (!found) throw ruleNotFound(ruleArn);
      return ruleView(found);
    });
  } else if (ListenerArn) {
    const listener = requireListener(ctx, ListenerArn);
    const own = ctx.state.rules
      .filter((r) => r.listenerArn === ListenerArn)
      .sort((a, b) => a.priority - b.priority);
    rules = [...own.map(ruleView), defaultRuleView(listener)];
  } else {
    throw validationError('A listener ARN or a set of rule ARNs must be specified');
  }
  const start = decodeToken(Marker);
  if (start === undefined) throw validationError('Invalid marker');
  const page = rules.slice(start, start + PageSize);
  const end = start + page.length;
  return { Rules: page, ...(end < rules.length ? { NextMarker: encodeToken(end) } : {}) };
};

const createInput = z.object({
  ListenerArn: z.string(),
  Priority: z.number(),
  Conditions: z.array(conditionSchema),
  Actions: z.array(actionSchema).min(1),
  Tags: elbTagInput,
});

/** Adds a rule to a listener, within AWS's priority range and per-ALB quotas. */
export const putRule = (ctx: SimContext, raw: unknown, shared = false): RuleRecord => {
  const input = parseElb(createInput, raw);
  const listener = requireListener(ctx, input.ListenerArn);
  if (!Number.isInteger(input.Priority) || input.Priority < 1 || input.Priority > 50_000) {
    throw validationError(`Priority '${input.Priority}' must be between 1 and 50000`);
  }
  if (input.Conditions.length === 0) throw validationError('A condition must be specified');
  const wanted = input.Actions.flatMap(forwardedTargetGroups);
  for (const tgArn of wanted) {
    if (!ctx.state.targetGroups.some((tg) => tg.arn === tgArn)) throw targetGroupNotFound(tgArn);
  }
  if (ctx.state.rules.some((r) => r.listenerArn === listener.arn && r.priority === input.Priority)) {
    throw new PriorityInUseException({
      message: `Priority '${input.Priority}' is currently in use`,
      $metadata: errorMetadata(),
    });
  }
  const lbListeners = new Set(
    ctx.state.listeners.filter((l) => l.loadBalancerArn === listener.loadBalancerArn).map((l) => l.arn),
  );
  if (ctx.state.rules.filter((r) => lbListeners.has(r.listenerArn)).length >= RULES_PER_LOAD_BALANCER) {
    throw new TooManyRulesException({
      message: 'The maximum number of rules for the load balancer has been reached',
      $metadata: errorMetadata(),
    });
  }
  const reachable = targetGroupsOfLoadBalancer(ctx, listener.loadBalancerArn);
  if (new Set([...reachable, ...wanted]).size > TARGET_GROUPS_PER_LOAD_BALANCER) {
    throw new TooManyTargetGroupsException({
      message: 'You have reached the maximum number of target groups for this load balancer',
      $metadata: errorMetadata(),
    });
  }
  const record: RuleRecord = {
    arn: `${listener.arn.replace(':listener/', ':listener-rule/')}/${nextHex(ctx)}`,
    listenerArn: listener.arn,
    priority: input.Priority,
    conditions: input.Conditions,
    actions: input.Actions,
    tags: elbTags(input.Tags),
    shared,
  };
  ctx.write.add('rules', record);
  return record;
};

export const createRule = (ctx: SimContext, input: unknown): Out<CreateRuleCommandOutput> => ({
  Rules: [ruleView(putRule(ctx, input))],
});

const deleteInput = z.object({ RuleArn: z.string() });

export const deleteRule = (ctx: SimContext, input: unknown): Out<DeleteRuleCommandOutput> => {
  const { RuleArn } = parseElb(deleteInput, input);
  if (ctx.state.listeners.some((l) => l.defaultRuleArn === RuleArn)) {
    throw new OperationNotPermittedException({
      message: 'Default rules cannot be deleted',
      $metadata: errorMetadata(),
    });
  }
  if (!ctx.state.rules.some((r) => r.arn === RuleArn)) throw ruleNotFound(RuleArn);
  ctx.write.remove('rules', (r) => r.arn === RuleArn);
  return {};
};

const modifyInput = z.object({
  RuleArn: z.string(),
  Conditions: z.array(conditionSchema).optional(),
  Actions: z.array(actionSchema).min(1).optional(),
});

/** Changes a rule's conditions or actions in place (its ARN, priority and tags stay). */
export const modifyRule = (ctx: SimContext, input: unknown): Out<ModifyRuleCommandOutput> => {
  const { RuleArn, Conditions, Actions } = parseElb(modifyInput, input);
  if (ctx.state.listeners.some((l) => l.defaultRuleArn === RuleArn)) {
    throw new OperationNotPermittedException({
      message: 'Default rules cannot be modified with ModifyRule; use ModifyListener',
      $metadata: errorMetadata(),
    });
  }
  const rule = ctx.state.rules.find((r) => r.arn === RuleArn);
  if (!rule) throw ruleNotFound(RuleArn);
  for (const tgArn of (Actions ?? []).flatMap(forwardedTargetGroups)) {
    if (!ctx.state.targetGroups.some((tg) => tg.arn === tgArn)) throw targetGroupNotFound(tgArn);
  }
  if (Conditions?.length === 0) throw validationError('A condition must be specified');
  ctx.write.touch('rules', rule);
  if (Conditions) {
    rule.conditions = Conditions;
  }
  if (Actions) rule.actions = Actions;
  return { Rules: [ruleView(rule)] };
};
