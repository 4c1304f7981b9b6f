import { DeleteServiceCommand } from '@aws-sdk/client-ecs';
import {
  CreateTargetGroupCommand,
  DeleteRuleCommand,
  DeleteTargetGroupCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  DuplicateTargetGroupNameException,
  ElasticLoadBalancingV2ServiceException,
  ModifyTargetGroupAttributesCommand,
  ModifyTargetGroupCommand,
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
} from '../../helpers.ts';

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

  it("keeps a group's deregistration delay: ELBv2's 300 s until set, 0-3600 s, other attributes refused", async () => {
    // Prepare
    const made = await aws.elb.send(new CreateTargetGroupCommand(tgInput));
    const arn = made.TargetGroups?.[0]?.TargetGroupArn ?? '';
    const drain = async (target: string) =>
      (
        await aws.elb.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: target }))
      ).Attributes?.find((a) => a.Key === 'deregistration_delay.timeout_seconds')?.Value;
    const set = (Value: string, Key = 'deregistration_delay.timeout_seconds') =>
      aws.elb
        .send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: arn, Attributes: [{ Key, Value }] }))
        .catch((e: unknown) => e);

    // Act
    const before = await drain(arn);
    const ok = await set('30');
    const after = await drain(arn);
    const tooLong = await set('3601');
    const negative = await set('-1');
    const unmodelled = await set('true', 'stickiness.enabled');

    // Assess
    expect(before).toBe('300');
    expect(ok).toMatchObject({ Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }] });
    expect(after).toBe('30');
    for (const refused of [tooLong, negative, unmodelled])
      expect(refused).toMatchObject({ name: 'ValidationError' });
    expect(await drain(arn)).toBe('30');
    // infra/shared.yaml sets the pooled group's delay to 30 s.
    expect(await drain(shared.PooledTargetGroupArn ?? '')).toBe('30');
  });

  it('changes the health check a ModifyTargetGroup names, keeps the rest, and refuses ranges ELBv2 refuses', async () => {
    // Prepare
    const made = await aws.elb.send(new CreateTargetGroupCommand(tgInput));
    const arn = made.TargetGroups?.[0]?.TargetGroupArn ?? '';

    // Act
    const changed = await aws.elb.send(
      new ModifyTargetGroupCommand({
        TargetGroupArn: arn,
        HealthCheckIntervalSeconds: 5,
        HealthCheckTimeoutSeconds: 4,
        HealthyThresholdCount: 2,
      }),
    );
    const timeoutTooLong = await aws.elb
      .send(new ModifyTargetGroupCommand({ TargetGroupArn: arn, HealthCheckTimeoutSeconds: 5 }))
      .catch((e: unknown) => e);
    const intervalTooShort = await aws.elb
      .send(new CreateTargetGroupCommand({ ...tgInput, Name: 'tf-other', HealthCheckIntervalSeconds: 4 }))
      .catch((e: unknown) => e);
    const gone = await aws.elb
      .send(new ModifyTargetGroupCommand({ TargetGroupArn: `${arn}0`, HealthCheckPath: '/' }))
      .catch((e: unknown) => e);

    // Assess
    expect(changed.TargetGroups?.[0]).toMatchObject({
      HealthCheckPath: '/health',
      HealthCheckIntervalSeconds: 5,
      HealthCheckTimeoutSeconds: 4,
      HealthyThresholdCount: 2,
      UnhealthyThresholdCount: 2,
    });
    expect(timeoutTooLong).toMatchObject({ name: 'ValidationError' });
    expect(intervalTooShort).toMatchObject({ name: 'ValidationError' });
    expect(gone).toBeInstanceOf(TargetGroupNotFoundException);
  });

  it("keeps AWS's time when asked (a clock millisecond per modelled second): health after the group's threshold × interval, a drain of its deregistration delay", async () => {
    // Prepare: a cloud on modelled time; one group with the load balancer's defaults (30 s × 5, a
    // 300 s drain), one tuned (5 s × 2, a 30 s drain).
    const modelled = simulatedAws({ serviceStartMs: 0, modelledSecondMs: 1 });
    const seeded = await seed(modelled);
    const td = await registerApp(modelled);
    const slow = await routedTargetGroup(modelled, 'tf-slow', 7, seeded.ListenerArn ?? '');
    const fast = await routedTargetGroup(modelled, 'tf-fast', 8, seeded.ListenerArn ?? '');
    await modelled.elb.send(
      new ModifyTargetGroupCommand({
        TargetGroupArn: fast.targetGroupArn,
        HealthCheckIntervalSeconds: 5,
        HealthCheckTimeoutSeconds: 4,
        HealthyThresholdCount: 2,
      }),
    );
    await modelled.elb.send(
      new ModifyTargetGroupAttributesCommand({
        TargetGroupArn: fast.targetGroupArn,
        Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }],
      }),
    );
    await createAppService(modelled, 'tenantflow-shared', 'tf-slow', td, slow.targetGroupArn, 1);
    await createAppService(modelled, 'tenantflow-shared', 'tf-fast', td, fast.targetGroupArn, 1);
    const states = async (arn: string) =>
      (
        (await modelled.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn })))
          .TargetHealthDescriptions ?? []
      ).map((t) => t.TargetHealth?.State);
    const lookAfter = async (ms: number) => {
      modelled.clock.advance(ms);
      return { slow: await states(slow.targetGroupArn), fast: await states(fast.targetGroupArn) };
    };

    // Act: the tasks run at once; look just before and at each group's floor.
    const at9 = await lookAfter(9);
    const at10 = await lookAfter(1);
    const at149 = await lookAfter(139);
    const at150 = await lookAfter(1);
    for (const service of ['tf-slow', 'tf-fast'])
      await modelled.ecs.send(
        new DeleteServiceCommand({ cluster: 'tenantflow-shared', service, force: true }),
      );
    const drained30 = await lookAfter(30);
    const drained299 = await lookAfter(269);
    const drained300 = await lookAfter(1);

    // Assess
    expect(at9).toEqual({ slow: ['initial'], fast: ['initial'] });
    expect(at10).toEqual({ slow: ['initial'], fast: ['healthy'] });
    expect(at149).toEqual({ slow: ['initial'], fast: ['healthy'] });
    expect(at150).toEqual({ slow: ['healthy'], fast: ['healthy'] });
    expect(drained30).toEqual({ slow: ['draining'], fast: [] });
    expect(drained299).toEqual({ slow: ['draining'], fast: [] });
    expect(drained300).toEqual({ slow: [], fast: [] });
  });
});
