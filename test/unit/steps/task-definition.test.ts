import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.ts';
import { FatalError } from '../../../src/domain/errors.ts';
import { specHash } from '../../../src/domain/naming.ts';
import {
  deregisterTaskDefinition,
  registerTaskDefinition,
  SPEC_HASH_TAG,
  taskDefinitionSpec,
} from '../../../src/steps/task-definition.ts';
import { createFakes, FAKE_INFRA } from '../../support/fake-ports.ts';
import { context, lockedRecord, request, sagaState } from './fixtures.ts';

const TD_ARN = 'arn:aws:ecs:us-east-1:123456789012:task-definition/tf-acme';

describe('taskDefinitionSpec', () => {
  it("sizes the task from the tier and wires the shared stack's image, roles and logs", () => {
    // Prepare
    const config = loadConfig({});
    // Act
    const spec = taskDefinitionSpec(request({ tier: 'premium' }), config, FAKE_INFRA);
    // Assess
    const { tags, ...rest } = spec;
    expect(rest).toEqual({
      family: 'tf-acme',
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
    expect(tags).toEqual([
      { key: 'tenantflow:tenant-id', value: 'acme' },
      { key: 'tenantflow:tier', value: 'premium' },
      { key: 'tenantflow:managed-by', value: 'tenantflow' },
      { key: SPEC_HASH_TAG, value: specHash(rest) },
    ]);
  });

  it('refuses the basic tier, which has no task definition', () => {
    // Prepare
    const config = loadConfig({});
    // Act
    const build = () => taskDefinitionSpec(request({ tier: 'basic' }), config, FAKE_INFRA);
    // Assess
    expect(build).toThrow(FatalError);
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
      [taskDefinitionSpec(request(), fakes.deps.config, FAKE_INFRA)],
    ]);
    expect(next.resources).toEqual({ taskDefinitionFamily: 'tf-acme', taskDefinitionArn: `${TD_ARN}:1` });
    expect(fakes.tenants.records.get('acme')?.resources).toEqual(next.resources);
  });

  it('registers no second revision when the spec is unchanged', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    await registerTaskDefinition(sagaState(), fakes.deps, context());
    // Act
    const next = await registerTaskDefinition(sagaState(), fakes.deps, context());
    // Assess
    expect(fakes.ecs.callsOf('registerTaskDefinition')).toHaveLength(1);
    expect(next.resources.taskDefinitionArn).toBe(`${TD_ARN}:1`);
  });

  it('registers a new revision when the spec changed', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    await registerTaskDefinition(sagaState(), fakes.deps, context());
    fakes.deps.config.tiers.advanced = { ...fakes.deps.config.tiers.advanced, cpu: '1024', memory: '2048' };
    // Act
    const next = await registerTaskDefinition(sagaState(), fakes.deps, context());
    // Assess
    expect(fakes.ecs.callsOf('registerTaskDefinition')).toHaveLength(2);
    expect(next.resources.taskDefinitionArn).toBe(`${TD_ARN}:2`);
  });
});

describe('DeregisterTaskDefinition', () => {
  it('deregisters every ACTIVE revision of the family', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    await registerTaskDefinition(sagaState(), fakes.deps, context());
    fakes.deps.config.tiers.advanced = { ...fakes.deps.config.tiers.advanced, cpu: '1024' };
    const registered = await registerTaskDefinition(sagaState(), fakes.deps, context());
    // Act
    const next = await deregisterTaskDefinition(registered, fakes.deps, context());
    // Assess
    expect(fakes.ecs.callsOf('deregisterTaskDefinition')).toEqual([[`${TD_ARN}:1`], [`${TD_ARN}:2`]]);
    expect(fakes.ecs.taskDefinitions.every((td) => !td.active)).toBe(true);
    expect(next.resources).toEqual({});
  });

  it('is done when the family has no revision left', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    // Act
    const next = await deregisterTaskDefinition(sagaState(), fakes.deps, context());
    // Assess
    expect(fakes.ecs.callsOf('listTaskDefinitions')).toEqual([['tf-acme']]);
    expect(fakes.ecs.callsOf('deregisterTaskDefinition')).toEqual([]);
    expect(next.resources).toEqual({});
  });
});
