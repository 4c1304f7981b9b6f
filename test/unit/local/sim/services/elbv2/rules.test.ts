import {
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DeleteRuleCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  ElasticLoadBalancingV2ServiceException,
  ListenerNotFoundException,
  OperationNotPermittedException,
  PriorityInUseException,
  RuleNotFoundException,
  TargetGroupNotFoundException,
  TooManyRulesException,
  TooManyTargetGroupsException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { beforeEach, describe, expect, it } from 'vitest';
import { routedTargetGroup, type SimulatedAws, seed, simulatedAws } from '../../helpers.ts';

let aws: SimulatedAws;
let listenerArn: string;

beforeEach(async () => {
  aws = simulatedAws();
  listenerArn = (await seed(aws)).ListenerArn ?? '';
});

const newTargetGroup = async (name: string): Promise<string> =>
  (
    await aws.elb.send(
      new CreateTargetGroupCommand({
        Name: name,
        Protocol: 'HTTP',
        Port: 80,
        VpcId: 'vpc-1',
        TargetType: 'ip',
      }),
    )
  ).TargetGroups?.[0]?.TargetGroupArn ?? '';

const headerRule = (priority: number, targetGroupArns: string[]) =>
  new CreateRuleCommand({
    ListenerArn: listenerArn,
    Priority: priority,
    Conditions: [
      { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'x-tenant-id', Values: [`t${priority}`] } },
    ],
    Actions: [
      {
        Type: 'forward',
        ForwardConfig: {
          TargetGroups: targetGroupArns.map((TargetGroupArn) => ({ TargetGroupArn, Weight: 1 })),
        },
      },
    ],
    Tags: [{ Key: 'tenantflow:tenant-id', Value: `t${priority}` }],
  });

