import { describe, expect, it } from 'vitest';
import { FatalError, NotReadyError, OwnershipError } from '../../../src/domain/errors.ts';
import {
  createService,
  deleteService,
  scaleService,
  serviceClientToken,
} from '../../../src/steps/service.ts';
import { createFakes, FAKE_INFRA } from '../../support/fake-ports.ts';
import { context, EXECUTION, lockedRecord, NAMES, SHARED_CLUSTER, sagaState, tagsOf } from './fixtures.ts';

const SERVICE = NAMES.serviceName;
const RESOURCES = {
  taskDefinition: { family: NAMES.taskDefinitionFamily, arn: 'arn:td:1' },
  targetGroup: { name: NAMES.targetGroupName, arn: 'arn:tg' },
};
const serviceArn = (cluster: string) => `arn:aws:ecs:us-east-1:123456789012:service/${cluster}/${SERVICE}`;

describe('serviceClientToken', () => {
  it('is at most 36 characters and the same for the same execution and service', () => {
    const token = serviceClientToken('exec-1', 'tf-acme');
    expect(token.length).toBeLessThanOrEqual(36);
    expect(serviceClientToken('exec-1', 'tf-acme')).toBe(token);
    expect(serviceClientToken('exec-2', 'tf-acme')).not.toBe(token);
  });
});

describe('CreateService', () => {
  it('creates an own service in the shared cluster, wired to its target group, sized by the placement', async () => {
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
          cluster: SHARED_CLUSTER,
          name: SERVICE,
          taskDefinitionArn: 'arn:td:1',
          desiredCount: 1,
          subnets: ['subnet-a', 'subnet-b'],
          securityGroups: ['sg-service'],
          targetGroupArn: 'arn:tg',
          // The tier names no health settings: the catalogue's default grace.
          healthCheckGracePeriodSeconds: 60,
          containerName: 'app',
          containerPort: 8080,
          capacityProviderStrategy: [
            { capacityProvider: 'FARGATE', base: 1, weight: 1 },
            { capacityProvider: 'FARGATE_SPOT', base: 0, weight: 1 },
          ],
          tags: tagsOf('advanced'),
          clientToken: serviceClientToken(EXECUTION, SERVICE),
        },
      ],
    ]);
    expect(next.resources).toEqual({
      ...RESOURCES,
      service: { cluster: SHARED_CLUSTER, name: SERVICE, arn: serviceArn(SHARED_CLUSTER) },
    });
  });

  it("puts a dedicated-cluster tenant's service in its own cluster, at its placement's size", async () => {
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord('premium'));
    const next = await createService(
      sagaState('premium', 'onboard', { resources: RESOURCES }),
      fakes.deps,
      context(),
    );
    expect(fakes.ecs.callsOf('createService')[0]?.[0]).toMatchObject({
      cluster: NAMES.clusterName,
      desiredCount: 2,
    });
    expect(next.resources.service?.cluster).toBe(NAMES.clusterName);
  });

  it('adopts its own ACTIVE service on a second run', async () => {
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    const state = sagaState('advanced', 'onboard', { resources: RESOURCES });
    const first = await createService(state, fakes.deps, context());
    const second = await createService(state, fakes.deps, context());
    expect(fakes.ecs.callsOf('createService')).toHaveLength(1);
    expect(fakes.ecs.callsOf('updateService')).toEqual([]);
    expect(second.resources).toEqual(first.resources);
  });

  it('brings an adopted service an earlier run left at zero or on another revision back to size and revision', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    const state = sagaState('advanced', 'onboard', { resources: RESOURCES });
    await createService(state, fakes.deps, context());
    await fakes.ecs.updateService(SHARED_CLUSTER, SERVICE, {
      desiredCount: 0,
      taskDefinitionArn: 'arn:td:0',
    });

    // Act
    await createService(state, fakes.deps, context());

    // Assess
    expect(fakes.ecs.callsOf('createService')).toHaveLength(1);
    expect(fakes.ecs.callsOf('updateService').at(-1)).toEqual([
      SHARED_CLUSTER,
      SERVICE,
      { desiredCount: 1, taskDefinitionArn: 'arn:td:1' },
    ]);
  });

  it("refuses a service of the tenant's name that is another tenant's", async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    await fakes.ecs.createService({
      cluster: SHARED_CLUSTER,
      name: SERVICE,
      taskDefinitionArn: 'arn:td:other',
      desiredCount: 1,
      subnets: [],
      securityGroups: [],
      targetGroupArn: 'arn:tg:other',
      containerName: 'app',
      containerPort: 80,
      capacityProviderStrategy: [],
      tags: tagsOf('advanced', 'globex'),
      clientToken: 'other',
    });

    // Act
    const run = createService(
      sagaState('advanced', 'onboard', { resources: RESOURCES }),
      fakes.deps,
      context(),
    );

    // Assess
    await expect(run).rejects.toBeInstanceOf(OwnershipError);
    expect(fakes.ecs.callsOf('updateService')).toEqual([]);
  });

  it('waits while its service of that name drains', async () => {
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    const state = sagaState('advanced', 'onboard', { resources: RESOURCES });
    await createService(state, fakes.deps, context());
    const existing = fakes.ecs.services.get(`${SHARED_CLUSTER}/${SERVICE}`);
    if (existing) existing.status = 'DRAINING';
    await expect(createService(state, fakes.deps, context())).rejects.toBeInstanceOf(NotReadyError);
    expect(fakes.ecs.callsOf('createService')).toHaveLength(1);
  });

  it('fails when no task definition was recorded', async () => {
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    const run = createService(
      sagaState('advanced', 'onboard', { resources: { targetGroup: RESOURCES.targetGroup } }),
      fakes.deps,
      context(),
    );
    await expect(run).rejects.toThrow(
      new FatalError('resources.taskDefinition is missing from the saga state'),
    );
  });
});

