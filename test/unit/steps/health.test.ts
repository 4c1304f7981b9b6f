import { describe, expect, it } from 'vitest';
import { FatalError } from '../../../src/domain/errors.ts';
import { waitForHealthy } from '../../../src/steps/health.ts';
import { createService } from '../../../src/steps/service.ts';
import { createFakes, testConfig } from '../../support/fake-ports.ts';
import { context, lockedRecord, NAMES, SHARED_CLUSTER, sagaState } from './fixtures.ts';

const setup = async (env: Record<string, string> = {}) => {
  const fakes = createFakes({ config: testConfig(env) });
  fakes.tenants.seed(lockedRecord());
  const resources = {
    taskDefinition: { family: NAMES.taskDefinitionFamily, arn: 'arn:td:1' },
    targetGroup: { name: NAMES.targetGroupName, arn: 'arn:tg' },
  };
  const state = await createService(sagaState('advanced', 'onboard', { resources }), fakes.deps, context());
  return { fakes, state };
};

describe('WaitForHealthy', () => {
  it('counts an attempt and reports what it saw while not healthy', async () => {
    // Prepare
    const { fakes, state } = await setup();
    // Act
    const next = await waitForHealthy(state, fakes.deps, context());
    // Assess
    expect(next.health).toEqual({
      attempts: 1,
      healthy: false,
      detail: 'service ACTIVE, running 0/1, rollout IN_PROGRESS, targets 0/0 healthy',
    });
    expect(fakes.elb.callsOf('targetHealth')).toEqual([['arn:tg']]);
  });

  it('is healthy once tasks run and a target is healthy, and checkpoints', async () => {
    // Prepare
    const { fakes, state } = await setup();
    fakes.ecs.settle(SHARED_CLUSTER, NAMES.serviceName);
    fakes.elb.health.set('arn:tg', { healthy: 1, total: 1, states: ['healthy'] });
    const polled = { ...state, health: { attempts: 3, healthy: false, detail: 'x' } };
    // Act
    const next = await waitForHealthy(polled, fakes.deps, context());
    // Assess
    expect(next.health).toEqual({
      attempts: 4,
      healthy: true,
      detail: 'service ACTIVE, running 1/1, rollout COMPLETED, targets 1/1 healthy (healthy)',
    });
    const history = fakes.tenants.records.get('acme')?.history ?? [];
    expect(history.map((entry) => entry.step)).toEqual(['CreateService', 'WaitForHealthy']);
  });

  it('gives up at the attempt bound, saying what it last saw', async () => {
    // Prepare
    const { fakes, state } = await setup({ HEALTH_MAX_ATTEMPTS: '3' });
    const polled = { ...state, health: { attempts: 2, healthy: false, detail: 'x' } };
    // Act
    const run = waitForHealthy(polled, fakes.deps, context());
    // Assess
    await expect(run).rejects.toThrow(
      new FatalError(
        `${NAMES.serviceName} not healthy after 3 checks; last seen: service ACTIVE, running 0/1, rollout IN_PROGRESS, targets 0/0 healthy`,
      ),
    );
  });

  it('stops at once when the circuit breaker rolled the deployment back', async () => {
    // Prepare
    const { fakes, state } = await setup();
    Object.assign(fakes.ecs.services.get(`${SHARED_CLUSTER}/${NAMES.serviceName}`) ?? {}, {
      rolloutState: 'FAILED',
      rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
    });
    // Act
    const run = waitForHealthy(state, fakes.deps, context());
    // Assess
    await expect(run).rejects.toThrow(
      new FatalError(
        `deployment of ${NAMES.serviceName} rolled back by the circuit breaker: ECS deployment circuit breaker: tasks failed to start.`,
      ),
    );
  });
});
