import {
  ClusterContainsServicesException,
  ClusterNotFoundException,
  CreateClusterCommand,
  DeleteClusterCommand,
  DeleteServiceCommand,
  DescribeClustersCommand,
  InvalidParameterException,
} from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { createAppService, registerApp, seed, simulatedAws } from '../../helpers.ts';

describe('simulated ECS clusters', () => {
  it('creates a cluster, returns the same ACTIVE cluster for the same name, and describes it', async () => {
    // Prepare
    const aws = simulatedAws();
    const input = {
      clusterName: 'tf-acme',
      capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
      settings: [{ name: 'containerInsights' as const, value: 'enabled' }],
      tags: [{ key: 'tenantflow:tenant-id', value: 'acme' }],
    };

    // Act
    const first = await aws.ecs.send(new CreateClusterCommand(input));
    const second = await aws.ecs.send(new CreateClusterCommand(input));
    const described = await aws.ecs.send(
      new DescribeClustersCommand({ clusters: ['tf-acme', 'nope'], include: ['TAGS'] }),
    );

    // Assess
    expect(first.cluster?.clusterArn).toBe('arn:aws:ecs:us-east-1:000000000000:cluster/tf-acme');
    expect(first.$metadata.httpStatusCode).toBe(200);
    expect(second.cluster?.clusterArn).toBe(first.cluster?.clusterArn);
    expect(described.clusters).toHaveLength(1);
    expect(described.clusters?.[0]).toMatchObject({
      clusterName: 'tf-acme',
      status: 'ACTIVE',
      activeServicesCount: 0,
      capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
      settings: [{ name: 'containerInsights', value: 'enabled' }],
      tags: [{ key: 'tenantflow:tenant-id', value: 'acme' }],
    });
    expect(described.failures).toEqual([
      { arn: 'arn:aws:ecs:us-east-1:000000000000:cluster/nope', reason: 'MISSING' },
    ]);
  });

  it('rejects an invalid cluster name with InvalidParameterException', async () => {
    // Prepare
    const aws = simulatedAws();

    // Act
    const attempt = aws.ecs.send(new CreateClusterCommand({ clusterName: 'bad name!' }));

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(InvalidParameterException);
  });

  it('refuses to delete a cluster holding ACTIVE or DRAINING services, then deletes it once INACTIVE', async () => {
    // Prepare
    const aws = simulatedAws({ drainMs: 200 });
    const shared = await seed(aws);
    await aws.ecs.send(new CreateClusterCommand({ clusterName: 'tf-acme' }));
    const td = await registerApp(aws);
    await createAppService(aws, 'tf-acme', 'svc', td, shared.PooledTargetGroupArn ?? '');

    // Act
    const whileActive = await aws.ecs
      .send(new DeleteClusterCommand({ cluster: 'tf-acme' }))
      .catch((e: unknown) => e);
    await aws.ecs.send(new DeleteServiceCommand({ cluster: 'tf-acme', service: 'svc', force: true }));
    const whileDraining = await aws.ecs
      .send(new DeleteClusterCommand({ cluster: 'tf-acme' }))
      .catch((e: unknown) => e);
    aws.clock.advance(200);
    const deleted = await aws.ecs.send(new DeleteClusterCommand({ cluster: 'tf-acme' }));
    const again = await aws.ecs
      .send(new DeleteClusterCommand({ cluster: 'tf-acme' }))
      .catch((e: unknown) => e);
    const described = await aws.ecs.send(new DescribeClustersCommand({ clusters: ['tf-acme'] }));

    // Assess
    expect(whileActive).toBeInstanceOf(ClusterContainsServicesException);
    expect(whileDraining).toBeInstanceOf(ClusterContainsServicesException);
    expect(whileDraining).toHaveProperty('name', 'ClusterContainsServicesException');
    expect(deleted.cluster?.status).toBe('INACTIVE');
    expect(again).toBeInstanceOf(ClusterNotFoundException);
    expect(again).toHaveProperty('name', 'ClusterNotFoundException');
    expect(described.clusters?.[0]?.status).toBe('INACTIVE');
  });

  it('re-creating a deleted cluster makes it ACTIVE again', async () => {
    // Prepare
    const aws = simulatedAws();
    await aws.ecs.send(new CreateClusterCommand({ clusterName: 'tf-acme' }));
    await aws.ecs.send(new DeleteClusterCommand({ cluster: 'tf-acme' }));

    // Act
    const created = await aws.ecs.send(new CreateClusterCommand({ clusterName: 'tf-acme' }));

    // Assess
    expect(created.cluster?.status).toBe('ACTIVE');
    expect(
      aws.cloud
        .inventory()
        .filter((i) => i.type === 'cluster')
        .map((i) => i.id),
    ).toEqual(['tf-acme']);
  });
});