describe('DeleteService', () => {
  it('deletes the service (force) and forgets it', async () => {
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
    expect(order).toEqual([{ method: 'deleteService', args: [SHARED_CLUSTER, SERVICE] }]);
    expect(next.resources).toEqual(RESOURCES);
  });

  it('treats a service that is gone as deleted', async () => {
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    const next = await deleteService(sagaState(), fakes.deps, context());
    expect(fakes.ecs.callsOf('describeService')).toEqual([[SHARED_CLUSTER, SERVICE]]);
    expect(fakes.ecs.callsOf('deleteService')).toEqual([]);
    expect(next.resources).toEqual({});
  });

  it("deletes the recorded service where it is, whatever the placement says (an earlier placement's leftover)", async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord('premium'));
    const created = await createService(
      sagaState('premium', 'onboard', { resources: RESOURCES }),
      fakes.deps,
      context(),
    );
    const asBasic = sagaState('basic', 'onboard', { resources: { service: created.resources.service } });

    // Act
    await deleteService(asBasic, fakes.deps, context());

    // Assess
    expect(fakes.ecs.callsOf('deleteService')).toEqual([[NAMES.clusterName, SERVICE]]);
  });

  it("never touches the pooled service or another tenant's", async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord('advanced'));
    const pooled = sagaState('basic', 'offboard', {
      resources: {
        service: { cluster: SHARED_CLUSTER, name: FAKE_INFRA.pooledServiceName, arn: 'arn:pooled' },
      },
    });

    // Act
    const state = await deleteService(pooled, fakes.deps, context());

    // Assess
    expect(fakes.ecs.calls).toEqual([]);
    expect(state.resources).toEqual({});
  });

  it('has nothing to do for a pooled tenant with nothing recorded', async () => {
    const fakes = createFakes();
    const state = sagaState('basic', 'offboard');
    expect(await deleteService(state, fakes.deps, context())).toBe(state);
    expect(fakes.ecs.calls).toEqual([]);
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
    const created = await createService(
      sagaState('advanced', 'onboard', { resources: RESOURCES }),
      fakes.deps,
      context(),
    );
    const state = sagaState('advanced', operation, { resources: created.resources });

    // Act
    await scaleService(state, fakes.deps, context('activation'));

    // Assess
    expect(fakes.ecs.callsOf('updateService')).toEqual([
      [SHARED_CLUSTER, SERVICE, { desiredCount: desired }],
    ]);
    expect(fakes.ecs.services.get(`${SHARED_CLUSTER}/${SERVICE}`)?.desiredCount).toBe(desired);
  });

  it('leaves pooled tenants alone: only the record changes', async () => {
    const fakes = createFakes();
    const state = sagaState('basic', 'deactivate');
    const next = await scaleService(state, fakes.deps, context('activation'));
    expect(fakes.ecs.calls).toEqual([]);
    expect(next).toBe(state);
  });

  it('fails when the service the map names is gone', async () => {
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    await expect(
      scaleService(sagaState('advanced', 'activate'), fakes.deps, context('activation')),
    ).rejects.toBeInstanceOf(FatalError);
  });
});
