import { describe, expect, it } from 'vitest';
import { assessHealth } from '../../../src/steps/health-check.ts';

const service = {
  arn: 'arn:svc',
  name: 'tf-acme',
  status: 'ACTIVE',
  desiredCount: 2,
  runningCount: 2,
  rolloutState: 'COMPLETED',
  taskDefinition: 'arn:td:1',
  targetGroupArns: ['arn:tg'],
  tags: [],
};

describe('assessHealth', () => {
  it('is healthy when running, rolled out and one target is healthy', () => {
    // Prepare
    const targets = { healthy: 1, total: 2, states: ['healthy', 'initial'] };
    // Act
    const seen = assessHealth(service, targets);
    // Assess
    expect(seen).toEqual({
      healthy: true,
      detail: 'service ACTIVE, running 2/2, rollout COMPLETED, targets 1/2 healthy (healthy, initial)',
    });
  });

  it('accepts a service that reports no rollout state', () => {
    // Prepare
    const { rolloutState: _rollout, ...withoutRollout } = service;
    // Act
    const seen = assessHealth(withoutRollout, { healthy: 1, total: 1, states: ['healthy'] });
    // Assess
    expect(seen.healthy).toBe(true);
  });

  it.each([
    ['tasks still starting', { runningCount: 1 }, { healthy: 1, total: 1, states: ['healthy'] }],
    ['rollout in progress', { rolloutState: 'IN_PROGRESS' }, { healthy: 1, total: 1, states: ['healthy'] }],
    ['service draining', { status: 'DRAINING' }, { healthy: 1, total: 1, states: ['healthy'] }],
    ['no healthy target', {}, { healthy: 0, total: 2, states: ['initial', 'unhealthy'] }],
  ])('is not healthy with %s', (_label, change, targets) => {
    // Prepare
    const current = { ...service, ...change };
    // Act
    const seen = assessHealth(current, targets);
    // Assess
    expect(seen.healthy).toBe(false);
    expect(seen.rolloutFailure).toBeUndefined();
  });

  it('reports a failed rollout with its reason', () => {
    // Prepare
    const failed = { ...service, rolloutState: 'FAILED', rolloutStateReason: 'tasks failed to start' };
    // Act
    const seen = assessHealth(failed, undefined);
    // Assess
    expect(seen).toEqual({
      healthy: false,
      detail: 'rollout FAILED: tasks failed to start',
      rolloutFailure: 'tasks failed to start',
    });
  });

  it('reports a missing service', () => {
    // Prepare
    const missing = undefined;
    // Act
    const seen = assessHealth(missing, undefined);
    // Assess
    expect(seen).toEqual({ healthy: false, detail: 'service not found' });
  });
});
