import { describe, expect, it } from 'vitest';
import type { MachineId, StepName } from '../../../src/domain/saga.ts';
import { dispatchStep } from '../../../src/steps/index.ts';
import { createFakes } from '../../support/fake-ports.ts';
import { createStepsOf, removeStepsOf } from '../../support/resource-steps.ts';
import { NAMES } from './fixtures.ts';

type Fakes = ReturnType<typeof createFakes>;

const ONBOARD_PREMIUM: StepName[] = [
  'ReserveTenant',
  'RemoveLeftovers',
  ...createStepsOf('premium'),
  'WaitForHealthy',
  'ActivateTenant',
  'NotifySuccess',
];
const OFFBOARD: StepName[] = ['LockTenant', ...removeStepsOf('premium'), 'RemoveTenant', 'NotifySuccess'];

/** Runs steps in order like the engine would, each `times` times (a retried Task), on the saga state. */
const run = async (
  fakes: Fakes,
  machine: MachineId,
  execution: string,
  input: unknown,
  steps: StepName[],
  times = 1,
) => {
  let state: unknown = await dispatchStep(
    { step: 'ValidateRequest', machine, execution, state: input },
    fakes.deps,
  );
  for (const step of steps) {
    for (let i = 0; i < times; i += 1)
      state = await dispatchStep({ step, machine, execution, state }, fakes.deps);
    // The cloud settles while the saga waits.
    if (step === 'CreateService') {
      const service = [...fakes.ecs.services.values()].find((s) => s.status === 'ACTIVE');
      if (service) fakes.ecs.settle(service.cluster, service.name);
      for (const group of fakes.elb.targetGroups.values())
        fakes.elb.health.set(group.arn, { healthy: 1, total: 1, states: ['healthy'] });
    }
  }
  return state;
};

const liveResources = (fakes: Fakes) => ({
  clusters: [...fakes.ecs.clusters.values()].filter((c) => c.status === 'ACTIVE').length,
  services: [...fakes.ecs.services.values()].filter((s) => s.status === 'ACTIVE').length,
  taskDefinitions: fakes.ecs.taskDefinitions.filter((td) => td.status !== 'DELETE_IN_PROGRESS').length,
  targetGroups: fakes.elb.targetGroups.size,
  rules: fakes.elb.rules.length,
  claims: [...fakes.priorities.claims.values()].reduce((sum, claims) => sum + claims.size, 0),
});

const INPUT = { tenantId: 'acme', tenantRegistrationId: 'reg-acme', tier: 'premium' };

