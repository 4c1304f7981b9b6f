import { describe, expect, it } from 'vitest';
import { NotReadyError, OwnershipError } from '../../../src/domain/errors.ts';
import { createCluster, deleteCluster } from '../../../src/steps/cluster.ts';
import { createFakes } from '../../support/fake-ports.ts';
import { context, EXECUTION, historyLine, lockedRecord, NAMES, sagaState, tagsOf } from './fixtures.ts';

const CLUSTER = NAMES.clusterName;
const CLUSTER_ARN = `arn:aws:ecs:us-east-1:123456789012:cluster/${CLUSTER}`;

describe('CreateCluster', () => {
  it('creates the dedicated cluster, tagged for the tenant, and records it', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord('premium'));

    // Act
    const next = await createCluster(sagaState('premium'), fakes.deps, context());

    // Assess
    expect(fakes.ecs.callsOf('createCluster')).toEqual([
      [
        {
          name: CLUSTER,
          capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
          containerInsights: true,
          tags: tagsOf('premium'),
        },
      ],
    ]);
    expect(next.resources).toEqual({ cluster: { name: CLUSTER, arn: CLUSTER_ARN } });
    expect(fakes.tenants.callsOf('recordResources')).toEqual([
      ['acme', EXECUTION, { cluster: { name: CLUSTER, arn: CLUSTER_ARN } }, [historyLine('CreateCluster')]],
    ]);
  });

  it('adopts its own ACTIVE cluster on a second run', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord('premium'));
    const first = await createCluster(sagaState('premium'), fakes.deps, context());

    // Act
    const second = await createCluster(first, fakes.deps, context());

    // Assess
    expect(fakes.ecs.callsOf('createCluster')).toHaveLength(1);
    expect(second.resources).toEqual(first.resources);
  });

  it("refuses a cluster of the tenant's name that is another tenant's, and creates nothing", async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord('premium'));
    fakes.ecs.clusters.set(CLUSTER, {
      arn: CLUSTER_ARN,
      name: CLUSTER,
      status: 'ACTIVE',
      activeServicesCount: 0,
      tags: tagsOf('premium', 'globex'),
    });

    // Act
    const run = createCluster(sagaState('premium'), fakes.deps, context());

    // Assess
    await expect(run).rejects.toBeInstanceOf(OwnershipError);
    await expect(run).rejects.toThrow(`ECS cluster ${CLUSTER} already exists and belongs to tenant globex`);
    expect(fakes.ecs.callsOf('createCluster')).toEqual([]);
  });

  it('waits while its cluster of that name is being deleted', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord('premium'));
    fakes.ecs.clusters.set(CLUSTER, {
      arn: CLUSTER_ARN,
      name: CLUSTER,
      status: 'DEPROVISIONING',
      activeServicesCount: 0,
      tags: tagsOf('premium'),
    });

    // Act
    const run = createCluster(sagaState('premium'), fakes.deps, context());

    // Assess
    await expect(run).rejects.toBeInstanceOf(NotReadyError);
    expect(fakes.ecs.callsOf('createCluster')).toEqual([]);
  });

  it('fails when the checkpoint finds the lock gone', async () => {
    const fakes = createFakes();
    const run = createCluster(sagaState('premium'), fakes.deps, context());
    await expect(run).rejects.toMatchObject({ name: 'ConflictError' });
  });
});

describe('DeleteCluster', () => {
  it('deletes the dedicated cluster and forgets it', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord('premium'));
    const created = await createCluster(sagaState('premium'), fakes.deps, context());

    // Act
    const next = await deleteCluster(created, fakes.deps, context());

    // Assess
    expect(fakes.ecs.callsOf('deleteCluster')).toEqual([[CLUSTER]]);
    expect(fakes.ecs.clusters.get(CLUSTER)?.status).toBe('INACTIVE');
    expect(next.resources).toEqual({});
  });

  it('treats a cluster that is not there as deleted', async () => {
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord('premium'));
    const next = await deleteCluster(sagaState('premium'), fakes.deps, context());
    expect(fakes.ecs.callsOf('describeCluster')).toEqual([[CLUSTER]]);
    expect(fakes.ecs.callsOf('deleteCluster')).toEqual([]);
    expect(next.resources).toEqual({});
  });

  it('does nothing for a placement without a cluster of its own and none recorded', async () => {
    const fakes = createFakes();
    const state = sagaState('advanced');
    const next = await deleteCluster(state, fakes.deps, context());
    expect(fakes.ecs.calls).toEqual([]);
    expect(fakes.tenants.calls).toEqual([]);
    expect(next).toBe(state);
  });

  it('deletes a recorded cluster even when the placement has none (what an earlier placement left)', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord('advanced'));
    await fakes.ecs.createCluster({
      name: CLUSTER,
      capacityProviders: [],
      containerInsights: true,
      tags: tagsOf('premium'),
    });
    const state = sagaState('advanced', 'onboard', {
      resources: { cluster: { name: CLUSTER, arn: CLUSTER_ARN } },
    });

    // Act
    await deleteCluster(state, fakes.deps, context());

    // Assess
    expect(fakes.ecs.callsOf('deleteCluster')).toEqual([[CLUSTER]]);
  });

  it("never deletes the shared cluster or one not tagged as the tenant's, whatever the state names", async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord('premium'));
    await fakes.ecs.createCluster({
      name: 'tf-shared',
      capacityProviders: [],
      containerInsights: true,
      tags: [],
    });
    await fakes.ecs.createCluster({
      name: CLUSTER,
      capacityProviders: [],
      containerInsights: true,
      tags: tagsOf('premium', 'globex'),
    });
    const state = sagaState('premium', 'onboard', {
      resources: { cluster: { name: 'tf-shared', arn: 'arn:shared' } },
    });

    // Act
    const next = await deleteCluster(state, fakes.deps, context());

    // Assess
    expect(fakes.ecs.callsOf('deleteCluster')).toEqual([]);
    expect(next.resources).toEqual({});
    const history = fakes.tenants.callsOf('recordResources')[0]?.[3];
    expect(history).toEqual([
      historyLine('DeleteCluster', 'succeeded', 'onboard', {
        reason: `left alone, not tagged as this tenant's: ECS cluster ${CLUSTER}`,
      }),
    ]);
  });

  it('lets NotReadyError through while services remain', async () => {
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord('premium'));
    await createCluster(sagaState('premium'), fakes.deps, context());
    fakes.ecs.failOnce('deleteCluster', new NotReadyError(`cluster ${CLUSTER} still contains services`));
    await expect(deleteCluster(sagaState('premium'), fakes.deps, context())).rejects.toBeInstanceOf(
      NotReadyError,
    );
  });

  it('records a compensation as compensated, and survives a lost lock', async () => {
    // Prepare
    const fakes = createFakes();
    const failure = { step: 'CreateService', error: { Error: 'FatalError', Cause: 'boom' } };
    const state = sagaState('premium', 'onboard', {
      failure,
      resources: { cluster: { name: CLUSTER, arn: CLUSTER_ARN } },
    });

    // Act
    const next = await deleteCluster(state, fakes.deps, context());

    // Assess
    expect(next.resources).toEqual({});
    const history = fakes.tenants.callsOf('recordResources')[0]?.[3];
    expect(history).toEqual([expect.objectContaining({ step: 'DeleteCluster', outcome: 'compensated' })]);
  });
});
