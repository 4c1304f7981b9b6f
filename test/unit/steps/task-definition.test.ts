import { describe, expect, it } from 'vitest';
import { FatalError, OwnershipError } from '../../../src/domain/errors.ts';
import { specHash } from '../../../src/domain/naming.ts';
import {
  deregisterTaskDefinition,
  registerTaskDefinition,
  SPEC_HASH_TAG,
  taskDefinitionSpec,
} from '../../../src/steps/task-definition.ts';
import { createFakes, FAKE_INFRA, testConfig } from '../../support/fake-ports.ts';
import { context, lockedRecord, NAMES, placement, sagaState, tagsOf } from './fixtures.ts';

const FAMILY = NAMES.taskDefinitionFamily;
const TD_ARN = `arn:aws:ecs:us-east-1:123456789012:task-definition/${FAMILY}`;
const own = (tier: 'advanced' | 'premium') => {
  const p = placement(tier);
  if (p.service !== 'own') throw new Error('an own-service tier');
  return p;
};

describe('taskDefinitionSpec', () => {
  it("sizes the task from the placement and wires the shared stack's image, roles and logs", () => {
    // Act
    const spec = taskDefinitionSpec('acme', own('premium'), testConfig(), FAKE_INFRA);

    // Assess
    const { tags, ...rest } = spec;
    expect(rest).toEqual({
      family: FAMILY,
      cpu: '512',
      memory: '1024',
      containerName: 'app',
      image: FAKE_INFRA.tenantImage,
      containerPort: 8080,
      environment: { TENANT_ID: 'acme', TENANT_TIER: 'premium' },
      executionRoleArn: FAKE_INFRA.executionRoleArn,
      taskRoleArn: FAKE_INFRA.taskRoleArn,
      log: { driver: 'awslogs', group: '/tenantflow/tenants', region: 'us-east-1', streamPrefix: 'acme' },
    });
    expect(tags).toEqual([...tagsOf('premium'), { key: SPEC_HASH_TAG, value: specHash(rest) }]);
  });
});

describe('RegisterTaskDefinition', () => {
  it('registers the first revision and records it', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());

    // Act
    const next = await registerTaskDefinition(sagaState(), fakes.deps, context());

    // Assess
    expect(fakes.ecs.callsOf('registerTaskDefinition')).toEqual([
      [taskDefinitionSpec('acme', own('advanced'), fakes.deps.config, FAKE_INFRA)],
    ]);
    expect(next.resources).toEqual({ taskDefinition: { family: FAMILY, arn: `${TD_ARN}:1` } });
    expect(fakes.tenants.records.get('acme')?.resources).toEqual(next.resources);
  });

  it('registers no second revision when the spec is unchanged', async () => {
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    await registerTaskDefinition(sagaState(), fakes.deps, context());
    const next = await registerTaskDefinition(sagaState(), fakes.deps, context());
    expect(fakes.ecs.callsOf('registerTaskDefinition')).toHaveLength(1);
    expect(next.resources.taskDefinition?.arn).toBe(`${TD_ARN}:1`);
  });

  it('registers a new revision when the placement is sized differently', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    await registerTaskDefinition(sagaState(), fakes.deps, context());
    const bigger = sagaState('advanced', 'onboard', {
      placement: { ...own('advanced'), cpu: '1024', memory: '2048' },
    });

    // Act
    const next = await registerTaskDefinition(bigger, fakes.deps, context());

    // Assess
    expect(fakes.ecs.callsOf('registerTaskDefinition')).toHaveLength(2);
    expect(next.resources.taskDefinition?.arn).toBe(`${TD_ARN}:2`);
  });

  it("refuses a family of the tenant's name whose newest revision is not the tenant's", async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    await fakes.ecs.registerTaskDefinition({
      ...taskDefinitionSpec('acme', own('advanced'), fakes.deps.config, FAKE_INFRA),
      tags: [],
    });

    // Act
    const run = registerTaskDefinition(sagaState(), fakes.deps, context());

    // Assess
    await expect(run).rejects.toBeInstanceOf(OwnershipError);
    expect(fakes.ecs.callsOf('registerTaskDefinition')).toHaveLength(1);
  });

  it('has nothing to register for a pooled placement', async () => {
    const fakes = createFakes();
    await expect(registerTaskDefinition(sagaState('basic'), fakes.deps, context())).rejects.toBeInstanceOf(
      FatalError,
    );
    expect(fakes.ecs.calls).toEqual([]);
  });
});

