import {
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DeleteRuleCommand,
  DeleteTargetGroupCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  DuplicateTargetGroupNameException,
  ElasticLoadBalancingV2Client,
  ElasticLoadBalancingV2ServiceException,
  ModifyTargetGroupAttributesCommand,
  ModifyTargetGroupCommand,
  PriorityInUseException,
  ResourceInUseException,
  RuleNotFoundException,
  TargetGroupNotFoundException,
  TooManyRulesException,
  TooManyTargetGroupsException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { ElbLoadBalancer } from '../../../../src/adapters/aws/elb-load-balancer.ts';
import type { ListenerRuleSpec, TargetGroupSpec } from '../../../../src/ports/load-balancer.ts';
import { GROUP_HEALTH } from '../../../support/fake-ports.ts';

const elb = mockClient(ElasticLoadBalancingV2Client);
const balancer = new ElbLoadBalancer({ client: new ElasticLoadBalancingV2Client({}) });
const meta = { $metadata: {} };
const tgArn = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/tf-acme-1a2b3c4d/abc';
const albArn = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/shared/def';
const listenerArn = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/shared/def/123';
const ruleArn = (id: string) =>
  `arn:aws:elasticloadbalancing:us-east-1:111122223333:listener-rule/app/shared/def/123/${id}`;
/** DescribeTargetGroups' view of a group made with the load balancer's default health check. */
const awsGroup = {
  TargetGroupArn: tgArn,
  TargetGroupName: 'tf-acme-1a2b3c4d',
  LoadBalancerArns: [albArn],
  HealthCheckPath: '/',
  HealthCheckIntervalSeconds: 30,
  HealthCheckTimeoutSeconds: 5,
  HealthyThresholdCount: 5,
  UnhealthyThresholdCount: 2,
  Matcher: { HttpCode: '200' },
};
const defaultCheck = {
  path: '/',
  intervalSeconds: 30,
  timeoutSeconds: 5,
  healthyThreshold: 5,
  unhealthyThreshold: 2,
  matcher: '200',
};
const tags = [{ key: 'tenantflow:tenant-id', value: 'acme' }];

afterEach(() => {
  elb.reset();
});

const targetGroupSpec: TargetGroupSpec = {
  name: 'tf-acme-1a2b3c4d',
  vpcId: 'vpc-1',
  port: 8080,
  health: { ...GROUP_HEALTH, path: '/health' },
  tags,
};

describe('ElbLoadBalancer target groups', () => {
  it('finds a target group by name, with its tags (a second call: DescribeTargetGroups has none)', async () => {
    // Prepare
    elb
      .on(DescribeTargetGroupsCommand)
      .resolves({ TargetGroups: [awsGroup] })
      .on(DescribeTagsCommand)
      .resolves({
        TagDescriptions: [{ ResourceArn: tgArn, Tags: [{ Key: 'tenantflow:tenant-id', Value: 'acme' }] }],
      });

    // Act
    const info = await balancer.findTargetGroup('tf-acme-1a2b3c4d');

    // Assess
    expect(elb).toHaveReceivedCommandExactlyOnceWith(DescribeTargetGroupsCommand, {
      Names: ['tf-acme-1a2b3c4d'],
    });
    expect(elb).toHaveReceivedCommandExactlyOnceWith(DescribeTagsCommand, { ResourceArns: [tgArn] });
    expect(info).toEqual({
      arn: tgArn,
      name: 'tf-acme-1a2b3c4d',
      loadBalancerArns: [albArn],
      healthCheck: defaultCheck,
      healthCheckPort: 'traffic-port',
      tags,
    });
  });

  it('reads tags twenty ARNs a call, asking one by one when a batch names something gone', async () => {
    // Prepare
    const arns = Array.from({ length: 21 }, (_, index) => `${tgArn}${index}`);
    const gone = arns[3] ?? '';
    // ELBv2 fails a whole DescribeTags call when one of its ARNs does not exist.
    elb.on(DescribeTagsCommand).callsFake((input: { ResourceArns: string[] }) => {
      if (input.ResourceArns.includes(gone))
        throw new TargetGroupNotFoundException({ message: 'gone', ...meta });
      return {
        TagDescriptions: input.ResourceArns.map((arn) => ({
          ResourceArn: arn,
          Tags: [{ Key: 'k', Value: arn.slice(-2) }],
        })),
      };
    });

    // Act
    const found = await balancer.tagsOf(arns);

    // Assess
    expect(elb).toHaveReceivedCommandTimes(DescribeTagsCommand, 1 + 20 + 1);
    expect(found.size).toBe(20);
    expect(found.has(arns[3] ?? '')).toBe(false);
    expect(found.get(arns[20] ?? '')).toEqual([{ key: 'k', value: '20' }]);
  });

  it('reports an unknown target group as undefined', async () => {
    // Prepare
    elb.on(DescribeTargetGroupsCommand).rejects(new TargetGroupNotFoundException({ message: 'x', ...meta }));

    // Act
    const info = await balancer.findTargetGroup('tf-nobody');

    // Assess
    expect(info).toBeUndefined();
  });

  it('creates an HTTP ip target group with its health check and tags, then sets its drain', async () => {
    // Prepare
    const made = {
      ...awsGroup,
      LoadBalancerArns: [],
      HealthCheckPath: '/health',
      HealthCheckIntervalSeconds: 5,
      HealthCheckTimeoutSeconds: 4,
      HealthyThresholdCount: 2,
      Matcher: { HttpCode: '200-399' },
    };
    elb
      .on(CreateTargetGroupCommand)
      .resolves({ TargetGroups: [made] })
      .on(ModifyTargetGroupAttributesCommand)
      .resolves({});

    // Act
    const info = await balancer.createTargetGroup(targetGroupSpec);

    // Assess
    expect(elb).toHaveReceivedCommandTimes(CreateTargetGroupCommand, 1);
    expect(elb.commandCalls(CreateTargetGroupCommand)[0]?.args[0].input).toEqual({
      Name: 'tf-acme-1a2b3c4d',
      Protocol: 'HTTP',
      Port: 8080,
      VpcId: 'vpc-1',
      TargetType: 'ip',
      HealthCheckProtocol: 'HTTP',
      HealthCheckPort: 'traffic-port',
      HealthCheckPath: '/health',
      HealthCheckIntervalSeconds: 5,
      HealthCheckTimeoutSeconds: 4,
      HealthyThresholdCount: 2,
      UnhealthyThresholdCount: 2,
      Matcher: { HttpCode: '200-399' },
      Tags: [{ Key: 'tenantflow:tenant-id', Value: 'acme' }],
    });
    expect(elb).toHaveReceivedCommandExactlyOnceWith(ModifyTargetGroupAttributesCommand, {
      TargetGroupArn: tgArn,
      Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }],
    });
    expect(info).toEqual({
      arn: tgArn,
      name: 'tf-acme-1a2b3c4d',
      loadBalancerArns: [],
      healthCheck: {
        ...defaultCheck,
        path: '/health',
        intervalSeconds: 5,
        timeoutSeconds: 4,
        healthyThreshold: 2,
        matcher: '200-399',
      },
      healthCheckPort: 'traffic-port',
      tags,
    });
  });

  it('brings an existing group to a health check and drain (ModifyTargetGroup, then its attribute)', async () => {
    // Prepare
    elb.on(ModifyTargetGroupCommand).resolves({}).on(ModifyTargetGroupAttributesCommand).resolves({});

    // Act
    await balancer.configureTargetGroup(tgArn, { ...GROUP_HEALTH, deregistrationDelaySeconds: 0 });

    // Assess
    expect(elb).toHaveReceivedCommandExactlyOnceWith(ModifyTargetGroupCommand, {
      TargetGroupArn: tgArn,
      HealthCheckProtocol: 'HTTP',
      HealthCheckPort: 'traffic-port',
      HealthCheckPath: '/',
      HealthCheckIntervalSeconds: 5,
      HealthCheckTimeoutSeconds: 4,
      HealthyThresholdCount: 2,
      UnhealthyThresholdCount: 2,
      Matcher: { HttpCode: '200-399' },
    });
    expect(elb).toHaveReceivedCommandExactlyOnceWith(ModifyTargetGroupAttributesCommand, {
      TargetGroupArn: tgArn,
      Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '0' }],
    });
  });

  it("fails a configuration of a group that is gone with the project's error, naming the call", async () => {
    // Prepare
    elb.on(ModifyTargetGroupCommand).rejects(new TargetGroupNotFoundException({ message: 'gone', ...meta }));

    // Act
    const result = balancer.configureTargetGroup(tgArn, GROUP_HEALTH);

    // Assess
    await expect(result).rejects.toThrow(`ELBv2 ModifyTargetGroup ${tgArn}`);
    expect(elb).toHaveReceivedCommandTimes(ModifyTargetGroupAttributesCommand, 0);
  });

  it('returns the existing group, with its own tags, when the name is already taken', async () => {
    // Prepare
    elb
      .on(CreateTargetGroupCommand)
      .rejects(new DuplicateTargetGroupNameException({ message: 'duplicate', ...meta }))
      .on(DescribeTargetGroupsCommand)
      .resolves({ TargetGroups: [awsGroup] })
      .on(DescribeTagsCommand)
      .resolves({
        TagDescriptions: [{ ResourceArn: tgArn, Tags: [{ Key: 'tenantflow:tenant-id', Value: 'globex' }] }],
      });

    // Act
    const info = await balancer.createTargetGroup(targetGroupSpec);

    // Assess
    expect(elb).toHaveReceivedCommandWith(DescribeTargetGroupsCommand, { Names: ['tf-acme-1a2b3c4d'] });
    expect(info).toEqual({
      arn: tgArn,
      name: 'tf-acme-1a2b3c4d',
      loadBalancerArns: [albArn],
      healthCheck: defaultCheck,
      healthCheckPort: 'traffic-port',
      tags: [{ key: 'tenantflow:tenant-id', value: 'globex' }],
    });
    // Not this tenant's perhaps: the caller decides whether to adopt (and configure) it.
    expect(elb).toHaveReceivedCommandTimes(ModifyTargetGroupAttributesCommand, 0);
  });

  it('is not ready when the taken name is not visible yet', async () => {
    // Prepare
    elb
      .on(CreateTargetGroupCommand)
      .rejects(new DuplicateTargetGroupNameException({ message: 'duplicate', ...meta }))
      .on(DescribeTargetGroupsCommand)
      .rejects(new TargetGroupNotFoundException({ message: 'x', ...meta }));

    // Act
    const result = balancer.createTargetGroup(targetGroupSpec);

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'NotReadyError' });
  });

  it('maps the target group quota to QuotaExceededError', async () => {
    // Prepare
    elb.on(CreateTargetGroupCommand).rejects(new TooManyTargetGroupsException({ message: 'x', ...meta }));

    // Act
    const result = balancer.createTargetGroup(targetGroupSpec);

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'QuotaExceededError',
      message: expect.stringContaining('ELBv2 CreateTargetGroup tf-acme-1a2b3c4d'),
    });
  });

  it('maps ELB throttling to ThrottledError', async () => {
    // Prepare
    elb.on(CreateTargetGroupCommand).rejects(
      new ElasticLoadBalancingV2ServiceException({
        name: 'Throttling',
        $fault: 'client',
        message: 'Rate exceeded',
        ...meta,
      }),
    );

    // Act
    const result = balancer.createTargetGroup(targetGroupSpec);

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'ThrottledError' });
  });

  it('deletes a target group', async () => {
    // Prepare
    elb.on(DeleteTargetGroupCommand).resolves({});

    // Act
    await balancer.deleteTargetGroup(tgArn);

    // Assess
    expect(elb).toHaveReceivedCommandExactlyOnceWith(DeleteTargetGroupCommand, { TargetGroupArn: tgArn });
  });

  it('treats a missing target group as deleted', async () => {
    // Prepare
    elb.on(DeleteTargetGroupCommand).rejects(new TargetGroupNotFoundException({ message: 'x', ...meta }));

    // Act
    const outcome = balancer.deleteTargetGroup(tgArn);

    // Assess
    await expect(outcome).resolves.toBeUndefined();
  });

  it('is not ready to delete a target group a rule still uses', async () => {
    // Prepare
    elb.on(DeleteTargetGroupCommand).rejects(new ResourceInUseException({ message: 'in use', ...meta }));

    // Act
    const result = balancer.deleteTargetGroup(tgArn);

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'NotReadyError' });
  });

  it('summarises target health', async () => {
    // Prepare
    elb.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [
        { TargetHealth: { State: 'healthy' } },
        { TargetHealth: { State: 'initial' } },
        { TargetHealth: { State: 'healthy' } },
      ],
    });

    // Act
    const summary = await balancer.targetHealth(tgArn);

    // Assess
    expect(elb).toHaveReceivedCommandExactlyOnceWith(DescribeTargetHealthCommand, { TargetGroupArn: tgArn });
    expect(summary).toEqual({ healthy: 2, total: 3, states: ['healthy', 'initial', 'healthy'] });
  });

  it('reports no targets as zero of zero', async () => {
    // Prepare
    elb.on(DescribeTargetHealthCommand).resolves({});

    // Act
    const summary = await balancer.targetHealth(tgArn);

    // Assess
    expect(summary).toEqual({ healthy: 0, total: 0, states: [] });
  });
});

