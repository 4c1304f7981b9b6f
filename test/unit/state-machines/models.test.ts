import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { toCaughtError } from '../../../state-machines/caught-error.ts';
import { activationMachine, offboardingMachine, onboardingMachine } from '../../../state-machines/index.ts';
import { fatal } from './support/model-paths.ts';

const input = { execution: 'exec-1', input: { raw: 'event' } };
const done = (step: string, output: unknown) => ({ type: `xstate.done.actor.${step}`, output });
const failed = (step: string) => ({ type: `xstate.error.actor.${step}`, error: fatal(step) });
const saga = (tier: string, extra: Record<string, unknown> = {}) => ({
  request: { tier },
  resources: {},
  ...extra,
});

describe('onboarding model (pure transitions)', () => {
  it('starts in ValidateRequest with the raw input as the state', () => {
    // Prepare
    const machine = onboardingMachine;

    // Act
    const [snapshot] = initialTransition(machine, input);

    // Assess
    expect(snapshot.value).toBe('ValidateRequest');
    expect(snapshot.context).toEqual({ machine: 'onboarding', execution: 'exec-1', state: { raw: 'event' } });
  });

  it.each([
    ['premium', 'CreateCluster'],
    ['advanced', 'RegisterTaskDefinition'],
    ['basic', 'ActivateTenant'],
  ])('after ReserveTenant, a %s tenant goes to %s with the step output as its state', (tier, next) => {
    // Prepare
    const [start] = initialTransition(onboardingMachine, input);
    const [validated] = transition(onboardingMachine, start, done('ValidateRequest', saga(tier)));

    // Act
    const [reserved] = transition(
      onboardingMachine,
      validated,
      done('ReserveTenant', saga(tier, { reserved: true })),
    );

    // Assess
    expect(reserved.value).toBe(next);
    expect(reserved.context.state).toEqual(saga(tier, { reserved: true }));
  });

  it('records the failed step and its error, then notifies without marking when ValidateRequest fails', () => {
    // Prepare
    const [start] = initialTransition(onboardingMachine, input);

    // Act
    const [next] = transition(onboardingMachine, start, failed('ValidateRequest'));

    // Assess
    expect(next.value).toBe('NotifyFailure');
    expect(next.context.state).toEqual({
      raw: 'event',
      failure: { error: toCaughtError(fatal('ValidateRequest')), step: 'ValidateRequest' },
    });
  });

  it('polls health again after a wait when the service is not healthy yet', () => {
    // Prepare
    const [start] = initialTransition(onboardingMachine, input);
    const [validated] = transition(onboardingMachine, start, done('ValidateRequest', saga('advanced')));
    const [reserved] = transition(onboardingMachine, validated, done('ReserveTenant', saga('advanced')));
    let snapshot = reserved;
    for (const step of [
      'RegisterTaskDefinition',
      'CreateTargetGroup',
      'CreateListenerRule',
      'CreateService',
    ]) {
      [snapshot] = transition(onboardingMachine, snapshot, done(step, saga('advanced')));
    }

    // Act
    const [unhealthy] = transition(
      onboardingMachine,
      snapshot,
      done('WaitForHealthy', saga('advanced', { health: { healthy: false } })),
    );
    const [again] = transition(onboardingMachine, unhealthy, {
      type: 'xstate.after.healthPoll.onboarding.WaitBeforeHealthCheck',
    });
    const [healthy] = transition(
      onboardingMachine,
      again,
      done('WaitForHealthy', saga('advanced', { health: { healthy: true } })),
    );

    // Assess
    expect([unhealthy.value, again.value, healthy.value]).toEqual([
      'WaitBeforeHealthCheck',
      'WaitForHealthy',
      'ActivateTenant',
    ]);
  });

  it('records a failed compensation and goes on to the next one', () => {
    // Prepare
    const state = saga('premium', {
      failure: { step: 'CreateService', error: { Error: 'FatalError', Cause: '{}' } },
    });
    const snapshot = onboardingMachine.resolveState({
      value: 'DeleteTargetGroup',
      context: { machine: 'onboarding', execution: 'e', state },
    });

    // Act
    const [next] = transition(onboardingMachine, snapshot, failed('DeleteTargetGroup'));

    // Assess
    expect(next.value).toBe('DeregisterTaskDefinition');
    expect(next.context.state).toEqual({
      ...state,
      compensationErrors: { DeleteTargetGroup: toCaughtError(fatal('DeleteTargetGroup')) },
    });
  });

  it('undoes only the tenant record of a basic tenant whose activation fails', () => {
    // Prepare
    const snapshot = onboardingMachine.resolveState({
      value: 'ActivateTenant',
      context: { machine: 'onboarding', execution: 'e', state: saga('basic') },
    });

    // Act
    const [next] = transition(onboardingMachine, snapshot, failed('ActivateTenant'));

    // Assess
    expect(next.value).toBe('MarkFailed');
  });
});

describe('offboarding and activation models (pure transitions)', () => {
  it('offboarding deletes the cluster of a premium tenant only', () => {
    // Prepare
    const at = (tier: string) =>
      offboardingMachine.resolveState({
        value: 'DeregisterTaskDefinition',
        context: { machine: 'offboarding', execution: 'e', state: saga(tier) },
      });

    // Act
    const [premium] = transition(
      offboardingMachine,
      at('premium'),
      done('DeregisterTaskDefinition', saga('premium')),
    );
    const [advanced] = transition(
      offboardingMachine,
      at('advanced'),
      done('DeregisterTaskDefinition', saga('advanced')),
    );

    // Assess
    expect([premium.value, advanced.value]).toEqual(['DeleteCluster', 'RemoveTenant']);
  });

  it('a failure after the lock marks the tenant failed; a failed lock only notifies', () => {
    // Prepare
    const at = (value: string) =>
      activationMachine.resolveState({
        value,
        context: { machine: 'activation', execution: 'e', state: saga('basic') },
      });

    // Act
    const [afterScale] = transition(activationMachine, at('ScaleService'), failed('ScaleService'));
    const [afterLock] = transition(activationMachine, at('LockTenant'), failed('LockTenant'));

    // Assess
    expect([afterScale.value, afterLock.value]).toEqual(['MarkFailed', 'NotifyFailure']);
  });

  it('a failed NotifySuccess ends in Failed with the failure recorded', () => {
    // Prepare
    const snapshot = activationMachine.resolveState({
      value: 'NotifySuccess',
      context: { machine: 'activation', execution: 'e', state: saga('basic') },
    });

    // Act
    const [next] = transition(activationMachine, snapshot, failed('NotifySuccess'));

    // Assess
    expect(next.value).toBe('Failed');
    expect(next.status).toBe('done');
    expect(next.context.state).toMatchObject({ failure: { step: 'NotifySuccess' } });
  });
});