describe('DeregisterTaskDefinition', () => {
  it("deregisters every ACTIVE revision of the tenant's family, then deletes them", async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    await registerTaskDefinition(sagaState(), fakes.deps, context());
    const bigger = sagaState('advanced', 'onboard', {
      placement: { ...own('advanced'), cpu: '1024', memory: '2048' },
    });
    const registered = await registerTaskDefinition(bigger, fakes.deps, context());

    // Act
    const next = await deregisterTaskDefinition(registered, fakes.deps, context());

    // Assess
    expect(fakes.ecs.callsOf('deregisterTaskDefinition')).toEqual([[`${TD_ARN}:1`], [`${TD_ARN}:2`]]);
    expect(fakes.ecs.callsOf('deleteTaskDefinitions')).toEqual([[[`${TD_ARN}:1`, `${TD_ARN}:2`]]]);
    expect(fakes.ecs.taskDefinitions.map((td) => td.status)).toEqual([
      'DELETE_IN_PROGRESS',
      'DELETE_IN_PROGRESS',
    ]);
    expect(next.resources).toEqual({});
  });

  it('deletes revisions an earlier run deregistered but did not delete', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    const registered = await registerTaskDefinition(sagaState(), fakes.deps, context());
    await fakes.ecs.deregisterTaskDefinition(`${TD_ARN}:1`);

    // Act
    await deregisterTaskDefinition(registered, fakes.deps, context());

    // Assess
    expect(fakes.ecs.callsOf('deregisterTaskDefinition')).toEqual([[`${TD_ARN}:1`]]);
    expect(fakes.ecs.callsOf('deleteTaskDefinitions')).toEqual([[[`${TD_ARN}:1`]]]);
  });

  it("leaves alone revisions of the family that are not tagged as the tenant's", async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    await fakes.ecs.registerTaskDefinition({
      ...taskDefinitionSpec('acme', own('advanced'), fakes.deps.config, FAKE_INFRA),
      tags: tagsOf('advanced', 'globex'),
    });

    // Act
    await deregisterTaskDefinition(sagaState(), fakes.deps, context());

    // Assess
    expect(fakes.ecs.callsOf('deregisterTaskDefinition')).toEqual([]);
    expect(fakes.ecs.callsOf('deleteTaskDefinitions')).toEqual([]);
    const history = fakes.tenants.callsOf('recordResources')[0]?.[3];
    expect(history).toEqual([
      expect.objectContaining({
        reason: `left alone, not tagged as this tenant's: task definition ${TD_ARN}:1`,
      }),
    ]);
  });

  it('is done when the family has no revision left', async () => {
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    const next = await deregisterTaskDefinition(sagaState(), fakes.deps, context());
    expect(fakes.ecs.callsOf('listTaskDefinitions')).toEqual([
      [FAMILY, 'ACTIVE'],
      [FAMILY, 'INACTIVE'],
    ]);
    expect(fakes.ecs.callsOf('deregisterTaskDefinition')).toEqual([]);
    expect(next.resources).toEqual({});
  });

  it('has nothing to do for a pooled tenant with nothing recorded', async () => {
    const fakes = createFakes();
    const state = sagaState('basic');
    expect(await deregisterTaskDefinition(state, fakes.deps, context())).toBe(state);
    expect(fakes.ecs.calls).toEqual([]);
  });
});
