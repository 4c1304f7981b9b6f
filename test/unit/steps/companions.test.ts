import { describe, expect, it } from 'vitest';
import { OwnershipError } from '../../../src/domain/errors.ts';
import {
  companionNames,
  companionTaskDefinitionSpec,
  createCompanionServices,
  deleteCompanionServices,
} from '../../../src/steps/companions.ts';
import { serviceClientToken } from '../../../src/steps/service.ts';
import { createFakes, FAKE_INFRA } from '../../support/fake-ports.ts';
import { context, EXECUTION, lockedRecord, NAMES, placement, sagaState, tagsOf } from './fixtures.ts';

const suite = () => {
  const p = placement('suite');
  if (p.service !== 'own' || !p.companions) throw new Error('suite lists companions');
  return { placement: p, companions: p.companions };
};
const ORDERS = companionNames(NAMES, 'orders');
const PRODUCTS = companionNames(NAMES, 'products');
const ECS = 'arn:aws:ecs:us-east-1:123456789012';

describe('CreateCompanions', () => {
  it("registers each companion's revision and creates its service, off the load balancer, recording each", async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord('suite'));
    const { placement: p, companions } = suite();

    // Act
    const next = await createCompanionServices(sagaState('suite'), fakes.deps, context());

    // Assess
    expect(fakes.ecs.callsOf('registerTaskDefinition')).toEqual(
      companions.map((c) => [companionTaskDefinitionSpec('acme', p, c, fakes.deps.config, FAKE_INFRA)]),
    );
    expect(fakes.ecs.callsOf('createService')).toEqual(
      [ORDERS, PRODUCTS].map((names, i) => [
        {
          cluster: FAKE_INFRA.clusterName,
          name: names.serviceName,
          taskDefinitionArn: `${ECS}:task-definition/${names.family}:1`,
          desiredCount: companions[i]?.desiredCount,
          subnets: FAKE_INFRA.privateSubnetIds,
          securityGroups: [FAKE_INFRA.serviceSecurityGroupId],
          containerName: companions[i]?.name,
          containerPort: companions[i]?.containerPort,
          capacityProviderStrategy: p.capacityProviderStrategy,
          tags: tagsOf('suite'),
          clientToken: serviceClientToken(EXECUTION, names.serviceName),
        },
      ]),
    );
    expect(next.resources.companions?.services).toEqual({
      orders: {
        cluster: FAKE_INFRA.clusterName,
        name: ORDERS.serviceName,
        arn: `${ECS}:service/${FAKE_INFRA.clusterName}/${ORDERS.serviceName}`,
        family: ORDERS.family,
        taskDefinitionArn: `${ECS}:task-definition/${ORDERS.family}:1`,
      },
      products: {
        cluster: FAKE_INFRA.clusterName,
        name: PRODUCTS.serviceName,
        arn: `${ECS}:service/${FAKE_INFRA.clusterName}/${PRODUCTS.serviceName}`,
        family: PRODUCTS.family,
        taskDefinitionArn: `${ECS}:task-definition/${PRODUCTS.family}:1`,
      },
    });
    // Written after each companion: the record names what exists however far the step got.
    expect(fakes.tenants.records.get('acme')?.resources).toEqual(next.resources);
    expect(
      fakes.tenants.records.get('acme')?.history.filter((h) => h.step === 'CreateCompanions'),
    ).toHaveLength(2);
  });

  it('run again (a retry), adopts both revisions and both services: no second of either', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord('suite'));
    const first = await createCompanionServices(sagaState('suite'), fakes.deps, context());

    // Act
    const again = await createCompanionServices(sagaState('suite'), fakes.deps, context());

    // Assess
    expect(fakes.ecs.callsOf('registerTaskDefinition')).toHaveLength(2);
    expect(fakes.ecs.callsOf('createService')).toHaveLength(2);
    expect(again.resources).toEqual(first.resources);
  });

  it('calls nothing for a placement without companions', async () => {
    // Prepare
    const fakes = createFakes();
    const state = sagaState('advanced');

    // Act
    const next = await createCompanionServices(state, fakes.deps, context());

    // Assess
    expect(next).toBe(state);
    expect(fakes.ecs.calls).toEqual([]);
  });

  it("refuses a companion service of the tenant's name that is not the tenant's", async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord('suite'));
    await createCompanionServices(sagaState('suite'), fakes.deps, context());
    const other = createFakes();
    other.tenants.seed(lockedRecord('suite'));
    for (const [key, service] of fakes.ecs.services)
      other.ecs.services.set(key, { ...service, tags: tagsOf('suite', 'someone-else') });

    // Act
    const attempt = createCompanionServices(sagaState('suite'), other.deps, context());

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(OwnershipError);
    expect(other.ecs.callsOf('createService')).toEqual([]);
  });
});

describe('DeleteCompanions', () => {
  it('deletes every companion service and revision, recorded or only listed by the placement', async () => {
    // Prepare: orders made and recorded; products made but not recorded (the step died first).
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord('suite'));
    const made = await createCompanionServices(sagaState('suite'), fakes.deps, context());
    const { products: _unrecorded, ...recorded } = made.resources.companions?.services ?? {};
    const state = sagaState('suite', 'onboard', { resources: { companions: { services: recorded } } });
    fakes.ecs.calls.length = 0;

    // Act
    const next = await deleteCompanionServices(state, fakes.deps, context());

    // Assess
    expect(fakes.ecs.callsOf('deleteService')).toEqual([
      [FAKE_INFRA.clusterName, ORDERS.serviceName],
      [FAKE_INFRA.clusterName, PRODUCTS.serviceName],
    ]);
    expect(fakes.ecs.callsOf('deregisterTaskDefinition')).toEqual([
      [`${ECS}:task-definition/${ORDERS.family}:1`],
      [`${ECS}:task-definition/${PRODUCTS.family}:1`],
    ]);
    expect(fakes.ecs.callsOf('deleteTaskDefinitions')).toEqual([
      [[`${ECS}:task-definition/${ORDERS.family}:1`]],
      [[`${ECS}:task-definition/${PRODUCTS.family}:1`]],
    ]);
    expect(next.resources.companions).toBeUndefined();
    expect([...fakes.ecs.services.values()].filter((s) => s.status === 'ACTIVE')).toEqual([]);
  });

  it("leaves another's service of a companion's name alone and says so in the history", async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord('suite'));
    await createCompanionServices(sagaState('suite'), fakes.deps, context());
    const key = `${FAKE_INFRA.clusterName}/${ORDERS.serviceName}`;
    const service = fakes.ecs.services.get(key);
    if (service) fakes.ecs.services.set(key, { ...service, tags: tagsOf('suite', 'someone-else') });

    // Act
    await deleteCompanionServices(sagaState('suite'), fakes.deps, context());

    // Assess
    expect(fakes.ecs.callsOf('deleteService')).toEqual([[FAKE_INFRA.clusterName, PRODUCTS.serviceName]]);
    const line = fakes.tenants.records.get('acme')?.history.find((h) => h.step === 'DeleteCompanions');
    expect(line?.reason).toContain(key);
  });

  it('returns at once for a placement without companions and a record naming none', async () => {
    const fakes = createFakes();
    const state = sagaState('premium');
    expect(await deleteCompanionServices(state, fakes.deps, context())).toBe(state);
    expect(fakes.ecs.calls).toEqual([]);
  });
});
