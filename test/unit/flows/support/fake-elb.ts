import {
  AddTagsCommand,
  type AddTagsCommandInput,
  type AddTagsCommandOutput,
  CreateRuleCommand,
  type CreateRuleCommandInput,
  type CreateRuleCommandOutput,
  CreateTargetGroupCommand,
  type CreateTargetGroupCommandInput,
  type CreateTargetGroupCommandOutput,
  DeleteRuleCommand,
  type DeleteRuleCommandInput,
  type DeleteRuleCommandOutput,
  DeleteTargetGroupCommand,
  type DeleteTargetGroupCommandInput,
  type DeleteTargetGroupCommandOutput,
  DescribeRulesCommand,
  type DescribeRulesCommandInput,
  type DescribeRulesCommandOutput,
  DescribeTagsCommand,
  type DescribeTagsCommandInput,
  type DescribeTagsCommandOutput,
  DescribeTargetGroupAttributesCommand,
  type DescribeTargetGroupAttributesCommandInput,
  type DescribeTargetGroupAttributesCommandOutput,
  DescribeTargetGroupsCommand,
  type DescribeTargetGroupsCommandInput,
  type DescribeTargetGroupsCommandOutput,
  DescribeTargetHealthCommand,
  type DescribeTargetHealthCommandInput,
  type DescribeTargetHealthCommandOutput,
  DuplicateTargetGroupNameException,
  type ElasticLoadBalancingV2Client,
  ModifyTargetGroupAttributesCommand,
  type ModifyTargetGroupAttributesCommandInput,
  type ModifyTargetGroupAttributesCommandOutput,
  ModifyTargetGroupCommand,
  type ModifyTargetGroupCommandInput,
  type ModifyTargetGroupCommandOutput,
  PriorityInUseException,
  ResourceInUseException,
  type Rule,
  RuleNotFoundException,
  type TargetGroup,
  TargetGroupNotFoundException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import {
  ACCOUNT,
  answer,
  failed,
  isSteady,
  nextHex,
  ok,
  REGION,
  type RuleState,
  type TargetGroupState,
  type World,
} from './world.ts';

const arn = (resource: string) => `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:${resource}`;

/** The shared ALB and its HTTP listener, as the shared stack reports them. */
export const LOAD_BALANCER_ARN = arn('loadbalancer/app/tf-shared/50dc6c495c0c9188');
export const LISTENER_ARN = arn('listener/app/tf-shared/50dc6c495c0c9188/f2f7dc8efc522ab2');
export const POOLED_TARGET_GROUP_ARN = arn('targetgroup/tf-pool/73e2d6bc24d8a067');

const targetGroupOf = (group: TargetGroupState): TargetGroup => ({
  TargetGroupArn: group.arn,
  TargetGroupName: group.name,
  Protocol: 'HTTP',
  Port: group.port,
  VpcId: group.vpcId,
  TargetType: 'ip',
  HealthCheckProtocol: 'HTTP',
  HealthCheckPath: group.healthCheck.path,
  HealthCheckIntervalSeconds: group.healthCheck.intervalSeconds,
  HealthCheckTimeoutSeconds: group.healthCheck.timeoutSeconds,
  HealthyThresholdCount: group.healthCheck.healthyThreshold,
  UnhealthyThresholdCount: group.healthCheck.unhealthyThreshold,
  Matcher: { HttpCode: group.healthCheck.matcher },
  LoadBalancerArns: [],
});

/** A health check from CreateTargetGroup's or ModifyTargetGroup's input: ELBv2's defaults for what is absent. */
const healthCheckOf = (
  input: CreateTargetGroupCommandInput | ModifyTargetGroupCommandInput,
  before?: TargetGroupState['healthCheck'],
): TargetGroupState['healthCheck'] => ({
  path: input.HealthCheckPath ?? before?.path ?? '/',
  intervalSeconds: input.HealthCheckIntervalSeconds ?? before?.intervalSeconds ?? 30,
  timeoutSeconds: input.HealthCheckTimeoutSeconds ?? before?.timeoutSeconds ?? 5,
  healthyThreshold: input.HealthyThresholdCount ?? before?.healthyThreshold ?? 5,
  unhealthyThreshold: input.UnhealthyThresholdCount ?? before?.unhealthyThreshold ?? 2,
  matcher: input.Matcher?.HttpCode ?? before?.matcher ?? '200',
});

const ruleOf = (rule: RuleState): Rule => ({
  RuleArn: rule.arn,
  Priority: rule.priority,
  IsDefault: rule.isDefault,
  Conditions: rule.headerValues.length
    ? [
        {
          Field: 'http-header',
          HttpHeaderConfig: { HttpHeaderName: 'x-tenant-id', Values: rule.headerValues },
        },
      ]
    : [],
  Actions: [{ Type: 'forward', TargetGroupArn: rule.targetGroupArn, Order: 1 }],
});

const groupOrThrow = (world: World, groupArn: string | undefined): TargetGroupState => {
  const group = world.targetGroups.find((candidate) => candidate.arn === groupArn);
  if (!group) {
    throw new TargetGroupNotFoundException({
      message: `Target groups '${groupArn}' not found`,
      ...failed(400),
    });
  }
  return group;
};

/** Installs a stateful ALB on the mocked client: target groups, the listener's rules, target health. */
export const fakeElb = (mock: AwsClientStub<ElasticLoadBalancingV2Client>, world: World): void => {
  mock.on(DescribeTargetGroupsCommand).callsFake((input: DescribeTargetGroupsCommandInput) =>
    answer(world, 'ELB.DescribeTargetGroups', input, ({ Names = [] }) => {
      const found = world.targetGroups.filter((group) => Names.includes(group.name));
      if (found.length < Names.length) {
        throw new TargetGroupNotFoundException({
          message: 'One or more target groups not found',
          ...failed(400),
        });
      }
      const output: DescribeTargetGroupsCommandOutput = {
        ...ok(world),
        TargetGroups: found.map(targetGroupOf),
      };
      return { output };
    }),
  );
  mock.on(CreateTargetGroupCommand).callsFake((input: CreateTargetGroupCommandInput) =>
    answer(world, 'ELB.CreateTargetGroup', input, ({ Name = '', Port = 80, VpcId = '' }) => {
      // ELBv2: a group of the same name and settings is returned as it is; other settings are refused.
      const existing = world.targetGroups.find((candidate) => candidate.name === Name);
      if (existing) {
        if (
          existing.port !== Port ||
          existing.vpcId !== VpcId ||
          JSON.stringify(existing.healthCheck) !== JSON.stringify(healthCheckOf(input))
        )
          throw new DuplicateTargetGroupNameException({
            message: 'A target group with the same name exists, but with different settings',
            ...failed(400),
          });
        const again: CreateTargetGroupCommandOutput = {
          ...ok(world),
          TargetGroups: [targetGroupOf(existing)],
        };
        return { output: again };
      }
      const group: TargetGroupState = {
        arn: arn(`targetgroup/${Name}/${nextHex(world)}`),
        name: Name,
        port: Port,
        vpcId: VpcId,
        healthCheck: healthCheckOf(input),
        drainSeconds: 300,
        tags: (input.Tags ?? []).map(({ Key = '', Value = '' }) => ({ key: Key, value: Value })),
      };
      world.targetGroups.push(group);
      const output: CreateTargetGroupCommandOutput = { ...ok(world), TargetGroups: [targetGroupOf(group)] };
      return { output, effect: { kind: 'created', resource: `target-group ${group.arn}` } };
    }),
  );
  mock.on(ModifyTargetGroupCommand).callsFake((input: ModifyTargetGroupCommandInput) =>
    answer(world, 'ELB.ModifyTargetGroup', input, ({ TargetGroupArn }) => {
      const group = groupOrThrow(world, TargetGroupArn);
      group.healthCheck = healthCheckOf(input, group.healthCheck);
      const output: ModifyTargetGroupCommandOutput = { ...ok(world), TargetGroups: [targetGroupOf(group)] };
      return { output };
    }),
  );
  mock
    .on(DescribeTargetGroupAttributesCommand)
    .callsFake((input: DescribeTargetGroupAttributesCommandInput) =>
      answer(world, 'ELB.DescribeTargetGroupAttributes', input, ({ TargetGroupArn }) => {
        const group = groupOrThrow(world, TargetGroupArn);
        const output: DescribeTargetGroupAttributesCommandOutput = {
          ...ok(world),
          Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: String(group.drainSeconds) }],
        };
        return { output };
      }),
    );
  mock.on(ModifyTargetGroupAttributesCommand).callsFake((input: ModifyTargetGroupAttributesCommandInput) =>
    answer(world, 'ELB.ModifyTargetGroupAttributes', input, ({ TargetGroupArn, Attributes = [] }) => {
      const group = groupOrThrow(world, TargetGroupArn);
      for (const { Key, Value } of Attributes) {
        if (Key === 'deregistration_delay.timeout_seconds') group.drainSeconds = Number(Value);
      }
      const output: ModifyTargetGroupAttributesCommandOutput = {
        ...ok(world),
        Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: String(group.drainSeconds) }],
      };
      return { output };
    }),
  );
  mock.on(DeleteTargetGroupCommand).callsFake((input: DeleteTargetGroupCommandInput) =>
    answer(world, 'ELB.DeleteTargetGroup', input, ({ TargetGroupArn }) => {
      const group = groupOrThrow(world, TargetGroupArn);
      if (world.rules.some((rule) => rule.targetGroupArn === group.arn)) {
        throw new ResourceInUseException({
          message: `Target group '${group.arn}' is currently in use by a listener or a rule`,
          ...failed(400),
        });
      }
      world.targetGroups = world.targetGroups.filter((candidate) => candidate !== group);
      const output: DeleteTargetGroupCommandOutput = { ...ok(world) };
      return { output, effect: { kind: 'deleted', resource: `target-group ${group.arn}` } };
    }),
  );
  mock.on(DescribeRulesCommand).callsFake((input: DescribeRulesCommandInput) =>
    answer(world, 'ELB.DescribeRules', input, () => {
      // ELBv2 lists a listener's rules by priority, the default rule last.
      const rank = (rule: RuleState) => (rule.isDefault ? Number.POSITIVE_INFINITY : Number(rule.priority));
      const rules = [...world.rules].sort((a, b) => rank(a) - rank(b));
      const output: DescribeRulesCommandOutput = { ...ok(world), Rules: rules.map(ruleOf) };
      return { output };
    }),
  );
  mock.on(CreateRuleCommand).callsFake((input: CreateRuleCommandInput) =>
    answer(world, 'ELB.CreateRule', input, ({ Priority, Conditions = [], Actions = [] }) => {
      if (world.rules.some((rule) => rule.priority === String(Priority))) {
        throw new PriorityInUseException({
          message: `Priority '${Priority}' is currently in use`,
          ...failed(400),
        });
      }
      const rule: RuleState = {
        arn: arn(`listener-rule/app/tf-shared/50dc6c495c0c9188/f2f7dc8efc522ab2/${nextHex(world)}`),
        priority: String(Priority),
        headerValues: Conditions.flatMap((condition) => condition.HttpHeaderConfig?.Values ?? []),
        targetGroupArn: groupOrThrow(world, Actions[0]?.TargetGroupArn).arn,
        isDefault: false,
        tags: (input.Tags ?? []).map(({ Key = '', Value = '' }) => ({ key: Key, value: Value })),
      };
      world.rules.push(rule);
      const output: CreateRuleCommandOutput = { ...ok(world), Rules: [ruleOf(rule)] };
      return { output, effect: { kind: 'created', resource: `rule ${rule.arn}` } };
    }),
  );
  mock.on(DeleteRuleCommand).callsFake((input: DeleteRuleCommandInput) =>
    answer(world, 'ELB.DeleteRule', input, ({ RuleArn }) => {
      const rule = world.rules.find((candidate) => candidate.arn === RuleArn);
      if (!rule) throw new RuleNotFoundException({ message: 'One or more rules not found', ...failed(400) });
      world.rules = world.rules.filter((candidate) => candidate !== rule);
      const output: DeleteRuleCommandOutput = { ...ok(world) };
      return { output, effect: { kind: 'deleted', resource: `rule ${rule.arn}` } };
    }),
  );
  mock.on(DescribeTagsCommand).callsFake((input: DescribeTagsCommandInput) =>
    answer(world, 'ELB.DescribeTags', input, ({ ResourceArns = [] }) => {
      const tagged = [...world.targetGroups, ...world.rules];
      const descriptions = ResourceArns.map((resource) => {
        const found = tagged.find((candidate) => candidate.arn === resource);
        if (!found) {
          throw new TargetGroupNotFoundException({ message: `'${resource}' not found`, ...failed(400) });
        }
        return {
          ResourceArn: resource,
          Tags: found.tags.map(({ key, value }) => ({ Key: key, Value: value })),
        };
      });
      const output: DescribeTagsCommandOutput = { ...ok(world), TagDescriptions: descriptions };
      return { output };
    }),
  );
  mock.on(AddTagsCommand).callsFake((input: AddTagsCommandInput) =>
    answer(world, 'ELB.AddTags', input, ({ ResourceArns = [], Tags = [] }) => {
      const tagged = [...world.targetGroups, ...world.rules];
      const found = ResourceArns.map((resource) => {
        const item = tagged.find((candidate) => candidate.arn === resource);
        if (!item) {
          throw resource.includes(':listener-rule/')
            ? new RuleNotFoundException({ message: `Rule '${resource}' not found`, ...failed(400) })
            : new TargetGroupNotFoundException({ message: `'${resource}' not found`, ...failed(400) });
        }
        return item;
      });
      for (const item of found) {
        item.tags = [
          ...item.tags.filter((tag) => !Tags.some((added) => added.Key === tag.key)),
          ...Tags.map(({ Key = '', Value = '' }) => ({ key: Key, value: Value })),
        ];
      }
      const output: AddTagsCommandOutput = { ...ok(world) };
      return { output };
    }),
  );
  mock.on(DescribeTargetHealthCommand).callsFake((input: DescribeTargetHealthCommandInput) =>
    answer(world, 'ELB.DescribeTargetHealth', input, ({ TargetGroupArn }) => {
      const group = groupOrThrow(world, TargetGroupArn);
      const services = world.services.filter((service) => service.targetGroupArns.includes(group.arn));
      const output: DescribeTargetHealthCommandOutput = {
        ...ok(world),
        TargetHealthDescriptions: services.flatMap((service) =>
          Array.from({ length: service.desiredCount }, (_, index) => ({
            Target: { Id: `10.0.1.${10 + index}`, Port: group.port },
            HealthCheckPort: String(group.port),
            TargetHealth: isSteady(service)
              ? { State: 'healthy' as const }
              : { State: 'initial' as const, Reason: 'Elb.RegistrationInProgress' as const },
          })),
        ),
      };
      return { output };
    }),
  );
};
