import {
  ClusterNotFoundException,
  CreateClusterCommand,
  DeleteServiceCommand,
  DescribeServicesCommand,
  InvalidParameterException,
  ServiceNotActiveException,
  ServiceNotFoundException,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { CreateTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  createAppService,
  registerApp,
  routedTargetGroup,
  type SimulatedAws,
  seed,
  simulatedAws,
} from '../../helpers.ts';

let aws: SimulatedAws;
let tgArn: string;
let td: string;

const describeOne = async (name = 'tf-acme') => {
  const out = await aws.ecs.send(
    new DescribeServicesCommand({ cluster: 'tenantflow-shared', services: [name] }),
  );
  return out.services?.[0];
};

beforeEach(async () => {
  aws = simulatedAws({ serviceStartMs: 300, healthyAfterMs: 300, drainMs: 200 });
  const shared = await seed(aws);
  td = await registerApp(aws);
  tgArn = (await routedTargetGroup(aws, 'tf-acme-1234', 10, shared.ListenerArn ?? '')).targetGroupArn;
});

describe('simulated ECS services', () => {
  it('creates a service whose tasks reach RUNNING and whose rollout completes serviceStartMs later', async () => {
    // Prepare
    await createAppService(aws, 'tenantflow-shared', 'tf-acme', td, tgArn, 2);

    // Act
    const atStart = await describeOne();
    aws.clock.advance(299);
    const almost = await describeOne();
    aws.clock.advance(1);
    const settled = await describeOne();

    // Assess
    expect(atStart).toMatchObject({
      serviceArn: 'arn:aws:ecs:us-east-1:000000000000:service/tenantflow-shared/tf-acme',
      status: 'ACTIVE',
      desiredCount: 2,
      runningCount: 0,
      pendingCount: 2,
    });
    expect(atStart?.deployments?.[0]).toMatchObject({ status: 'PRIMARY', rolloutState: 'IN_PROGRESS' });
    expect(almost?.runningCount).toBe(0);
    expect(settled).toMatchObject({ runningCount: 2, pendingCount: 0 });
    expect(settled?.deployments?.[0]?.rolloutState).toBe('COMPLETED');
  });

  it('returns the existing service for the same clientToken and refuses a different one', async () => {
    // Prepare
    const first = await createAppService(aws, 'tenantflow-shared', 'tf-acme', td, tgArn, 1, 'token-a');

    // Act
    const again = await createAppService(aws, 'tenantflow-shared', 'tf-acme', td, tgArn, 1, 'token-a');
    const other = await createAppService(aws, 'tenantflow-shared', 'tf-acme', td, tgArn, 1, 'token-b').catch(
      (e: unknown) => e,
    );

    // Assess
    expect(again.service?.serviceArn).toBe(first.service?.serviceArn);
    expect(other).toBeInstanceOf(InvalidParameterException);
    expect(other).toHaveProperty('message', 'Creation of service was not idempotent.');
  });

  it('requires an existing cluster and an existing target group', async () => {
    // Prepare
    const orphan = await aws.elb.send(
      new CreateTargetGroupCommand({
        Name: 'orphan',
        Protocol: 'HTTP',
        Port: 80,
        VpcId: 'vpc-1',
        TargetType: 'ip',
      }),
    );

    // Act
    const noCluster = await createAppService(aws, 'ghost', 'tf-acme', td, tgArn).catch((e: unknown) => e);
    const noTargetGroup = await createAppService(aws, 'tenantflow-shared', 'a', td, `${tgArn}x`).catch(
      (e: unknown) => e,
    );
    const unrouted = await createAppService(
      aws,
      'tenantflow-shared',
      'b',
      td,
      orphan.TargetGroups?.[0]?.TargetGroupArn ?? '',
    ).catch((e: unknown) => e);

    // Assess
    expect(noCluster).toBeInstanceOf(ClusterNotFoundException);
    expect(noCluster).toHaveProperty('name', 'ClusterNotFoundException');
    expect(noTargetGroup).toBeInstanceOf(InvalidParameterException);
    expect(unrouted).toBeInstanceOf(InvalidParameterException);
    expect(aws.cloud.inventory().filter((i) => i.type === 'service' && i.tier !== 'shared')).toEqual([]);
  });

  it('reports unknown services as MISSING failures', async () => {
    // Prepare
    await createAppService(aws, 'tenantflow-shared', 'tf-acme', td, tgArn);

    // Act
    const out = await aws.ecs.send(
      new DescribeServicesCommand({ cluster: 'tenantflow-shared', services: ['tf-acme', 'ghost'] }),
    );

    // Assess
    expect(out.services?.map((s) => s.serviceName)).toEqual(['tf-acme']);
    expect(out.failures).toEqual([
      { arn: 'arn:aws:ecs:us-east-1:000000000000:service/tenantflow-shared/ghost', reason: 'MISSING' },
    ]);
  });

  it('scales with UpdateService: new tasks run serviceStartMs later, scale-in is immediate', async () => {
    // Prepare
    await createAppService(aws, 'tenantflow-shared', 'tf-acme', td, tgArn, 1);
    aws.clock.advance(300);

    // Act
    await aws.ecs.send(
      new UpdateServiceCommand({ cluster: 'tenantflow-shared', service: 'tf-acme', desiredCount: 3 }),
    );
    const scalingOut = await describeOne();
    aws.clock.advance(300);
    const scaledOut = await describeOne();
    await aws.ecs.send(
      new UpdateServiceCommand({ cluster: 'tenantflow-shared', service: 'tf-acme', desiredCount: 0 }),
    );
    const scaledIn = await describeOne();

    // Assess
    expect(scalingOut).toMatchObject({ desiredCount: 3, runningCount: 1, pendingCount: 2 });
    expect(scaledOut).toMatchObject({ desiredCount: 3, runningCount: 3 });
    expect(scaledIn).toMatchObject({ desiredCount: 0, runningCount: 0 });
  });

  it('deletes ACTIVE → DRAINING → INACTIVE after drainMs, then a new service of the same name can be created', async () => {
    // Prepare
    await createAppService(aws, 'tenantflow-shared', 'tf-acme', td, tgArn, 1);

    // Act
    const notForced = await aws.ecs
      .send(new DeleteServiceCommand({ cluster: 'tenantflow-shared', service: 'tf-acme' }))
      .catch((e: unknown) => e);
    const deleted = await aws.ecs.send(
      new DeleteServiceCommand({ cluster: 'tenantflow-shared', service: 'tf-acme', force: true }),
    );
    const update = await aws.ecs
      .send(new UpdateServiceCommand({ cluster: 'tenantflow-shared', service: 'tf-acme', desiredCount: 1 }))
      .catch((e: unknown) => e);
    const recreateWhileDraining = await createAppService(
      aws,
      'tenantflow-shared',
      'tf-acme',
      td,
      tgArn,
      1,
      'new',
    ).catch((e: unknown) => e);
    aws.clock.advance(200);
    const inactive = await describeOne();
    const deleteAgain = await aws.ecs
      .send(new DeleteServiceCommand({ cluster: 'tenantflow-shared', service: 'tf-acme', force: true }))
      .catch((e: unknown) => e);
    const recreated = await createAppService(aws, 'tenantflow-shared', 'tf-acme', td, tgArn, 1, 'new');

    // Assess
    expect(notForced).toBeInstanceOf(InvalidParameterException);
    expect(deleted.service).toMatchObject({ status: 'DRAINING', desiredCount: 0 });
    expect(update).toBeInstanceOf(ServiceNotActiveException);
    expect(update).toHaveProperty('name', 'ServiceNotActiveException');
    expect(recreateWhileDraining).toBeInstanceOf(InvalidParameterException);
    expect(inactive?.status).toBe('INACTIVE');
    expect(deleteAgain).toBeInstanceOf(ServiceNotFoundException);
    expect(recreated.service?.status).toBe('ACTIVE');
  });

  it('fails UpdateService and DeleteService on unknown services with ServiceNotFoundException', async () => {
    // Prepare
    await aws.ecs.send(new CreateClusterCommand({ clusterName: 'tf-solo' }));

    // Act
    const update = await aws.ecs
      .send(new UpdateServiceCommand({ cluster: 'tf-solo', service: 'ghost', desiredCount: 0 }))
      .catch((e: unknown) => e);
    const remove = await aws.ecs
      .send(new DeleteServiceCommand({ cluster: 'tf-solo', service: 'ghost', force: true }))
      .catch((e: unknown) => e);

    // Assess
    expect(update).toBeInstanceOf(ServiceNotFoundException);
    expect(remove).toBeInstanceOf(ServiceNotFoundException);
    expect(remove).toHaveProperty('name', 'ServiceNotFoundException');
  });
});