const ruleSpec: ListenerRuleSpec = {
  listenerArn,
  priority: 1042,
  headerName: 'x-tenant-id',
  headerValue: 'acme',
  targetGroupArn: tgArn,
  tags,
};

const awsRule = {
  RuleArn: ruleArn('r1'),
  Priority: '1042',
  IsDefault: false,
  Conditions: [
    { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'x-tenant-id', Values: ['acme'] } },
  ],
  Actions: [{ Type: 'forward' as const, TargetGroupArn: tgArn }],
};

describe('ElbLoadBalancer listener rules', () => {
  it('lists every rule over every page, the default rule without a priority', async () => {
    // Prepare
    const otherTg = `${tgArn}-other`;
    elb
      .on(DescribeRulesCommand, { ListenerArn: listenerArn, Marker: undefined })
      .resolves({
        Rules: [
          awsRule,
          { RuleArn: ruleArn('default'), Priority: 'default', IsDefault: true, Conditions: [], Actions: [] },
        ],
        NextMarker: 'm2',
      })
      .on(DescribeRulesCommand, { ListenerArn: listenerArn, Marker: 'm2' })
      .resolves({
        Rules: [
          {
            RuleArn: ruleArn('r2'),
            Priority: '7',
            Conditions: [{ Field: 'path-pattern', Values: ['/x'] }],
            Actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: otherTg }] } }],
          },
        ],
      });

    // Act
    const rules = await balancer.listListenerRules(listenerArn);

    // Assess
    expect(elb).toHaveReceivedCommandTimes(DescribeRulesCommand, 2);
    expect(elb).toHaveReceivedNthCommandWith(DescribeRulesCommand, 2, {
      ListenerArn: listenerArn,
      Marker: 'm2',
    });
    expect(rules).toEqual([
      {
        arn: ruleArn('r1'),
        priority: 1042,
        headerValue: 'acme',
        targetGroupArns: [tgArn],
        standbyTargetGroupArns: [],
      },
      {
        arn: ruleArn('default'),
        priority: undefined,
        headerValue: undefined,
        targetGroupArns: [],
        standbyTargetGroupArns: [],
      },
      {
        arn: ruleArn('r2'),
        priority: 7,
        headerValue: undefined,
        targetGroupArns: [otherTg],
        standbyTargetGroupArns: [],
      },
    ]);
  });

  it('fails fatally on a rule without an ARN', async () => {
    // Prepare
    elb.on(DescribeRulesCommand).resolves({ Rules: [{ Priority: '5' }] });

    // Act
    const result = balancer.listListenerRules(listenerArn);

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'FatalError',
      message: expect.stringContaining('RuleArn'),
    });
  });

  it('creates a header rule forwarding to the tenant target group', async () => {
    // Prepare
    elb.on(CreateRuleCommand).resolves({ Rules: [awsRule] });

    // Act
    const rule = await balancer.createListenerRule(ruleSpec);

    // Assess
    expect(elb).toHaveReceivedCommandTimes(CreateRuleCommand, 1);
    expect(elb.commandCalls(CreateRuleCommand)[0]?.args[0].input).toEqual({
      ListenerArn: listenerArn,
      Priority: 1042,
      Conditions: [
        { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'x-tenant-id', Values: ['acme'] } },
      ],
      Actions: [{ Type: 'forward', TargetGroupArn: tgArn }],
      Tags: [{ Key: 'tenantflow:tenant-id', Value: 'acme' }],
    });
    expect(rule).toEqual({
      arn: ruleArn('r1'),
      priority: 1042,
      headerValue: 'acme',
      targetGroupArns: [tgArn],
      standbyTargetGroupArns: [],
    });
  });

  it('reports a taken priority as an outcome', async () => {
    // Prepare
    elb
      .on(CreateRuleCommand)
      .rejects(new PriorityInUseException({ message: 'Priority 1042 is in use', ...meta }));

    // Act
    const outcome = await balancer.createListenerRule(ruleSpec);

    // Assess
    expect(outcome).toBe('priority-in-use');
  });

  it('maps the rule quota to QuotaExceededError', async () => {
    // Prepare
    elb.on(CreateRuleCommand).rejects(new TooManyRulesException({ message: 'x', ...meta }));

    // Act
    const result = balancer.createListenerRule(ruleSpec);

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'QuotaExceededError' });
  });

  it('deletes a rule', async () => {
    // Prepare
    elb.on(DeleteRuleCommand).resolves({});

    // Act
    const outcome = await balancer.deleteListenerRule(ruleArn('r1'));

    // Assess
    expect(elb).toHaveReceivedCommandExactlyOnceWith(DeleteRuleCommand, { RuleArn: ruleArn('r1') });
    expect(outcome).toBe('deleted');
  });

  it('treats a missing rule as deleted', async () => {
    // Prepare
    elb.on(DeleteRuleCommand).rejects(new RuleNotFoundException({ message: 'x', ...meta }));

    // Act
    const outcome = await balancer.deleteListenerRule(ruleArn('r1'));

    // Assess
    expect(outcome).toBe('absent');
  });
});
