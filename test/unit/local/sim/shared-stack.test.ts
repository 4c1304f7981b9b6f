import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { DescribeListenersCommand, DescribeRulesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { readTemplate } from '../../../../infra/template.ts';
import { simulatedAws } from './helpers.ts';

/** The shared stack the simulator builds, read back through the SDK, against infra/shared.yaml. */
describe('the simulated shared stack', () => {
  const template = readTemplate();
  const resource = (id: string) => template.Resources[id]?.Properties ?? {};

  it('takes its names, sizes and settings from infra/shared.yaml, for a stack of the configured name', async () => {
    // Prepare
    const aws = simulatedAws();
    aws.cloud.seedSharedInfrastructure('acme-shared');

    // Act
    const [stack] =
      (await aws.cfn.send(new DescribeStacksCommand({ StackName: 'acme-shared' }))).Stacks ?? [];
    const outputs = Object.fromEntries((stack?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
    const [cluster] =
      (await aws.ecs.send(new DescribeClustersCommand({ clusters: [outputs.ClusterName ?? ''] }))).clusters ??
      [];
    const [pooled] =
      (
        await aws.ecs.send(
          new DescribeServicesCommand({
            cluster: outputs.ClusterName,
            services: [outputs.PooledServiceName ?? ''],
          }),
        )
      ).services ?? [];
    const td = (
      await aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: pooled?.taskDefinition ?? '' }))
    ).taskDefinition;
    const rules =
      (await aws.elb.send(new DescribeRulesCommand({ ListenerArn: outputs.ListenerArn }))).Rules ?? [];

    // Assess
    // One load balancer shard by default: the further shards' outputs are not there, but for their
    // listener's, which names the first listener then.
    expect(Object.keys(outputs).sort()).toEqual(
      Object.keys(template.Outputs)
        .filter((key) => !key.startsWith('Shard') || key.endsWith('ListenerArn'))
        .sort(),
    );
    expect(outputs.Shard2ListenerArn).toBe(outputs.ListenerArn);
    expect(outputs).toMatchObject({
      ClusterName: 'acme-shared',
      PooledServiceName: 'acme-shared-pooled',
      LogGroupName: '/ecs/acme-shared',
      TenantImage: template.Parameters.TenantImage?.Default,
      ContainerPort: String(template.Parameters.ContainerPort?.Default),
    });
    expect(cluster?.capacityProviders).toEqual(resource('Cluster').CapacityProviders);
    expect(cluster?.settings).toEqual([{ name: 'containerInsights', value: 'enabled' }]);
    expect(pooled?.desiredCount).toBe(resource('PooledService').DesiredCount);
    expect(pooled?.capacityProviderStrategy).toEqual([
      { capacityProvider: 'FARGATE', base: 1, weight: 1 },
      { capacityProvider: 'FARGATE_SPOT', base: 0, weight: 1 },
    ]);
    expect(pooled?.deploymentConfiguration).toMatchObject({
      deploymentCircuitBreaker: { enable: true, rollback: true },
      minimumHealthyPercent: 100,
      maximumPercent: 200,
    });
    expect({ cpu: td?.cpu, memory: td?.memory, family: td?.family }).toEqual({
      cpu: resource('PooledTaskDefinition').Cpu,
      memory: resource('PooledTaskDefinition').Memory,
      family: 'acme-shared-pooled',
    });
    expect(
      rules.find((rule) => rule.Priority === String(resource('PooledListenerRule').Priority)),
    ).toBeDefined();
    const listeners = (
      await aws.elb.send(new DescribeListenersCommand({ LoadBalancerArn: outputs.LoadBalancerArn }))
    ).Listeners;
    expect(listeners?.[0]?.DefaultActions?.[0]).toMatchObject({
      Type: 'fixed-response',
      FixedResponseConfig: { StatusCode: '404', MessageBody: 'unknown tenant' },
    });
  });

  it('makes as many load balancer shards as LoadBalancerShards says, each with its 404 listener and outputs', async () => {
    // Prepare
    const aws = simulatedAws();
    aws.cloud.seedSharedInfrastructure('acme-shared', { LoadBalancerShards: '3' });

    // Act
    const [stack] =
      (await aws.cfn.send(new DescribeStacksCommand({ StackName: 'acme-shared' }))).Stacks ?? [];
    const outputs = Object.fromEntries((stack?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
    const shards = await Promise.all(
      ['', 'Shard2', 'Shard3'].map(async (prefix) => {
        const lb = outputs[prefix ? `${prefix}LoadBalancerArn` : 'LoadBalancerArn'] ?? '';
        const [listener] =
          (await aws.elb.send(new DescribeListenersCommand({ LoadBalancerArn: lb }))).Listeners ?? [];
        return {
          listener: listener?.ListenerArn === outputs[prefix ? `${prefix}ListenerArn` : 'ListenerArn'],
          notFound: listener?.DefaultActions?.[0]?.FixedResponseConfig?.StatusCode,
          dns: (outputs[prefix ? `${prefix}DnsName` : 'LoadBalancerDnsName'] ?? '').endsWith(
            '.elb.amazonaws.com',
          ),
        };
      }),
    );

    // Assess
    expect(
      Object.keys(outputs)
        .filter((key) => key.startsWith('Shard') && !key.endsWith('ListenerArn'))
        .sort(),
    ).toEqual(['Shard2DnsName', 'Shard2LoadBalancerArn', 'Shard3DnsName', 'Shard3LoadBalancerArn']);
    expect(outputs.Shard4ListenerArn).toBe(outputs.ListenerArn);
    expect(shards).toEqual(shards.map(() => ({ listener: true, notFound: '404', dns: true })));
    expect(
      new Set(['LoadBalancerArn', 'Shard2LoadBalancerArn', 'Shard3LoadBalancerArn'].map((k) => outputs[k]))
        .size,
    ).toBe(3);
  });
});
