/**
 * Where the simulated load balancer sends a request: the first rule (by priority) of the shared
 * listener whose conditions the request meets, and the health of each target group that rule
 * forwards to with a weight above 0. For tests that watch a tenant's routing while it changes.
 */
import type { SimContext } from './context.ts';
import type { RuleRecord } from './services/elbv2/state.ts';
import { describeTargetHealth } from './services/elbv2/target-groups.ts';

/** Where a request goes. */
export interface Route {
  /** The matching rule's priority, or `default` (the listener's default action). */
  rule: number | 'default';
  /** The target groups that receive it, each with its healthy and total targets. */
  targetGroups: Array<{ arn: string; healthy: number; total: number }>;
  /** A fixed response (e.g. the listener's 404) instead of a group. */
  fixedResponse?: string;
}

type Condition = RuleRecord['conditions'][number] & {
  PathPatternConfig?: { Values?: string[] };
};

const matchesPattern = (pattern: string, value: string): boolean =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  ).test(value);

const meets = (condition: Condition, headers: Record<string, string>, path: string): boolean => {
  if (condition.Field === 'http-header') {
    const name = condition.HttpHeaderConfig?.HttpHeaderName?.toLowerCase() ?? '';
    const value = Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
    return (
      value !== undefined && (condition.HttpHeaderConfig?.Values ?? []).some((p) => matchesPattern(p, value))
    );
  }
  if (condition.Field === 'path-pattern') {
    const patterns = condition.PathPatternConfig?.Values ?? condition.Values ?? [];
    return patterns.some((p) => matchesPattern(p, path));
  }
  return false;
};

const forwardsOf = (actions: RuleRecord['actions']): string[] =>
  actions.flatMap((action) =>
    action.Type !== 'forward'
      ? []
      : [
          ...(action.TargetGroupArn ? [action.TargetGroupArn] : []),
          ...(action.ForwardConfig?.TargetGroups ?? [])
            .filter((group) => (group.Weight ?? 1) > 0)
            .flatMap((group) => (group.TargetGroupArn ? [group.TargetGroupArn] : [])),
        ],
  );

/** Rules below this priority are tenants' own; the shared stack's pooled rule sits at the last one. */
const POOLED_PRIORITY = 50_000;

const health = (ctx: SimContext, arn: string) => {
  const targets = describeTargetHealth(ctx, { TargetGroupArn: arn }).TargetHealthDescriptions ?? [];
  return {
    arn,
    healthy: targets.filter((t) => t.TargetHealth?.State === 'healthy').length,
    total: targets.length,
  };
};

/** The rule of `listener` a request with `headers` to `path` meets first, if any. */
const ruleOf = (ctx: SimContext, listenerArn: string, headers: Record<string, string>, path: string) =>
  ctx.state.rules
    .filter((r) => r.listenerArn === listenerArn)
    .sort((a, b) => a.priority - b.priority)
    .find((r) => r.conditions.every((c) => meets(c as Condition, headers, path)));

/**
 * Where a request with `headers` to `path` goes: to the load balancer shard whose listener has a rule
 * for it (each shard has a DNS name of its own, and the front door sends a tenant's requests to its
 * shard's), else the first shard's listener (the pooled rule, or the 404).
 */
export const routeOf = (ctx: SimContext, headers: Record<string, string>, path = '/'): Route => {
  const first = ctx.state.listeners[0];
  if (!first) return { rule: 'default', targetGroups: [], fixedResponse: 'no listener' };
  const matched = ctx.state.listeners
    .map((listener) => ({ listener, rule: ruleOf(ctx, listener.arn, headers, path) }))
    .find((found) => found.rule !== undefined && found.rule.priority < POOLED_PRIORITY);
  const listener = matched?.listener ?? first;
  const rule = matched?.rule ?? ruleOf(ctx, first.arn, headers, path);
  const actions = rule ? rule.actions : listener.defaultActions;
  const groups = forwardsOf(actions);
  const fixed = actions.find((a) => a.Type === 'fixed-response')?.FixedResponseConfig?.StatusCode;
  return {
    rule: rule ? rule.priority : 'default',
    targetGroups: groups.map((arn) => health(ctx, arn)),
    ...(fixed ? { fixedResponse: fixed } : {}),
  };
};
