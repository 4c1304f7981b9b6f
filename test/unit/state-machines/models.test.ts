import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { toCaughtError } from '../../../state-machines/caught-error.ts';
import { activationMachine, offboardingMachine, onboardingMachine } from '../../../state-machines/index.ts';
import { chainStepsOf } from '../../support/resource-steps.ts';
import { fatal } from './support/model-paths.ts';

const input = { execution: 'exec-1', input: { raw: 'event' } };
const done = (step: string, output: unknown) => ({ type: `xstate.done.actor.${step}`, output });
const failed = (step: string) => ({ type: `xstate.error.actor.${step}`, error: fatal(step) });
const PLACEMENT = {
  basic: { tier: 'basic', cluster: 'shared', service: 'pooled' },
  advanced: { tier: 'advanced', cluster: 'shared', service: 'own' },
  premium: { tier: 'premium', cluster: 'dedicated', service: 'own' },
} as const;
const saga = (tier: keyof typeof PLACEMENT, extra: Record<string, unknown> = {}) => ({
  request: { tier },
  placement: PLACEMENT[tier],
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
    // Its chain's entry: the first kind of an own service (its tables: none for this tier, a step
    // that returns at once).
    ['advanced', 'CreateTables'],
    ['basic', 'ActivateTenant'],
  ] as const)(
    'after RemoveLeftovers and AdmitTenant, a %s placement goes to %s with the step output as its state',
    (tier, next) => {
      // Prepare
      const [start] = initialTransition(onboardingMachine, input);
      const [validated] = transition(onboardingMachine, start, done('ValidateRequest', saga(tier)));
      const [reserved] = transition(onboardingMachine, validated, done('ReserveTenant', saga(tier)));
      const [cleaned] = transition(onboardingMachine, reserved, done('RemoveLeftovers', saga(tier)));

      // Act
      const [placed] = transition(
        onboardingMachine,
        cleaned,
        done('AdmitTenant', saga(tier, { reserved: true })),
      );

      // Assess
      expect([reserved.value, cleaned.value, placed.value]).toEqual(['RemoveLeftovers', 'AdmitTenant', next]);
      expect(placed.context.state).toEqual(saga(tier, { reserved: true }));
    },
  );

  it('decides by what the placement can do, not by the name of its tier', () => {
    // Prepare: a catalogue tier of any name with its own cluster.
    const gold = {
      request: { tier: 'gold' },
      placement: { tier: 'gold', cluster: 'dedicated', service: 'own' },
      resources: {},
    };
    const snapshot = onboardingMachine.resolveState({
      value: 'AdmitTenant',
      context: { machine: 'onboarding', execution: 'e', state: gold },
    });

    // Act
    const [next] = transition(onboardingMachine, snapshot, done('AdmitTenant', gold));

    // Assess
    expect(next.value).toBe('CreateCluster');
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
    const [cleaned] = transition(onboardingMachine, reserved, done('RemoveLeftovers', saga('advanced')));
    const [admitted] = transition(onboardingMachine, cleaned, done('AdmitTenant', saga('advanced')));
    let snapshot = admitted;
    for (const step of chainStepsOf('advanced')) {
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
      'InviteAdmin',
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

  it('after a failed activation, asks whether its write went through before undoing anything', () => {
    // Prepare
    const snapshot = onboardingMachine.resolveState({
      value: 'ActivateTenant',
      context: { machine: 'onboarding', execution: 'e', state: saga('basic') },
    });

    // Act
    const [confirming] = transition(onboardingMachine, snapshot, failed('ActivateTenant'));
    const [undone] = transition(
      onboardingMachine,
      confirming,
      done('ConfirmCommitted', { ...saga('basic'), committed: false }),
    );
    const [reported] = transition(
      onboardingMachine,
      confirming,
      done('ConfirmCommitted', { ...saga('basic'), committed: true }),
    );

    // Assess: not committed, the compensation chain (nothing to do for a pool); committed, success.
    expect(confirming.value).toBe('ConfirmCommitted');
    expect(undone.value).toBe('DeleteUserPool');
    expect(reported.value).toBe('NotifySuccess');
  });

  it('marks the tenant failed when the leftovers of an earlier placement cannot be removed', () => {
    const snapshot = onboardingMachine.resolveState({
      value: 'RemoveLeftovers',
      context: { machine: 'onboarding', execution: 'e', state: saga('advanced') },
    });
    const [next] = transition(onboardingMachine, snapshot, failed('RemoveLeftovers'));
    expect(next.value).toBe('MarkFailed');
  });
});

describe('offboarding and activation models (pure transitions)', () => {
  it('offboarding waits while another execution holds the tenant, and deletes once it has it', () => {
    // Prepare
    const at = offboardingMachine.resolveState({
      value: 'LockTenant',
      context: { machine: 'offboarding', execution: 'e', state: saga('premium') },
    });

    // Act
    const [waiting] = transition(
      offboardingMachine,
      at,
      done('LockTenant', saga('premium', { lockWait: { held: false, attempts: 1 } })),
    );
    const [again] = transition(offboardingMachine, waiting, {
      type: 'xstate.after.lockPoll.offboarding.WaitForLock',
    });
    const [locked] = transition(
      offboardingMachine,
      again,
      done('LockTenant', saga('premium', { lockWait: { held: true, attempts: 2 } })),
    );

    // Assess
    expect([waiting.value, again.value, locked.value]).toEqual([
      'WaitForLock',
      'LockTenant',
      'DeleteUserPool',
    ]);
  });

  it('a failure at or after the lock goes through MarkFailed (which frees a lock it took, and nothing else)', () => {
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
    expect([afterScale.value, afterLock.value]).toEqual(['MarkFailed', 'MarkFailed']);
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
