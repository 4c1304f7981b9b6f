import {
  AddTagsCommand,
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DeleteListenerCommand,
  DeleteLoadBalancerCommand,
  DeleteRuleCommand,
  DeleteTargetGroupCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  DuplicateLoadBalancerNameException,
  DuplicateTargetGroupNameException,
  ElasticLoadBalancingV2Client,
  type ElasticLoadBalancingV2ClientConfig,
  ListenerNotFoundException,
  LoadBalancerNotFoundException,
  ModifyRuleCommand,
  ModifyTargetGroupAttributesCommand,
  ModifyTargetGroupCommand,
  PriorityInUseException,
  RuleNotFoundException,
  TargetGroupNotFoundException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { FatalError, NotReadyError } from '../../domain/errors.ts';
import type { Tag } from '../../domain/naming.ts';
import type {
  HealthCheck,
  ListenerInfo,
  ListenerRuleInfo,
  ListenerRuleSpec,
  LoadBalancer,
  LoadBalancerInfo,
  LoadBalancerSpec,
  TargetGroupHealth,
  TargetGroupInfo,
  TargetGroupSpec,
  TargetHealthSummary,
} from '../../ports/load-balancer.ts';
import { type ClientOptions, resolveClient } from './client-options.ts';
import {
  isNotFound,
  toListenerInfo,
  toListenerRuleInfo,
  toLoadBalancerInfo,
  toTagDescriptions,
  toTargetGroupInfo,
} from './elb-mappers.ts';
import { translateAwsError } from './errors.ts';

/** A forward action: to one group, or to one with another attached at weight 0 (receiving nothing). */
const forwardTo = (targetGroupArn: string, standbyTargetGroupArn: string | undefined) =>
  standbyTargetGroupArn === undefined
    ? [{ Type: 'forward' as const, TargetGroupArn: targetGroupArn }]
    : [
        {
          Type: 'forward' as const,
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: targetGroupArn, Weight: 1 },
              { TargetGroupArn: standbyTargetGroupArn, Weight: 0 },
            ],
          },
        },
      ];

/** A health check as CreateTargetGroup and ModifyTargetGroup take it. */
const healthCheckInput = (check: HealthCheck) => ({
  HealthCheckProtocol: 'HTTP' as const,
  // On the port the targets serve: a check sent elsewhere (changed by hand) fails every target.
  HealthCheckPort: 'traffic-port',
  HealthCheckPath: check.path,
  HealthCheckIntervalSeconds: check.intervalSeconds,
  HealthCheckTimeoutSeconds: check.timeoutSeconds,
  HealthyThresholdCount: check.healthyThreshold,
  UnhealthyThresholdCount: check.unhealthyThreshold,
  Matcher: { HttpCode: check.matcher },
});

/** Options of {@link ElbLoadBalancer}: an `ElasticLoadBalancingV2Client` or its configuration. */
export type ElbLoadBalancerOptions = ClientOptions<
  ElasticLoadBalancingV2Client,
  ElasticLoadBalancingV2ClientConfig
>;

/** {@link LoadBalancer} on an Application Load Balancer (ELBv2). */
export class ElbLoadBalancer implements LoadBalancer {
  readonly #client: ElasticLoadBalancingV2Client;

