import { describe, expect, it } from 'vitest';
import { FatalError, RetryableError, ThrottledError } from '../../../../src/domain/errors.ts';
import { MACHINE_IDS, type MachineId, type StepPayload } from '../../../../src/domain/saga.ts';
import { committedDefinition, lambdaStyleError, runAsl } from '../../../../src/local/engines/asl.ts';
import { runSaga } from '../../../../src/local/engines/xstate.ts';
import { calledSteps, fakeDispatch, type Script } from './support/fake-dispatch.ts';

/** The committed ASL run locally, its end told the way the xstate engine tells it. */
const runAslLocally = async (
  machine: MachineId,
  input: unknown,
  options: {
    execution: string;
    waitMs: number;
    retryMs: number;
    dispatch: (payload: StepPayload) => Promise<unknown>;
  },
) => {
  const end = await runAsl(committedDefinition(machine), input, options);
  return { status: end.status === 'SUCCEEDED' ? 'succeeded' : 'failed', state: end.output, steps: end.steps };
};
const input = { detail: { tenantId: 't-1' } };
const local = { execution: 'exec-1', waitMs: 1, retryMs: 0 };
const inProcess = { execution: 'exec-1', waitMs: 1, retryDelayMs: 0 };

describe('the committed ASL on aws-local-stepfunctions', () => {
  it.each(MACHINE_IDS)('%s runs to Succeed and matches the xstate engine', async (machine) => {
    // Prepare
    const script: Script = { tier: 'premium', unhealthyPolls: 1 };

    // Act
    const onAsl = await runAslLocally(machine, input, {
      ...local,
      dispatch: fakeDispatch(script),
    });
    const onXstate = await runSaga(machine, input, { ...inProcess, dispatch: fakeDispatch(script) });

    // Assess
    expect(onAsl.status).toBe('succeeded');
    expect(onAsl).toEqual(onXstate);
  });

  it('hands each Task the step, machine, execution name and the document', async () => {
    // Prepare
    const dispatch = fakeDispatch({ tier: 'basic' });

    // Act
    await runAslLocally('activation', input, { ...local, dispatch });

    // Assess
    expect(dispatch.mock.calls[0]?.[0]).toEqual({
      step: 'ValidateRequest',
      machine: 'activation',
      execution: 'exec-1',
      state: input,
    });
    expect(dispatch.mock.calls[1]?.[0]).toMatchObject({
      step: 'LockTenant',
      state: { request: { tier: 'basic' } },
    });
  });

  it("retries a thrown error by its name: the Retry's ErrorEquals matches Error.name", async () => {
    // Prepare
    const script: Script = {
      tier: 'advanced',
      failAt: 'CreateTargetGroup',
      times: 2,
      error: () => new ThrottledError('rate'),
    };
    const dispatch = fakeDispatch(script);

    // Act
    const result = await runAslLocally('onboarding', input, { ...local, dispatch });

    // Assess
    expect(result.status).toBe('succeeded');
    expect(calledSteps(dispatch).filter((step) => step === 'CreateTargetGroup')).toHaveLength(3);
  });

  it('catches past the retry budget and records {Error, Cause} as Lambda would, like the xstate engine', async () => {
    // Prepare
    const script: Script = {
      tier: 'premium',
      failAt: 'WaitForHealthy',
      times: 6,
      error: () => new RetryableError('flaky'),
    };
    const dispatch = fakeDispatch(script);

    // Act
    const onAsl = await runAslLocally('onboarding', input, { ...local, dispatch });
    const onXstate = await runSaga('onboarding', input, { ...inProcess, dispatch: fakeDispatch(script) });

    // Assess
    expect(calledSteps(dispatch).filter((step) => step === 'WaitForHealthy')).toHaveLength(6);
    expect(onAsl.state).toMatchObject({
      failure: {
        step: 'WaitForHealthy',
        error: {
          Error: 'RetryableError',
          Cause: JSON.stringify({ errorType: 'RetryableError', errorMessage: 'flaky' }),
        },
      },
    });
    expect(onAsl).toEqual(onXstate);
  });

  it('does not retry a fatal error, and a failed compensation is recorded like in the xstate engine', async () => {
    // Prepare
    const script: Script = {
      tier: 'premium',
      failAt: 'DeleteCluster',
      error: () => new FatalError('in use'),
    };
    const failing = fakeDispatch({ tier: 'premium', failAt: 'CreateService' });
    const dispatchFor = () => {
      const compensation = fakeDispatch(script);
      return async (payload: Parameters<typeof failing>[0]) =>
        payload.step === 'DeleteCluster' ? compensation(payload) : failing(payload);
    };

    // Act
    const onAsl = await runAslLocally('onboarding', input, { ...local, dispatch: dispatchFor() });
    const onXstate = await runSaga('onboarding', input, { ...inProcess, dispatch: dispatchFor() });

    // Assess
    expect(onAsl.status).toBe('failed');
    expect(onAsl.state).toMatchObject({ compensationErrors: { DeleteCluster: { Error: 'FatalError' } } });
    expect(calledSteps(failing).filter((step) => step === 'CreateService')).toHaveLength(2);
    expect(onAsl).toEqual(onXstate);
  });
});

describe('lambdaStyleError', () => {
  it('keeps the name and carries the Lambda runtime report as the message', () => {
    // Prepare
    const error = new ThrottledError('rate');

    // Act
    const wrapped = lambdaStyleError(error);

    // Assess
    expect(wrapped.name).toBe('ThrottledError');
    expect(wrapped.message).toBe('{"errorType":"ThrottledError","errorMessage":"rate"}');
    expect(wrapped.cause).toBe(error);
  });
});
