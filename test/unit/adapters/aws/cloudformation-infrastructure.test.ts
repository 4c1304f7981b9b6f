import {
  CloudFormationClient,
  CloudFormationServiceException,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { CloudFormationInfrastructure } from '../../../../src/adapters/aws/cloudformation-infrastructure.ts';

const cloudformation = mockClient(CloudFormationClient);
const outputs: Record<string, string> = {
  VpcId: 'vpc-1',
  PrivateSubnetIds: 'subnet-a, subnet-b,subnet-c',
  ServiceSecurityGroupId: 'sg-1',
  LoadBalancerArn: 'arn:alb',
  ListenerArn: 'arn:listener',
  LoadBalancerDnsName: 'alb-1.elb.amazonaws.com',
  ClusterName: 'tf-shared',
  PooledServiceName: 'tf-pool',
  PooledTargetGroupArn: 'arn:tg-pool',
  TaskExecutionRoleArn: 'arn:role/exec',
  TaskRoleArn: 'arn:role/task',
  LogGroupName: '/tenantflow/tenants',
  TenantImage: 'public.ecr.aws/nginx/nginx:1.27',
  ContainerPort: '8080',
};
const stackWith = (values: Record<string, string>) => ({
  Stacks: [
    {
      StackName: 'tenantflow-shared',
      StackStatus: 'CREATE_COMPLETE' as const,
      CreationTime: new Date(0),
      Outputs: Object.entries(values).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
    },
  ],
});
const lookup = () => new CloudFormationInfrastructure({ clientConfig: {}, stackName: 'tenantflow-shared' });

afterEach(() => {
  cloudformation.reset();
});

describe('CloudFormationInfrastructure', () => {
  it('reads the shared infrastructure from the stack outputs', async () => {
    // Prepare
    cloudformation.on(DescribeStacksCommand).resolves(stackWith(outputs));

    // Act
    const infra = await lookup().get();

    // Assess
    expect(cloudformation).toHaveReceivedCommandExactlyOnceWith(DescribeStacksCommand, {
      StackName: 'tenantflow-shared',
    });
    expect(infra).toEqual({
      vpcId: 'vpc-1',
      privateSubnetIds: ['subnet-a', 'subnet-b', 'subnet-c'],
      serviceSecurityGroupId: 'sg-1',
      loadBalancerArn: 'arn:alb',
      listenerArn: 'arn:listener',
      shards: [
        {
          index: 0,
          loadBalancerArn: 'arn:alb',
          listenerArn: 'arn:listener',
          dnsName: 'alb-1.elb.amazonaws.com',
        },
      ],
      clusterName: 'tf-shared',
      pooledServiceName: 'tf-pool',
      pooledTargetGroupArn: 'arn:tg-pool',
      executionRoleArn: 'arn:role/exec',
      taskRoleArn: 'arn:role/task',
      logGroupName: '/tenantflow/tenants',
      tenantImage: 'public.ecr.aws/nginx/nginx:1.27',
      containerPort: 8080,
    });
  });

  it('reads every further load balancer shard the stack declares, in order', async () => {
    // Prepare
    const shard = (n: number) => ({
      [`Shard${n}LoadBalancerArn`]: `arn:alb-${n}`,
      [`Shard${n}ListenerArn`]: `arn:listener-${n}`,
      [`Shard${n}DnsName`]: `alb-${n}.elb.amazonaws.com`,
    });
    cloudformation.on(DescribeStacksCommand).resolves(stackWith({ ...outputs, ...shard(2), ...shard(3) }));

    // Act
    const infra = await lookup().get();

    // Assess
    expect(infra.shards.map((s) => [s.index, s.listenerArn, s.dnsName])).toEqual([
      [0, 'arn:listener', 'alb-1.elb.amazonaws.com'],
      [1, 'arn:listener-2', 'alb-2.elb.amazonaws.com'],
      [2, 'arn:listener-3', 'alb-3.elb.amazonaws.com'],
    ]);
  });

  it('names a shard output that is missing', async () => {
    // Prepare
    cloudformation
      .on(DescribeStacksCommand)
      .resolves(stackWith({ ...outputs, Shard2ListenerArn: 'arn:listener-2', Shard2DnsName: 'x' }));

    // Act
    const attempt = lookup().get();

    // Assess
    await expect(attempt).rejects.toThrow(
      'CloudFormation stack tenantflow-shared: output Shard2LoadBalancerArn is missing',
    );
  });

  it('looks the stack up once per instance', async () => {
    // Prepare
    cloudformation.on(DescribeStacksCommand).resolves(stackWith(outputs));
    const infra = lookup();

    // Act
    const [first, second] = await Promise.all([infra.get(), infra.get()]);
    const third = await infra.get();

    // Assess
    expect(cloudformation).toHaveReceivedCommandTimes(DescribeStacksCommand, 1);
    expect(second).toBe(first);
    expect(third).toBe(first);
  });

  it('names a missing output', async () => {
    // Prepare
    const { ListenerArn: _dropped, ...rest } = outputs;
    cloudformation.on(DescribeStacksCommand).resolves(stackWith(rest));

    // Act
    const result = lookup().get();

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'FatalError',
      message: 'CloudFormation stack tenantflow-shared: output ListenerArn is missing',
    });
  });

  it('names an invalid output', async () => {
    // Prepare
    cloudformation.on(DescribeStacksCommand).resolves(stackWith({ ...outputs, ContainerPort: 'http' }));

    // Act
    const result = lookup().get();

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'FatalError',
      message: expect.stringContaining('output ContainerPort is invalid'),
    });
  });

  it('does not cache a failed lookup', async () => {
    // Prepare
    cloudformation
      .on(DescribeStacksCommand)
      .rejectsOnce(
        new CloudFormationServiceException({
          name: 'Throttling',
          $fault: 'client',
          message: 'Rate exceeded',
          $metadata: {},
        }),
      )
      .resolves(stackWith(outputs));
    const infra = lookup();

    // Act
    const failed = await infra.get().then(
      () => undefined,
      (error: unknown) => error,
    );
    const retried = await infra.get();

    // Assess
    expect(failed).toMatchObject({ name: 'ThrottledError' });
    expect(retried.vpcId).toBe('vpc-1');
    expect(cloudformation).toHaveReceivedCommandTimes(DescribeStacksCommand, 2);
  });

  it('maps a missing stack to FatalError', async () => {
    // Prepare
    cloudformation.on(DescribeStacksCommand).rejects(
      new CloudFormationServiceException({
        name: 'ValidationError',
        $fault: 'client',
        message: 'Stack with id tenantflow-shared does not exist',
        $metadata: {},
      }),
    );

    // Act
    const result = lookup().get();

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'FatalError',
      message: expect.stringContaining('CloudFormation DescribeStacks tenantflow-shared'),
    });
  });
});