describe('a premium tenant through the steps', () => {
  it('onboards with every step run twice, creating each resource once, then offboards to nothing', async () => {
    // Prepare
    const fakes = createFakes();
    // Act
    const onboarded = await run(fakes, 'onboarding', 'on-1', INPUT, ONBOARD_PREMIUM, 2);
    const afterOnboard = liveResources(fakes);
    await run(fakes, 'offboarding', 'off-1', { ...INPUT, tier: 'basic' }, OFFBOARD, 2);
    // Assess
    expect(afterOnboard).toEqual({
      clusters: 1,
      services: 1,
      taskDefinitions: 1,
      targetGroups: 1,
      rules: 1,
      claims: 1,
    });
    expect(fakes.ecs.callsOf('registerTaskDefinition')).toHaveLength(1);
    expect(fakes.elb.callsOf('createListenerRule')).toHaveLength(1);
    expect(onboarded).toMatchObject({ statusEvent: { detailType: 'sbt_aws_provisionSuccess' } });
    expect(liveResources(fakes)).toEqual({
      clusters: 0,
      services: 0,
      taskDefinitions: 0,
      targetGroups: 0,
      rules: 0,
      claims: 0,
    });
    expect(fakes.tenants.records.get('acme')).toMatchObject({
      lifecycleStatus: 'DELETED',
      active: false,
      resources: {},
    });
    expect(fakes.events.published.map((event) => event.detailType)).toEqual([
      'sbt_aws_provisionSuccess',
      'sbt_aws_deprovisionSuccess',
    ]);
  });

  it('undoes a failed onboarding, marks it FAILED, and can onboard again', async () => {
    // Prepare
    const fakes = createFakes();
    const forward = ONBOARD_PREMIUM.slice(0, 6);
    const partial = await run(fakes, 'onboarding', 'on-1', INPUT, forward);
    const failure = { step: 'CreateService', error: { Error: 'FatalError', Cause: 'no capacity' } };
    if (typeof partial !== 'object' || partial === null) throw new Error('no saga state');
    let state: unknown = { ...partial, failure };
    const compensation: StepName[] = [
      'DeleteListenerRule',
      'DeleteTargetGroup',
      'DeregisterTaskDefinition',
      'DeleteCluster',
      'MarkFailed',
      'NotifyFailure',
    ];
    // Act
    for (const step of compensation) {
      state = await dispatchStep({ step, machine: 'onboarding', execution: 'on-1', state }, fakes.deps);
    }
    const afterFailure = fakes.tenants.records.get('acme');
    await run(fakes, 'onboarding', 'on-2', INPUT, ONBOARD_PREMIUM);
    // Assess
    expect(afterFailure).toMatchObject({
      lifecycleStatus: 'FAILED',
      resources: {},
      lastError: { step: 'CreateService', reason: 'CreateService: FatalError: no capacity' },
    });
    expect(afterFailure?.lock).toBeUndefined();
    expect(
      afterFailure?.history.filter((entry) => entry.outcome === 'compensated').map((entry) => entry.step),
    ).toEqual(['DeleteListenerRule', 'DeleteTargetGroup', 'DeregisterTaskDefinition', 'DeleteCluster']);
    expect(fakes.tenants.records.get('acme')?.lifecycleStatus).toBe('ACTIVE');
    expect(fakes.events.published.map((event) => event.detailType)).toEqual([
      'sbt_aws_provisionFailure',
      'sbt_aws_provisionSuccess',
    ]);
  });
});

describe('a failed premium tenant retried as advanced', () => {
  it('removes what the premium placement left before it onboards as advanced, then offboards to nothing', async () => {
    // Prepare: onboarding reached CreateService, then its compensations all failed.
    const fakes = createFakes();
    const partial = await run(fakes, 'onboarding', 'on-1', INPUT, ONBOARD_PREMIUM.slice(0, 7));
    const failure = { step: 'WaitForHealthy', error: { Error: 'FatalError', Cause: 'never healthy' } };
    if (typeof partial !== 'object' || partial === null) throw new Error('no saga state');
    await dispatchStep(
      { step: 'MarkFailed', machine: 'onboarding', execution: 'on-1', state: { ...partial, failure } },
      fakes.deps,
    );
    const failed = fakes.tenants.records.get('acme');

    // Act
    await run(fakes, 'onboarding', 'on-2', { ...INPUT, tier: 'advanced' }, [
      'ReserveTenant',
      'RemoveLeftovers',
      'RegisterTaskDefinition',
      'CreateTargetGroup',
      'CreateListenerRule',
      'CreateService',
      'WaitForHealthy',
      'ActivateTenant',
      'NotifySuccess',
    ]);
    const active = fakes.tenants.records.get('acme');
    await run(fakes, 'offboarding', 'off-1', { ...INPUT, tier: 'premium' }, OFFBOARD);

    // Assess
    expect(failed).toMatchObject({ lifecycleStatus: 'FAILED', placement: { tier: 'premium' } });
    expect(failed?.resources.cluster?.name).toBe(NAMES.clusterName);
    expect(fakes.ecs.callsOf('deleteCluster')).toContainEqual([NAMES.clusterName]);
    expect(active).toMatchObject({
      lifecycleStatus: 'ACTIVE',
      placement: { tier: 'advanced', cluster: 'shared' },
    });
    expect(active?.resources.cluster).toBeUndefined();
    expect(active?.resources.service?.cluster).toBe('tf-shared');
    expect(liveResources(fakes)).toEqual({
      clusters: 0,
      services: 0,
      taskDefinitions: 0,
      targetGroups: 0,
      rules: 0,
      claims: 0,
    });
  });
});
