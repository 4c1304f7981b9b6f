/**
 * The ContainerPlatform port's contract, one spec for every implementation: the in-memory fake, the adapter on
 * the simulated cloud (container-platform.contract.test.ts) and the adapter on the flow tests' SDK mocks
 * (flows-emulation.contract.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { FatalError, NotReadyError } from '../../../src/domain/errors.ts';
import type { Tag } from '../../../src/domain/naming.ts';
import type { ServiceSpec, TaskDefinitionSpec } from '../../../src/ports/container-platform.ts';
import type { EcsWorld, Implementation } from './implementations.ts';

const TAGS: Tag[] = [
  { key: 'tenantflow:tenant-id', value: 'acme' },
  { key: 'tenantflow:managed-by', value: 'tenantflow' },
];

const taskDefinition = (family: string): TaskDefinitionSpec => ({
  family,
  cpu: '256',
  memory: '512',
  containerName: 'app',
  image: 'public.ecr.aws/nginx/nginx:stable',
  containerPort: 80,
  environment: { TENANT_ID: 'acme' },
  log: { driver: 'awslogs', group: '/tenants', region: 'us-east-1', streamPrefix: 'acme' },
  tags: TAGS,
});

const service = (
  world: EcsWorld,
  cluster: string,
  taskDefinitionArn: string,
  token = 'token-1',
): ServiceSpec => ({
  cluster,
  name: 'tf-acme',
  taskDefinitionArn,
  desiredCount: 1,
  subnets: world.subnets,
  securityGroups: ['sg-1'],
  targetGroupArn: world.targetGroupArn,
  containerName: 'app',
  containerPort: 80,
  capacityProviderStrategy: [{ capacityProvider: 'FARGATE', base: 1, weight: 1 }],
  tags: TAGS,
  clientToken: token,
});

export const containerPlatformContract = (implementations: readonly Implementation<EcsWorld>[]): void =>
  describe.each(implementations)('ContainerPlatform contract: $name', ({ make }) => {
    it('creates, describes with tags, and deletes a cluster; gone is undefined, deleting it again absent', async () => {
      // Prepare
      const { ecs } = await make();

      // Act
      const before = await ecs.describeCluster('tf-acme');
      const created = await ecs.createCluster({
        name: 'tf-acme',
        capacityProviders: ['FARGATE'],
        containerInsights: true,
        tags: TAGS,
      });
      const seen = await ecs.describeCluster('tf-acme');
      const deleted = await ecs.deleteCluster('tf-acme');

      // Assess
      expect(before).toBeUndefined();
      expect(created).toMatchObject({ name: 'tf-acme', status: 'ACTIVE' });
      expect(seen).toMatchObject({ arn: created.arn, status: 'ACTIVE', tags: TAGS });
      expect(deleted).toBe('deleted');
      expect(await ecs.describeCluster('tf-acme')).toBeUndefined();
      expect(await ecs.deleteCluster('tf-acme')).toBe('absent');
    });

    it('counts the ACTIVE clusters of the account: one more after a create, as many as before after a delete', async () => {
      // Prepare
      const { ecs } = await make();
      const before = await ecs.countClusters();

      // Act
      await ecs.createCluster({
        name: 'tf-one',
        capacityProviders: ['FARGATE'],
        containerInsights: false,
        tags: TAGS,
      });
      await ecs.createCluster({
        name: 'tf-two',
        capacityProviders: ['FARGATE'],
        containerInsights: false,
        tags: TAGS,
      });
      const withTwo = await ecs.countClusters();
      await ecs.deleteCluster('tf-one');

      // Assess
      expect(withTwo).toBe(before + 2);
      expect(await ecs.countClusters()).toBe(before + 1);
    });

    it('keeps revisions per exact family, with their tags and status, through deregistration and deletion', async () => {
      // Prepare
      const { ecs } = await make();

      // Act
      const first = await ecs.registerTaskDefinition(taskDefinition('tf-acme'));
      const second = await ecs.registerTaskDefinition(taskDefinition('tf-acme'));
      await ecs.registerTaskDefinition(taskDefinition('tf-acme-2'));
      const latest = await ecs.latestTaskDefinition('tf-acme');
      const active = await ecs.listTaskDefinitions('tf-acme', 'ACTIVE');
      const deregistered = await ecs.deregisterTaskDefinition(first.arn);
      const again = await ecs.deregisterTaskDefinition(first.arn);
      const inactive = await ecs.listTaskDefinitions('tf-acme', 'INACTIVE');
      const described = await ecs.describeTaskDefinition(first.arn);
      await ecs.deleteTaskDefinitions([first.arn]);

      // Assess
      expect([first.revision, second.revision]).toEqual([1, 2]);
      expect(first).toMatchObject({ family: 'tf-acme', status: 'ACTIVE', tags: TAGS });
      expect(latest).toMatchObject({ arn: second.arn, revision: 2, tags: TAGS });
      expect(active).toEqual([first.arn, second.arn]);
      expect([deregistered, again]).toEqual(['deregistered', 'absent']);
      expect(inactive).toEqual([first.arn]);
      expect(described).toMatchObject({ arn: first.arn, status: 'INACTIVE', tags: TAGS });
      expect(await ecs.listTaskDefinitions('tf-acme', 'INACTIVE')).toEqual([]);
      expect(await ecs.listTaskDefinitions('tf-acme', 'ACTIVE')).toEqual([second.arn]);
    });

    it('refuses to delete a revision still ACTIVE, and knows no latest revision once all are deregistered', async () => {
      const { ecs } = await make();
      const only = await ecs.registerTaskDefinition(taskDefinition('tf-solo'));
      await expect(ecs.deleteTaskDefinitions([only.arn])).rejects.toBeInstanceOf(FatalError);
      await ecs.deregisterTaskDefinition(only.arn);
      expect(await ecs.latestTaskDefinition('tf-solo')).toBeUndefined();
      expect(await ecs.latestTaskDefinition('tf-never')).toBeUndefined();
    });

    it('creates a service idempotently per client token, describes it with tags and revision, updates and deletes it', async () => {
      // Prepare
      const world = await make();
      const { ecs } = world;
      const td = await ecs.registerTaskDefinition(taskDefinition('tf-acme'));
      const td2 = await ecs.registerTaskDefinition(taskDefinition('tf-acme'));
      const cluster = world.sharedCluster;

      // Act
      const created = await ecs.createService(service(world, cluster, td.arn));
      const same = await ecs.createService(service(world, cluster, td.arn));
      const clash = await ecs
        .createService(service(world, cluster, td.arn, 'token-2'))
        .catch((error: unknown) => error);
      const updated = await ecs.updateService(cluster, 'tf-acme', {
        desiredCount: 3,
        taskDefinitionArn: td2.arn,
      });
      const seen = await ecs.describeService(cluster, 'tf-acme');
      const deleted = await ecs.deleteService(cluster, 'tf-acme');
      const after = await ecs.describeService(cluster, 'tf-acme');

      // Assess
      expect(created).toMatchObject({
        name: 'tf-acme',
        status: 'ACTIVE',
        desiredCount: 1,
        taskDefinition: td.arn,
      });
      expect(same.arn).toBe(created.arn);
      expect(clash).toBeInstanceOf(FatalError);
      expect(updated).toBe('updated');
      expect(seen).toMatchObject({ arn: created.arn, desiredCount: 3, taskDefinition: td2.arn, tags: TAGS });
      expect(created.targetGroupArns).toEqual([world.targetGroupArn]);
      expect(deleted).toBe('deleted');
      // Deleted services drain before they go: either way, never ACTIVE again.
      expect(after === undefined || after.status === 'DRAINING').toBe(true);
      expect(await ecs.deleteService(cluster, 'tf-acme')).toBe('absent');
      expect(await ecs.updateService(cluster, 'tf-acme', { desiredCount: 1 })).toBe('absent');
    });

    it('will not delete a cluster that still holds a service', async () => {
      const world = await make();
      const { ecs } = world;
      await ecs.createCluster({
        name: 'tf-own',
        capacityProviders: ['FARGATE'],
        containerInsights: true,
        tags: TAGS,
      });
      const td = await ecs.registerTaskDefinition(taskDefinition('tf-own'));
      await ecs.createService(service(world, 'tf-own', td.arn));
      await expect(ecs.deleteCluster('tf-own')).rejects.toBeInstanceOf(NotReadyError);
      await ecs.deleteService('tf-own', 'tf-acme');
      expect(await ecs.deleteCluster('tf-own')).toBe('deleted');
    });

    it('knows no service in a cluster that does not exist', async () => {
      const { ecs } = await make();
      expect(await ecs.describeService('tf-nowhere', 'tf-acme')).toBeUndefined();
    });

    it('re-attaches a service to another target group: describe names the group it is attached to', async () => {
      // Prepare
      const world = await make();
      const { ecs } = world;
      const td = await ecs.registerTaskDefinition(taskDefinition('tf-acme'));
      await ecs.createService(service(world, world.sharedCluster, td.arn));

      // Act
      const moved = await ecs.updateService(world.sharedCluster, 'tf-acme', {
        loadBalancer: { targetGroupArn: world.otherTargetGroupArn, containerName: 'app', containerPort: 80 },
      });
      const seen = await ecs.describeService(world.sharedCluster, 'tf-acme');

      // Assess
      expect(moved).toBe('updated');
      expect(seen?.targetGroupArns).toEqual([world.otherTargetGroupArn]);
    });
  });
