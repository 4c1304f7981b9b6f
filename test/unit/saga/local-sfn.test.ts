import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FatalError, NotReadyError, ThrottledError } from '../../../src/domain/errors.ts';
import { lambdaStyleError, runAslLocally } from '../../../src/saga/local-sfn.ts';
import { runSaga } from '../../../src/saga/run.ts';
import { MACHINE_IDS } from '../../../src/saga-contract.ts';
import { aslDefinitionSchema } from '../../../state-machines/asl.ts';
import { aslPath } from '../../../state-machines/build.ts';
import { calledSteps, fakeDispatch, type Script } from './support/fake-dispatch.ts';

const committed = (machine: (typeof MACHINE_IDS)[number]) =>
  aslDefinitionSchema.parse(JSON.parse(readFileSync(aslPath(machine), 'utf8')));
const input = { detail: { tenantId: 't-1' } };
const local = { execution: 'exec-1', waitMs: 1, retryMs: 0 };
const inProcess = { execution: 'exec-1', healthPollMs: 1, retryDelayMs: 0 };

describe('the committed ASL on aws-local-stepfunctions', () => {
  it.each(MACHINE_IDS)('%s runs to Succeed and matches the xstate engine', async (machine) => {
    // Prepare
    const script: Script = { tier: 'premium', unhealthyPolls: 1 };

    // Act
    const onAsl = await runAslLocally(committed(machine), input, {
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
    await runAslLocally(committed('activation'), input, { ...local, dispatch });

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
    const result = await runAslLocally(committed('onboarding'), input, { ...local, dispatch });

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
      error: () => new NotReadyError('draining'),
    };
    const dispatch = fakeDispatch(script);

    // Act
    const onAsl = await runAslLocally(committed('onboarding'), input, { ...local, dispatch });
    const onXstate = await runSaga('onboarding', input, { ...inProcess, dispatch: fakeDispatch(script) });

    // Assess
    expect(calledSteps(dispatch).filter((step) => step === 'WaitForHealthy')).toHaveLength(6);
    expect(onAsl.state).toMatchObject({
      failure: {
        step: 'WaitForHealthy',
        error: {
          Error: 'NotReadyError',
          Cause: JSON.stringify({ errorType: 'NotReadyError', errorMessage: 'draining' }),
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
    const onAsl = await runAslLocally(committed('onboarding'), input, { ...local, dispatch: dispatchFor() });
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
