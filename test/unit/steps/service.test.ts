import { describe, expect, it } from 'vitest';
import { FatalError, NotReadyError } from '../../../src/domain/errors.ts';
import {
  createService,
  deleteService,
  scaleService,
  serviceClientToken,
} from '../../../src/steps/service.ts';
import { createFakes, FAKE_INFRA } from '../../support/fake-ports.ts';
import { context, EXECUTION, lockedRecord, sagaState } from './fixtures.ts';

const RESOURCES = { taskDefinitionArn: 'arn:td:1', targetGroupArn: 'arn:tg' };

describe('serviceClientToken', () => {
  it('is at most 36 characters and the same for the same execution and service', () => {
    // Prepare
    const args = ['exec-1', 'tf-acme'] as const;
    // Act
    const token = serviceClientToken(...args);
    // Assess
    expect(token.length).toBeLessThanOrEqual(36);
    expect(serviceClientToken(...args)).toBe(token);
    expect(serviceClientToken('exec-2', 'tf-acme')).not.toBe(token);
  });
});

describe('CreateService', () => {
  it('creates the advanced service in the shared cluster, wired to its target group', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    // Act
    const next = await createService(
      sagaState('advanced', 'onboard', { resources: RESOURCES }),
      fakes.deps,
      context(),
    );
    // Assess
    expect(fakes.ecs.callsOf('createService')).toEqual([
      [
        {
          cluster: 'tf-shared',
          name: 'tf-acme',
          taskDefinitionArn: 'arn:td:1',
          desiredCount: 1,
          subnets: ['subnet-a', 'subnet-b'],
          securityGroups: ['sg-service'],
          targetGroupArn: 'arn:tg',
          containerName: 'app',
          containerPort: 8080,
          capacityProviderStrategy: [
            { capacityProvider: 'FARGATE', base: 1, weight: 1 },
            { capacityProvider: 'FARGATE_SPOT', base: 0, weight: 1 },
          ],
          tags: [
            { key: 'tenantflow:tenant-id', value: 'acme' },
            { key: 'tenantflow:tier', value: 'advanced' },
            { key: 'tenantflow:managed-by', value: 'tenantflow' },
          ],
          clientToken: serviceClientToken(EXECUTION, 'tf-acme'),
        },
      ],
    ]);
    expect(next.resources).toEqual({
      ...RESOURCES,
      serviceName: 'tf-acme',
      serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/tf-shared/tf-acme',
    });
  });

  it("puts a premium tenant's service in its own cluster, sized by the premium profile", async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord('premium'));
    // Act
    await createService(sagaState('premium', 'onboard', { resources: RESOURCES }), fakes.deps, context());
    // Assess
    expect(fakes.ecs.callsOf('createService')[0]?.[0]).toMatchObject({ cluster: 'tf-acme', desiredCount: 2 });
  });

  it('reuses an ACTIVE service on a second run', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    const state = sagaState('advanced', 'onboard', { resources: RESOURCES });
    const first = await createService(state, fakes.deps, context());
    // Act
    const second = await createService(state, fakes.deps, context());
    // Assess
    expect(fakes.ecs.callsOf('createService')).toHaveLength(1);
    expect(second.resources).toEqual(first.resources);
  });

  it('scales a reused service that an earlier deactivate left at zero back to the tier size', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    const state = sagaState('advanced', 'onboard', { resources: RESOURCES });
    const first = await createService(state, fakes.deps, context());
    await fakes.ecs.setDesiredCount(FAKE_INFRA.clusterName, first.resources.serviceName ?? '', 0);
    // Act
    await createService(state, fakes.deps, context());
    // Assess
    expect(fakes.ecs.callsOf('createService')).toHaveLength(1);
    expect(fakes.ecs.callsOf('setDesiredCount').at(-1)).toEqual([
      FAKE_INFRA.clusterName,
      first.resources.serviceName,
      1,
    ]);
  });

  it('waits while a service of that name drains', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    const state = sagaState('advanced', 'onboard', { resources: RESOURCES });
    await createService(state, fakes.deps, context());
    const existing = fakes.ecs.services.get('tf-shared/tf-acme');
    if (existing) existing.status = 'DRAINING';
    // Act
    const run = createService(state, fakes.deps, context());
    // Assess
    await expect(run).rejects.toBeInstanceOf(NotReadyError);
    expect(fakes.ecs.callsOf('createService')).toHaveLength(1);
  });

  it('fails when no task definition was recorded', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    // Act
    const run = createService(
      sagaState('advanced', 'onboard', { resources: { targetGroupArn: 'arn:tg' } }),
      fakes.deps,
      context(),
    );
    // Assess
    await expect(run).rejects.toThrow(
      new FatalError('resources.taskDefinitionArn is missing from the saga state'),
    );
  });
});

describe('DeleteService', () => {
  it('scales to zero, then deletes, and forgets the service', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    const created = await createService(
      sagaState('advanced', 'onboard', { resources: RESOURCES }),
      fakes.deps,
      context(),
    );
    // Act
    const next = await deleteService(created, fakes.deps, context());
    // Assess
    const order = fakes.ecs.calls.filter(
      (call) => call.method !== 'describeService' && call.method !== 'createService',
    );
    expect(order).toEqual([
      { method: 'setDesiredCount', args: ['tf-shared', 'tf-acme', 0] },
      { method: 'deleteService', args: ['tf-shared', 'tf-acme'] },
    ]);
    expect(next.resources).toEqual(RESOURCES);
  });

  it('treats a service that is gone as deleted', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    // Act
    const next = await deleteService(sagaState(), fakes.deps, context());
    // Assess
    expect(fakes.ecs.callsOf('setDesiredCount')).toEqual([['tf-shared', 'tf-acme', 0]]);
    expect(fakes.ecs.callsOf('deleteService')).toEqual([]);
    expect(next.resources).toEqual({});
  });

  it('never touches the pooled service', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord('basic'));
    const state = sagaState('basic', 'offboard', {
      resources: { serviceName: FAKE_INFRA.pooledServiceName },
    });
    // Act
    await deleteService(state, fakes.deps, context());
    // Assess
    expect(fakes.ecs.callsOf('setDesiredCount')).toEqual([['tf-shared', 'tf-acme', 0]]);
  });
});

describe('ScaleService', () => {
  it.each([
    ['activate', 1],
    ['deactivate', 0],
  ] as const)('%s sets the desired count to %d', async (operation, desired) => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    await createService(sagaState('advanced', 'onboard', { resources: RESOURCES }), fakes.deps, context());
    const state = sagaState('advanced', operation, { resources: { serviceName: 'tf-acme' } });
    // Act
    await scaleService(state, fakes.deps, context('activation'));
    // Assess
    expect(fakes.ecs.callsOf('setDesiredCount')).toEqual([['tf-shared', 'tf-acme', desired]]);
    expect(fakes.ecs.services.get('tf-shared/tf-acme')?.desiredCount).toBe(desired);
  });

  it('leaves basic tenants on the pooled service alone', async () => {
    // Prepare
    const fakes = createFakes();
    const state = sagaState('basic', 'deactivate');
    // Act
    const next = await scaleService(state, fakes.deps, context('activation'));
    // Assess
    expect(fakes.ecs.calls).toEqual([]);
    expect(next).toBe(state);
  });

  it('fails when the service the map names is gone', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    // Act
    const run = scaleService(sagaState('advanced', 'activate'), fakes.deps, context('activation'));
    // Assess
    await expect(run).rejects.toBeInstanceOf(FatalError);
  });
});
