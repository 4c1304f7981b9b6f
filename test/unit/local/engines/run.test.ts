import { describe, expect, it } from 'vitest';
import { RetryableError, ThrottledError } from '../../../../src/domain/errors.ts';
import { runSaga, type StepEvent } from '../../../../src/local/engines/xstate.ts';
import { CREATION_CHAIN, REMOVAL_CHAIN } from '../../../support/resource-steps.ts';
import { calledSteps, fakeDispatch } from './support/fake-dispatch.ts';

const fast = { execution: 'exec-1', waitMs: 1, retryDelayMs: 0 };
const input = { detail: { tenantId: 't-1' } };

const CREATE = CREATION_CHAIN;
const REMOVE = REMOVAL_CHAIN;

const PREMIUM = [
  'ValidateRequest',
  'ReserveTenant',
  'RemoveLeftovers',
  'AdmitTenant',
  ...CREATE,
  'WaitForHealthy',
  'InviteAdmin',
  'ActivateTenant',
  'NotifySuccess',
];

/** The removals undoing creation step `step` and every one before it, in reverse (its own first). */
const undoFrom = (step: string) => REMOVE.slice(REMOVE.length - 1 - CREATE.indexOf(step as never));

/** What runs after each forward step of a premium onboarding fails (the brief's compensation order). */
// A failed forward step is undone first (it may have created its resource before failing), then the
// completed ones in reverse.
const PREMIUM_UNDO: Record<string, string[]> = {
  ValidateRequest: ['NotifyFailure'],
  // The lock may be taken: MarkFailed frees it if so (and does nothing otherwise).
  ReserveTenant: ['MarkFailed', 'NotifyFailure'],
  RemoveLeftovers: ['MarkFailed', 'NotifyFailure'],
  AdmitTenant: ['MarkFailed', 'NotifyFailure'],
  ...Object.fromEntries(CREATE.map((step) => [step, [...undoFrom(step), 'MarkFailed', 'NotifyFailure']])),
  WaitForHealthy: [...REMOVE, 'MarkFailed', 'NotifyFailure'],
  InviteAdmin: [...REMOVE, 'MarkFailed', 'NotifyFailure'],
  // Its one write ends the onboarding: first asked whether it went through (here it did not).
  ActivateTenant: ['ConfirmCommitted', ...REMOVE, 'MarkFailed', 'NotifyFailure'],
  NotifySuccess: [],
};

describe('runSaga: onboarding', () => {
  it.each([
    ['premium', PREMIUM],
    ['advanced', PREMIUM.filter((step) => step !== 'CreateCluster')],
    [
      'basic',
      [
        'ValidateRequest',
        'ReserveTenant',
        'RemoveLeftovers',
        'AdmitTenant',
        'ActivateTenant',
        'NotifySuccess',
      ],
    ],
  ] as const)('a %s tenant succeeds through its tier steps', async (tier, expected) => {
    // Prepare
    const dispatch = fakeDispatch({ tier });

    // Act
    const result = await runSaga('onboarding', input, { ...fast, dispatch });

    // Assess
    expect(result.status).toBe('succeeded');
    expect(result.steps).toEqual(expected);
    expect(result.state).toMatchObject({ trail: expected.slice(1), request: { tier } });
  });

  it.each(Object.keys(PREMIUM_UNDO))(
    'a premium failure at %s runs the compensations in reverse order',
    async (step) => {
      // Prepare
      const dispatch = fakeDispatch({ tier: 'premium', failAt: step });
      const before = PREMIUM.slice(0, PREMIUM.indexOf(step) + 1);

      // Act
      const result = await runSaga('onboarding', input, { ...fast, dispatch });

      // Assess
      expect(result.status).toBe('failed');
      expect(result.steps).toEqual([...before, ...(PREMIUM_UNDO[step] ?? [])]);
      expect(result.state).toMatchObject({
        failure: {
          step,
          error: {
            Error: 'FatalError',
            Cause: JSON.stringify({ errorType: 'FatalError', errorMessage: `${step} broke` }),
          },
        },
      });
    },
  );

  it('a basic tenant whose activation fails goes through the same undo chain, then is marked failed', async () => {
    // Prepare
    const dispatch = fakeDispatch({ tier: 'basic', failAt: 'ActivateTenant' });

    // Act
    const result = await runSaga('onboarding', input, { ...fast, dispatch });

    // Assess
    expect(result.steps).toEqual([
      'ValidateRequest',
      'ReserveTenant',
      'RemoveLeftovers',
      'AdmitTenant',
      'ActivateTenant',
      ...(PREMIUM_UNDO.ActivateTenant ?? []),
    ]);
  });

  it('a failed compensation is recorded and the chain goes on', async () => {
    // Prepare
    const dispatch = fakeDispatch({ tier: 'advanced', failAt: 'CreateService' });
    const broken = fakeDispatch({ tier: 'advanced', failAt: 'DeleteTargetGroup' });
    const both = async (payload: Parameters<typeof dispatch>[0]) =>
      payload.step === 'DeleteTargetGroup' ? broken(payload) : dispatch(payload);

    // Act
    const result = await runSaga('onboarding', input, { ...fast, dispatch: both });

    // Assess
    expect(result.steps.slice(-7)).toEqual([
      'DeleteListenerRule',
      'DeleteTargetGroup',
      'DeregisterTaskDefinition',
      'DeleteTables',
      'DeleteCluster',
      'MarkFailed',
      'NotifyFailure',
    ]);
    expect(result.state).toMatchObject({
      compensationErrors: { DeleteTargetGroup: { Error: 'FatalError' } },
    });
  });

  it('polls health until the service is healthy', async () => {
    // Prepare
    const dispatch = fakeDispatch({ tier: 'advanced', unhealthyPolls: 2 });

    // Act
    const result = await runSaga('onboarding', input, { ...fast, dispatch });

    // Assess
    expect(result.status).toBe('succeeded');
    expect(result.steps.filter((step) => step === 'WaitForHealthy')).toHaveLength(3);
  });
});