describe('simulated ELBv2 listener rules', () => {
  it('lists the seeded pooled rule and the default rule (priority "default") of the listener', async () => {
    // Prepare
    const input = { ListenerArn: listenerArn };

    // Act
    const out = await aws.elb.send(new DescribeRulesCommand(input));

    // Assess
    expect(out.Rules?.map((r) => [r.Priority, r.IsDefault])).toEqual([
      ['50000', false],
      ['default', true],
    ]);
    expect(out.Rules?.[1]?.Actions).toEqual([
      {
        Type: 'fixed-response',
        FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'unknown tenant' },
      },
    ]);
    expect(out.NextMarker).toBeUndefined();
  });

  it('creates a header rule, pages through the rules with Marker, and keeps its tags', async () => {
    // Prepare
    const tg = await newTargetGroup('tf-acme');
    const created = await aws.elb.send(headerRule(5, [tg]));
    await aws.elb.send(headerRule(3, [tg]));

    // Act
    const page1 = await aws.elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn, PageSize: 2 }));
    const page2 = await aws.elb.send(
      new DescribeRulesCommand({ ListenerArn: listenerArn, PageSize: 2, Marker: page1.NextMarker }),
    );
    const tags = await aws.elb.send(
      new DescribeTagsCommand({ ResourceArns: [created.Rules?.[0]?.RuleArn ?? ''] }),
    );

    // Assess
    expect(created.Rules?.[0]?.RuleArn).toMatch(
      /^arn:aws:elasticloadbalancing:us-east-1:000000000000:listener-rule\/app\//,
    );
    expect(page1.Rules?.map((r) => r.Priority)).toEqual(['3', '5']);
    expect(page1.NextMarker).toEqual(expect.any(String));
    expect(page2.Rules?.map((r) => r.Priority)).toEqual(['50000', 'default']);
    expect(page2.NextMarker).toBeUndefined();
    expect(tags.TagDescriptions?.[0]?.Tags).toEqual([{ Key: 'tenantflow:tenant-id', Value: 't5' }]);
  });

  it('refuses a taken priority with PriorityInUseException and out-of-range ones with ValidationError', async () => {
    // Prepare
    const tg = await newTargetGroup('tf-acme');
    await aws.elb.send(headerRule(5, [tg]));

    // Act
    const taken = await aws.elb.send(headerRule(5, [tg])).catch((e: unknown) => e);
    const zero = await aws.elb.send(headerRule(0, [tg])).catch((e: unknown) => e);
    const tooHigh = await aws.elb.send(headerRule(50_001, [tg])).catch((e: unknown) => e);

    // Assess
    expect(taken).toBeInstanceOf(PriorityInUseException);
    expect(taken).toHaveProperty('name', 'PriorityInUseException');
    for (const error of [zero, tooHigh]) {
      expect(error).toBeInstanceOf(ElasticLoadBalancingV2ServiceException);
      expect(error).toHaveProperty('name', 'ValidationError');
    }
  });

  it('requires the listener and the target group to exist', async () => {
    // Prepare
    const ghostTg = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/ghost/0000000000000000';

    // Act
    const noTg = await aws.elb.send(headerRule(5, [ghostTg])).catch((e: unknown) => e);
    const noListener = await aws.elb
      .send(new DescribeRulesCommand({ ListenerArn: `${listenerArn}0` }))
      .catch((e: unknown) => e);

    // Assess
    expect(noTg).toBeInstanceOf(TargetGroupNotFoundException);
    expect(noListener).toBeInstanceOf(ListenerNotFoundException);
    expect(noListener).toHaveProperty('name', 'ListenerNotFoundException');
  });

  it('allows 100 non-default rules per load balancer, then TooManyRulesException', async () => {
    // Prepare: the seeded pooled rule is the first of the 100.
    for (let p = 1; p <= 99; p += 1) await routedTargetGroup(aws, `tf-t${p}`, p, listenerArn);
    const tg = await newTargetGroup('tf-one-more');

    // Act
    const error = await aws.elb.send(headerRule(100, [tg])).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(TooManyRulesException);
    expect(error).toHaveProperty('name', 'TooManyRulesException');
    expect(aws.cloud.inventory().filter((i) => i.type === 'listener-rule')).toHaveLength(100);
  });

  it('allows 100 target groups reachable from one load balancer, then TooManyTargetGroupsException', async () => {
    // Prepare: pooled target group + 9 rules × 11 target groups = 100.
    const all: string[] = [];
    for (let r = 1; r <= 9; r += 1) {
      const group: string[] = [];
      for (let i = 0; i < 11; i += 1) group.push(await newTargetGroup(`tf-r${r}-${i}`));
      await aws.elb.send(headerRule(r, group));
      all.push(...group);
    }
    const extra = await newTargetGroup('tf-extra');

    // Act
    const error = await aws.elb.send(headerRule(10, [extra])).catch((e: unknown) => e);
    const reused = await aws.elb.send(headerRule(11, [all[0] ?? '']));

    // Assess
    expect(error).toBeInstanceOf(TooManyTargetGroupsException);
    expect(error).toHaveProperty('name', 'TooManyTargetGroupsException');
    expect(reused.Rules?.[0]?.Priority).toBe('11');
  });

  it('deletes a rule, then RuleNotFoundException; the default rule cannot be deleted', async () => {
    // Prepare
    const { ruleArn } = await routedTargetGroup(aws, 'tf-acme', 5, listenerArn);
    const rules = await aws.elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn }));
    const defaultArn = rules.Rules?.find((r) => r.IsDefault)?.RuleArn ?? '';

    // Act
    await aws.elb.send(new DeleteRuleCommand({ RuleArn: ruleArn }));
    const again = await aws.elb.send(new DeleteRuleCommand({ RuleArn: ruleArn })).catch((e: unknown) => e);
    const defaultRule = await aws.elb
      .send(new DeleteRuleCommand({ RuleArn: defaultArn }))
      .catch((e: unknown) => e);
    const after = await aws.elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn }));

    // Assess
    expect(again).toBeInstanceOf(RuleNotFoundException);
    expect(again).toHaveProperty('name', 'RuleNotFoundException');
    expect(defaultRule).toBeInstanceOf(OperationNotPermittedException);
    expect(after.Rules?.map((r) => r.Priority)).toEqual(['50000', 'default']);
  });
});
