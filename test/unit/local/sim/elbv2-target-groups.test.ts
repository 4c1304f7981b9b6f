import { DeleteServiceCommand } from '@aws-sdk/client-ecs';
import {
  CreateTargetGroupCommand,
  DeleteRuleCommand,
  DeleteTargetGroupCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  DuplicateTargetGroupNameException,
  ElasticLoadBalancingV2ServiceException,
  ResourceInUseException,
  TargetGroupNotFoundException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  createAppService,
  registerApp,
  routedTargetGroup,
  type SimulatedAws,
  seed,
  simulatedAws,
} from './helpers.ts';

const tgInput = {
  Name: 'tf-acme-1234',
  Protocol: 'HTTP' as const,
  Port: 80,
  VpcId: 'vpc-1',
  TargetType: 'ip' as const,
  HealthCheckPath: '/health',
};

let aws: SimulatedAws;
let shared: Record<string, string>;

beforeEach(async () => {
  aws = simulatedAws({ serviceStartMs: 300, healthyAfterMs: 300, drainMs: 200 });
  shared = await seed(aws);
});

const health = async (arn: string) =>
  (await aws.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }))).TargetHealthDescriptions ??
  [];

describe('simulated ELBv2 target groups', () => {
  it('creates a target group, returns it again for identical settings, refuses different settings', async () => {
    // Prepare
    const first = await aws.elb.send(
      new CreateTargetGroupCommand({ ...tgInput, Tags: [{ Key: 'tenantflow:tenant-id', Value: 'acme' }] }),
    );

    // Act
    const same = await aws.elb.send(new CreateTargetGroupCommand(tgInput));
    const different = await aws.elb
      .send(new CreateTargetGroupCommand({ ...tgInput, Port: 8080 }))
      .catch((e: unknown) => e);

    // Assess
    const arn = first.TargetGroups?.[0]?.TargetGroupArn ?? '';
    expect(arn).toMatch(
      /^arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup\/tf-acme-1234\/[0-9a-f]{16}$/,
    );
    expect(first.TargetGroups?.[0]).toMatchObject({
      Protocol: 'HTTP',
      Port: 80,
      TargetType: 'ip',
      HealthCheckPath: '/health',
    });
    expect(same.TargetGroups?.[0]?.TargetGroupArn).toBe(arn);
    expect(different).toBeInstanceOf(DuplicateTargetGroupNameException);
    expect(different).toHaveProperty('name', 'DuplicateTargetGroupNameException');
  });

  it.each(['', 'a'.repeat(33), '-leading', 'trailing-', 'under_score'])(
    'rejects the name %j with ValidationError',
    async (name) => {
      // Prepare
      const input = { ...tgInput, Name: name };

      // Act
      const error = await aws.elb.send(new CreateTargetGroupCommand(input)).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(ElasticLoadBalancingV2ServiceException);
      expect(error).toHaveProperty('name', 'ValidationError');
    },
  );

  it('describes by Names and TargetGroupArns and fails with TargetGroupNotFoundException for unknown ones', async () => {
    // Prepare
    const arn =
      (await aws.elb.send(new CreateTargetGroupCommand(tgInput))).TargetGroups?.[0]?.TargetGroupArn ?? '';

    // Act
    const byName = await aws.elb.send(new DescribeTargetGroupsCommand({ Names: ['tf-acme-1234'] }));
    const byArn = await aws.elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [arn] }));
    const unknown = await aws.elb
      .send(new DescribeTargetGroupsCommand({ Names: ['ghost'] }))
      .catch((e: unknown) => e);
    const pooled = await aws.elb.send(
      new DescribeTargetGroupsCommand({ TargetGroupArns: [shared.PooledTargetGroupArn ?? ''] }),
    );

    // Assess
    expect(byName.TargetGroups?.map((t) => t.TargetGroupArn)).toEqual([arn]);
    expect(byName.TargetGroups?.[0]?.LoadBalancerArns).toEqual([]);
    expect(byArn.TargetGroups?.[0]?.TargetGroupName).toBe('tf-acme-1234');
    expect(unknown).toBeInstanceOf(TargetGroupNotFoundException);
    expect(unknown).toHaveProperty('name', 'TargetGroupNotFoundException');
    expect(pooled.TargetGroups?.[0]?.LoadBalancerArns).toEqual([shared.LoadBalancerArn]);
  });

  it('refuses to delete a target group a rule forwards to, not one a service still names (as AWS)', async () => {
    // Prepare
    const td = await registerApp(aws);
    const { targetGroupArn, ruleArn } = await routedTargetGroup(
      aws,
      'tf-acme-1234',
      7,
      shared.ListenerArn ?? '',
    );
    await createAppService(aws, 'tenantflow-shared', 'tf-acme', td, targetGroupArn);

    // Act
    const withRule = await aws.elb
      .send(new DeleteTargetGroupCommand({ TargetGroupArn: targetGroupArn }))
      .catch((e: unknown) => e);
    await aws.elb.send(new DeleteRuleCommand({ RuleArn: ruleArn }));
    await aws.elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: targetGroupArn }));
    const gone = await aws.elb
      .send(new DescribeTargetGroupsCommand({ TargetGroupArns: [targetGroupArn] }))
      .catch((e: unknown) => e);
    const deleteAgain = await aws.elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: targetGroupArn }));

    // Assess
    expect(withRule).toBeInstanceOf(ResourceInUseException);
    expect(withRule).toHaveProperty('name', 'ResourceInUseException');
    expect(gone).toBeInstanceOf(TargetGroupNotFoundException);
    expect(deleteAgain.$metadata.httpStatusCode).toBe(200);
  });

  it('reports the running tasks as targets: initial, then healthy healthyAfterMs after they run, draining after delete', async () => {
    // Prepare
    const td = await registerApp(aws);
    const { targetGroupArn } = await routedTargetGroup(aws, 'tf-acme-1234', 7, shared.ListenerArn ?? '');
    await createAppService(aws, 'tenantflow-shared', 'tf-acme', td, targetGroupArn, 2);

    // Act
    const beforeRunning = await health(targetGroupArn);
    aws.clock.advance(300);
    const running = await health(targetGroupArn);
    aws.clock.advance(300);
    const healthy = await health(targetGroupArn);
    await aws.ecs.send(
      new DeleteServiceCommand({ cluster: 'tenantflow-shared', service: 'tf-acme', force: true }),
    );
    const draining = await health(targetGroupArn);
    aws.clock.advance(200);
    const drained = await health(targetGroupArn);

    // Assess
    expect(beforeRunning).toEqual([]);
    expect(running.map((t) => t.TargetHealth?.State)).toEqual(['initial', 'initial']);
    expect(running[0]?.Target?.Port).toBe(80);
    expect(healthy.map((t) => t.TargetHealth?.State)).toEqual(['healthy', 'healthy']);
    expect(draining.map((t) => t.TargetHealth?.State)).toEqual(['draining', 'draining']);
    expect(drained).toEqual([]);
  });

  it('shows the seeded pooled service as healthy at once, and fails for an unknown target group', async () => {
    // Prepare
    const unknownArn = `${shared.PooledTargetGroupArn}0`;

    // Act
    const pooled = await health(shared.PooledTargetGroupArn ?? '');
    const unknown = await health(unknownArn).catch((e: unknown) => e);

    // Assess
    // infra/shared.yaml runs the pooled service at DesiredCount 1.
    expect(pooled.map((t) => t.TargetHealth?.State)).toEqual(['healthy']);
    expect(unknown).toBeInstanceOf(TargetGroupNotFoundException);
  });
});