  constructor(options: ElbLoadBalancerOptions = {}) {
    this.#client = resolveClient(
      'ElbLoadBalancer',
      options,
      (config) => new ElasticLoadBalancingV2Client(config ?? {}),
    );
  }

  async findTargetGroup(name: string): Promise<TargetGroupInfo | undefined> {
    const context = `ELBv2 DescribeTargetGroups ${name}`;
    try {
      const out = await this.#client.send(new DescribeTargetGroupsCommand({ Names: [name] }));
      const group = out.TargetGroups?.[0];
      if (group === undefined) return undefined;
      const info = toTargetGroupInfo(group, [], context);
      // DescribeTargetGroups carries no tags: whose the group is takes a second call.
      const tags = (await this.tagsOf([info.arn])).get(info.arn);
      return tags === undefined ? undefined : { ...info, tags };
    } catch (error) {
      if (error instanceof TargetGroupNotFoundException) return undefined;
      throw translateAwsError(error, context);
    }
  }

  async tagsOf(arns: readonly string[]): Promise<Map<string, Tag[]>> {
    const found = new Map<string, Tag[]>();
    // DescribeTags takes at most 20 ARNs, and fails whole when one of them does not exist: ask one
    // batch at a time and, when a batch names something gone, each of its ARNs on its own.
    const ask = async (batch: readonly string[]): Promise<void> => {
      const context = `ELBv2 DescribeTags ${batch.join(', ')}`;
      try {
        const out = await this.#client.send(new DescribeTagsCommand({ ResourceArns: [...batch] }));
        for (const description of toTagDescriptions(out.TagDescriptions, context)) {
          found.set(description.arn, description.tags);
        }
      } catch (error) {
        if (!isNotFound(error)) throw translateAwsError(error, context);
        if (batch.length > 1) for (const arn of batch) await ask([arn]);
      }
    };
    for (let start = 0; start < arns.length; start += 20) await ask(arns.slice(start, start + 20));
    return found;
  }

  async createTargetGroup(spec: TargetGroupSpec): Promise<TargetGroupInfo> {
    const context = `ELBv2 CreateTargetGroup ${spec.name}`;
    let group: TargetGroupInfo;
    try {
      const out = await this.#client.send(
        new CreateTargetGroupCommand({
          Name: spec.name,
          Protocol: 'HTTP',
          Port: spec.port,
          VpcId: spec.vpcId,
          TargetType: 'ip',
          ...healthCheckInput(spec.health),
          Tags: spec.tags.map(({ key, value }) => ({ Key: key, Value: value })),
        }),
      );
      group = toTargetGroupInfo(out.TargetGroups?.[0], spec.tags, context);
    } catch (error) {
      if (!(error instanceof DuplicateTargetGroupNameException)) throw translateAwsError(error, context);
      // The name is deterministic per tenant: a group of that name is this tenant's, from an earlier
      // try (with other settings: the caller decides whether to adopt and configure it).
      const existing = await this.findTargetGroup(spec.name);
      if (existing) return existing;
      throw new NotReadyError(
        `${context}: the name is taken but no target group of that name is visible yet`,
        {
          cause: error,
        },
      );
    }
    // The deregistration delay is an attribute, which CreateTargetGroup does not take.
    await this.#setDrain(group.arn, spec.health.deregistrationDelaySeconds);
    return group;
  }

  async configureTargetGroup(arn: string, health: TargetGroupHealth): Promise<void> {
    try {
      await this.#client.send(
        new ModifyTargetGroupCommand({ TargetGroupArn: arn, ...healthCheckInput(health) }),
      );
    } catch (error) {
      throw translateAwsError(error, `ELBv2 ModifyTargetGroup ${arn}`);
    }
    await this.#setDrain(arn, health.deregistrationDelaySeconds);
  }

  async drainSeconds(targetGroupArn: string): Promise<number | undefined> {
    const context = `ELBv2 DescribeTargetGroupAttributes ${targetGroupArn}`;
    try {
      const out = await this.#client.send(
        new DescribeTargetGroupAttributesCommand({ TargetGroupArn: targetGroupArn }),
      );
      const value = out.Attributes?.find((a) => a.Key === 'deregistration_delay.timeout_seconds')?.Value;
      const seconds = Number(value);
      if (value === undefined || !Number.isInteger(seconds))
        throw new FatalError(`${context}: no deregistration_delay.timeout_seconds in its answer`);
      return seconds;
    } catch (error) {
      if (error instanceof TargetGroupNotFoundException) return undefined;
      if (error instanceof FatalError) throw error;
      throw translateAwsError(error, context);
    }
  }

  async #setDrain(arn: string, seconds: number): Promise<void> {
    try {
      await this.#client.send(
        new ModifyTargetGroupAttributesCommand({
          TargetGroupArn: arn,
          Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: String(seconds) }],
        }),
      );
    } catch (error) {
      throw translateAwsError(error, `ELBv2 ModifyTargetGroupAttributes ${arn}`);
    }
  }

  async deleteTargetGroup(arn: string): Promise<void> {
    try {
      await this.#client.send(new DeleteTargetGroupCommand({ TargetGroupArn: arn }));
    } catch (error) {
      if (error instanceof TargetGroupNotFoundException) return;
      throw translateAwsError(error, `ELBv2 DeleteTargetGroup ${arn}`);
    }
  }

  async targetHealth(targetGroupArn: string): Promise<TargetHealthSummary> {
    try {
      const out = await this.#client.send(
        new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }),
      );
      const states = (out.TargetHealthDescriptions ?? []).map(
        (description) => description.TargetHealth?.State ?? 'unknown',
      );
      return { healthy: states.filter((state) => state === 'healthy').length, total: states.length, states };
    } catch (error) {
      throw translateAwsError(error, `ELBv2 DescribeTargetHealth ${targetGroupArn}`);
    }
  }

  async listListenerRules(listenerArn: string): Promise<ListenerRuleInfo[]> {
    const context = `ELBv2 DescribeRules ${listenerArn}`;
    const rules: ListenerRuleInfo[] = [];
    let marker: string | undefined;
    try {
      do {
        const out = await this.#client.send(
          new DescribeRulesCommand({ ListenerArn: listenerArn, Marker: marker }),
        );
        rules.push(...(out.Rules ?? []).map((rule) => toListenerRuleInfo(rule, context)));
        marker = out.NextMarker;
      } while (marker);
    } catch (error) {
      throw translateAwsError(error, context);
    }
    return rules;
  }

  async createListenerRule(spec: ListenerRuleSpec): Promise<ListenerRuleInfo | 'priority-in-use'> {
    const context = `ELBv2 CreateRule ${spec.listenerArn} priority ${spec.priority}`;
    try {
      const out = await this.#client.send(
        new CreateRuleCommand({
          ListenerArn: spec.listenerArn,
          Priority: spec.priority,
          Conditions: [
            {
              Field: 'http-header',
              HttpHeaderConfig: { HttpHeaderName: spec.headerName, Values: [spec.headerValue] },
            },
          ],
          Actions: forwardTo(spec.targetGroupArn, spec.standbyTargetGroupArn),
          Tags: spec.tags.map(({ key, value }) => ({ Key: key, Value: value })),
        }),
      );
      return toListenerRuleInfo(out.Rules?.[0], context);
    } catch (error) {
      if (error instanceof PriorityInUseException) return 'priority-in-use';
      throw translateAwsError(error, context);
    }
  }

  async tagResource(arn: string, tags: Tag[]): Promise<'tagged' | 'absent'> {
    try {
      await this.#client.send(
        new AddTagsCommand({
          ResourceArns: [arn],
          Tags: tags.map(({ key, value }) => ({ Key: key, Value: value })),
        }),
      );
      return 'tagged';
    } catch (error) {
      if (isNotFound(error)) return 'absent';
      throw translateAwsError(error, `ELBv2 AddTags ${arn}`);
    }
  }

  async forwardListenerRule(
    arn: string,
    targetGroupArn: string,
    standbyTargetGroupArn?: string,
  ): Promise<'forwarded' | 'absent'> {
    try {
      await this.#client.send(
        new ModifyRuleCommand({ RuleArn: arn, Actions: forwardTo(targetGroupArn, standbyTargetGroupArn) }),
      );
      return 'forwarded';
    } catch (error) {
      if (error instanceof RuleNotFoundException) return 'absent';
      throw translateAwsError(error, `ELBv2 ModifyRule ${arn} → ${targetGroupArn}`);
    }
  }

  async deleteListenerRule(arn: string): Promise<'deleted' | 'absent'> {
    try {
      await this.#client.send(new DeleteRuleCommand({ RuleArn: arn }));
      return 'deleted';
    } catch (error) {
      if (error instanceof RuleNotFoundException) return 'absent';
      throw translateAwsError(error, `ELBv2 DeleteRule ${arn}`);
    }
  }

  async findLoadBalancer(name: string): Promise<LoadBalancerInfo | undefined> {
    const context = `ELBv2 DescribeLoadBalancers ${name}`;
    try {
      const out = await this.#client.send(new DescribeLoadBalancersCommand({ Names: [name] }));
      const found = out.LoadBalancers?.[0];
      return found === undefined ? undefined : toLoadBalancerInfo(found, context);
    } catch (error) {
      if (error instanceof LoadBalancerNotFoundException) return undefined;
      throw translateAwsError(error, context);
    }
  }

  async createLoadBalancer(spec: LoadBalancerSpec): Promise<LoadBalancerInfo> {
    const context = `ELBv2 CreateLoadBalancer ${spec.name}`;
    try {
      const out = await this.#client.send(
        new CreateLoadBalancerCommand({
          Name: spec.name,
          Type: 'application',
          Scheme: 'internet-facing',
          IpAddressType: 'ipv4',
          Subnets: spec.subnetIds,
          SecurityGroups: spec.securityGroupIds,
          Tags: spec.tags.map(({ key, value }) => ({ Key: key, Value: value })),
        }),
      );
      return toLoadBalancerInfo(out.LoadBalancers?.[0], context);
    } catch (error) {
      if (error instanceof DuplicateLoadBalancerNameException)
        throw new FatalError(`${context}: the name is taken by a load balancer with other settings`, {
          cause: error,
        });
      throw translateAwsError(error, context);
    }
  }

  async deleteLoadBalancer(arn: string): Promise<void> {
    try {
      await this.#client.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: arn }));
    } catch (error) {
      if (error instanceof LoadBalancerNotFoundException) return;
      throw translateAwsError(error, `ELBv2 DeleteLoadBalancer ${arn}`);
    }
  }

  async listListeners(loadBalancerArn: string): Promise<ListenerInfo[]> {
    const context = `ELBv2 DescribeListeners ${loadBalancerArn}`;
    const listeners: ListenerInfo[] = [];
    let marker: string | undefined;
    try {
      do {
        const out = await this.#client.send(
          new DescribeListenersCommand({ LoadBalancerArn: loadBalancerArn, Marker: marker }),
        );
        listeners.push(...(out.Listeners ?? []).map((listener) => toListenerInfo(listener, context)));
        marker = out.NextMarker;
      } while (marker);
    } catch (error) {
      throw translateAwsError(error, context);
    }
    return listeners;
  }

  async createListener(spec: { loadBalancerArn: string; port: number; tags: Tag[] }): Promise<ListenerInfo> {
    const context = `ELBv2 CreateListener ${spec.loadBalancerArn}:${spec.port}`;
    try {
      const out = await this.#client.send(
        new CreateListenerCommand({
          LoadBalancerArn: spec.loadBalancerArn,
          Protocol: 'HTTP',
          Port: spec.port,
          DefaultActions: [
            {
              Type: 'fixed-response',
              FixedResponseConfig: {
                StatusCode: '404',
                ContentType: 'text/plain',
                MessageBody: 'unknown tenant',
              },
            },
          ],
          Tags: spec.tags.map(({ key, value }) => ({ Key: key, Value: value })),
        }),
      );
      return toListenerInfo(out.Listeners?.[0], context);
    } catch (error) {
      throw translateAwsError(error, context);
    }
  }

  async deleteListener(arn: string): Promise<'deleted' | 'absent'> {
    try {
      await this.#client.send(new DeleteListenerCommand({ ListenerArn: arn }));
      return 'deleted';
    } catch (error) {
      if (error instanceof ListenerNotFoundException) return 'absent';
      throw translateAwsError(error, `ELBv2 DeleteListener ${arn}`);
    }
  }
}