describe('runSaga: retries (the ASL policy)', () => {
  it('retries a retryable error within its budget of 5 and succeeds', async () => {
    // Prepare
    const dispatch = fakeDispatch({
      tier: 'advanced',
      failAt: 'CreateService',
      times: 5,
      error: () => new ThrottledError('slow down'),
    });

    // Act
    const result = await runSaga('onboarding', input, { ...fast, dispatch });

    // Assess
    expect(result.status).toBe('succeeded');
    expect(calledSteps(dispatch).filter((step) => step === 'CreateService')).toHaveLength(6);
    expect(result.steps.filter((step) => step === 'CreateService')).toHaveLength(1);
  });

  it('gives up after the budget and compensates, recording the retryable error', async () => {
    // Prepare
    const dispatch = fakeDispatch({
      tier: 'advanced',
      failAt: 'CreateService',
      times: 6,
      error: () => new RetryableError('flaky'),
    });

    // Act
    const result = await runSaga('onboarding', input, { ...fast, dispatch });

    // Assess
    expect(result.status).toBe('failed');
    expect(calledSteps(dispatch).filter((step) => step === 'CreateService')).toHaveLength(6);
    expect(result.state).toMatchObject({
      failure: { step: 'CreateService', error: { Error: 'RetryableError' } },
    });
  });

  it('gives Lambda service errors their own budget of 6 retries', async () => {
    // Prepare
    const lambdaError = () => Object.assign(new Error('503'), { name: 'Lambda.ServiceException' });
    const dispatch = fakeDispatch({ tier: 'basic', failAt: 'ReserveTenant', times: 7, error: lambdaError });

    // Act
    const result = await runSaga('onboarding', input, { ...fast, dispatch });

    // Assess
    expect(calledSteps(dispatch)).toEqual([
      'ValidateRequest',
      ...Array(7).fill('ReserveTenant'),
      'MarkFailed',
      'NotifyFailure',
    ]);
    expect(result.state).toMatchObject({
      failure: { step: 'ReserveTenant', error: { Error: 'Lambda.ServiceException' } },
    });
  });
});

describe('runSaga: offboarding and activation', () => {
  it('offboards a premium tenant, deleting its cluster', async () => {
    // Prepare
    const dispatch = fakeDispatch({ tier: 'premium' });

    // Act
    const result = await runSaga('offboarding', input, { ...fast, dispatch });

    // Assess
    expect(result).toMatchObject({ status: 'succeeded' });
    expect(result.steps).toEqual([
      'ValidateRequest',
      'LockTenant',
      ...REMOVE,
      'RemoveTenant',
      'NotifySuccess',
    ]);
  });

  it('waits while another execution holds the tenant, then offboards', async () => {
    const dispatch = fakeDispatch({ tier: 'advanced', lockedLooks: 2 });
    const result = await runSaga('offboarding', input, { ...fast, dispatch });
    expect(result.status).toBe('succeeded');
    expect(result.steps.slice(0, 5)).toEqual([
      'ValidateRequest',
      'LockTenant',
      'LockTenant',
      'LockTenant',
      // The first removal: the tenant's user pool (nothing to do for this tier), then its service.
      'DeleteUserPool',
    ]);
  });

  it('marks the tenant failed when an offboarding deletion fails', async () => {
    // Prepare
    const dispatch = fakeDispatch({ tier: 'advanced', failAt: 'DeleteTargetGroup' });

    // Act
    const result = await runSaga('offboarding', input, { ...fast, dispatch });

    // Assess
    expect(result.status).toBe('failed');
    expect(result.steps.slice(-3)).toEqual(['DeleteTargetGroup', 'MarkFailed', 'NotifyFailure']);
  });

  it('reports each step as it starts and ends', async () => {
    // Prepare
    const dispatch = fakeDispatch({ tier: 'basic', failAt: 'ScaleService' });
    const events: StepEvent[] = [];

    // Act
    await runSaga('activation', input, { ...fast, dispatch, onStep: (event) => events.push(event) });

    // Assess
    expect(events.map((event) => `${event.step}:${event.phase}`)).toEqual([
      'ValidateRequest:start',
      'ValidateRequest:succeeded',
      'LockTenant:start',
      'LockTenant:succeeded',
      'ScaleService:start',
      'ScaleService:failed',
      'MarkFailed:start',
      'MarkFailed:succeeded',
      'NotifyFailure:start',
      'NotifyFailure:succeeded',
    ]);
    expect(events[5]?.error).toEqual({
      Error: 'FatalError',
      Cause: JSON.stringify({ errorType: 'FatalError', errorMessage: 'ScaleService broke' }),
    });
  });
});
