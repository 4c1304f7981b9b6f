import { describe, expect, it } from 'vitest';
import { NotReadyError } from '../../../src/domain/errors.ts';
import { createCluster, deleteCluster } from '../../../src/steps/cluster.ts';
import { createFakes } from '../../support/fake-ports.ts';
import { context, EXECUTION, lockedRecord, sagaState } from './fixtures.ts';

const CLUSTER_ARN = 'arn:aws:ecs:us-east-1:123456789012:cluster/tf-acme';

describe('CreateCluster', () => {
  it('creates the dedicated cluster and records it', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord('premium'));
    // Act
    const next = await createCluster(sagaState('premium'), fakes.deps, context());
    // Assess
    expect(fakes.ecs.callsOf('createCluster')).toEqual([
      [
        {
          name: 'tf-acme',
          capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
          containerInsights: true,
          tags: [
            { key: 'tenantflow:tenant-id', value: 'acme' },
            { key: 'tenantflow:tier', value: 'premium' },
            { key: 'tenantflow:managed-by', value: 'tenantflow' },
          ],
        },
      ],
    ]);
    expect(next.resources).toEqual({ clusterName: 'tf-acme', clusterArn: CLUSTER_ARN });
    expect(fakes.tenants.callsOf('recordResources')).toEqual([
      [
        'acme',
        EXECUTION,
        { clusterName: 'tf-acme', clusterArn: CLUSTER_ARN },
        [
          {
            operation: 'onboard',
            execution: EXECUTION,
            step: 'CreateCluster',
            outcome: 'succeeded',
            at: '2025-01-01T00:00:00.000Z',
            durationMs: 0,
          },
        ],
      ],
    ]);
  });

  it('reuses an ACTIVE cluster on a second run', async () => {
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

  it('waits while a cluster of that name is being deleted', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord('premium'));
    fakes.ecs.clusters.set('tf-acme', {
      arn: CLUSTER_ARN,
      name: 'tf-acme',
      status: 'DEPROVISIONING',
      activeServicesCount: 0,
    });
    // Act
    const run = createCluster(sagaState('premium'), fakes.deps, context());
    // Assess
    await expect(run).rejects.toBeInstanceOf(NotReadyError);
    expect(fakes.ecs.callsOf('createCluster')).toEqual([]);
  });

  it('fails when the checkpoint finds the lock gone', async () => {
    // Prepare
    const fakes = createFakes();
    // Act
    const run = createCluster(sagaState('premium'), fakes.deps, context());
    // Assess
    await expect(run).rejects.toMatchObject({ name: 'ConflictError' });
  });
});

describe('DeleteCluster', () => {
  it('deletes the premium cluster and forgets it', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord('premium'));
    const created = await createCluster(sagaState('premium'), fakes.deps, context());
    // Act
    const next = await deleteCluster(created, fakes.deps, context());
    // Assess
    expect(fakes.ecs.callsOf('deleteCluster')).toEqual([['tf-acme']]);
    expect(fakes.ecs.clusters.get('tf-acme')?.status).toBe('INACTIVE');
    expect(next.resources).toEqual({});
  });

  it('treats a cluster that is not there as deleted', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord('premium'));
    // Act
    const next = await deleteCluster(sagaState('premium'), fakes.deps, context());
    // Assess
    expect(fakes.ecs.callsOf('deleteCluster')).toEqual([['tf-acme']]);
    expect(next.resources).toEqual({});
  });

  it('does nothing for a tier without its own cluster', async () => {
    // Prepare
    const fakes = createFakes();
    const state = sagaState('advanced');
    // Act
    const next = await deleteCluster(state, fakes.deps, context());
    // Assess
    expect(fakes.ecs.calls).toEqual([]);
    expect(fakes.tenants.calls).toEqual([]);
    expect(next).toBe(state);
  });

  it('never deletes the shared cluster, whatever the state names', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord('premium'));
    const state = sagaState('premium', 'onboard', { resources: { clusterName: 'tf-shared' } });
    // Act
    await deleteCluster(state, fakes.deps, context());
    // Assess
    expect(fakes.ecs.callsOf('deleteCluster')).toEqual([['tf-acme']]);
  });

  it('lets NotReadyError through while services remain', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord('premium'));
    fakes.ecs.failOnce('deleteCluster', new NotReadyError('cluster tf-acme still contains services'));
    // Act
    const run = deleteCluster(sagaState('premium'), fakes.deps, context());
    // Assess
    await expect(run).rejects.toBeInstanceOf(NotReadyError);
  });

  it('records a compensation as compensated, and survives a lost lock', async () => {
    // Prepare
    const fakes = createFakes();
    const failure = { step: 'CreateService', error: { Error: 'FatalError', Cause: 'boom' } };
    const state = sagaState('premium', 'onboard', { failure, resources: { clusterName: 'tf-acme' } });
    // Act
    const next = await deleteCluster(state, fakes.deps, context());
    // Assess
    expect(next.resources).toEqual({});
    const history = fakes.tenants.callsOf('recordResources')[0]?.[3];
    expect(history).toEqual([expect.objectContaining({ step: 'DeleteCluster', outcome: 'compensated' })]);
  });
});
