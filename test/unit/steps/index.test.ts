import { describe, expect, it } from 'vitest';
import { FatalError } from '../../../src/domain/errors.ts';
import { SAGA_STEP_NAMES, type StepPayload } from '../../../src/domain/saga.ts';
import type { SagaState } from '../../../src/domain/saga-state.ts';
import { dispatchStep, STEPS } from '../../../src/steps/index.ts';
import { createFakes } from '../../support/fake-ports.ts';
import { EXECUTION, sagaState } from './fixtures.ts';

const payload = (overrides: Partial<StepPayload> & Record<string, unknown>): StepPayload => ({
  step: 'NotifySuccess',
  machine: 'onboarding',
  execution: EXECUTION,
  state: sagaState('basic'),
  ...overrides,
});

describe('STEPS', () => {
  it('has an implementation for every saga step name (the rollout has its own dispatch)', () => {
    // Prepare
    const names = [...SAGA_STEP_NAMES].sort();
    // Act
    const implemented = Object.keys(STEPS).sort();
    // Assess
    expect(implemented).toEqual(names);
  });
});

describe('dispatchStep', () => {
  it('runs the named step on the saga state', async () => {
    // Prepare
    const fakes = createFakes();
    // Act
    const next = await dispatchStep(payload({}), fakes.deps);
    // Assess
    expect((next as SagaState).statusEvent).toEqual(fakes.events.published[0]);
    expect(fakes.events.published).toHaveLength(1);
  });

  it('hands ValidateRequest the raw input', async () => {
    // Prepare
    const fakes = createFakes();
    const raw = { tenantId: 'acme', tenantRegistrationId: 'reg-1', tier: 'advanced' };
    // Act
    const next = await dispatchStep(payload({ step: 'ValidateRequest', state: raw }), fakes.deps);
    // Assess
    expect(next).toMatchObject({
      request: { operation: 'onboard', tenantId: 'acme' },
      execution: EXECUTION,
      resources: {},
    });
  });

  it('refuses an unknown step name', async () => {
    // Prepare
    const fakes = createFakes();
    const bad = { ...payload({}), step: 'DropTables' };
    // Act
    // @ts-expect-error: the dispatcher must hold up against payloads the types would not allow.
    const run = dispatchStep(bad, fakes.deps);
    // Assess
    await expect(run).rejects.toThrow(new FatalError('unknown step "DropTables"'));
  });

  it('refuses a state that is not a saga state, naming the field', async () => {
    // Prepare
    const fakes = createFakes();
    const state = { ...sagaState(), request: { ...sagaState().request, tenantId: '../etc' } };
    // Act
    const run = dispatchStep(payload({ step: 'CreateTargetGroup', state }), fakes.deps);
    // Assess
    await expect(run).rejects.toThrow(
      new FatalError(
        'state.request.tenantId: must be 1-64 letters, digits, "-" or "_", starting with a letter or digit',
      ),
    );
    expect(fakes.elb.calls).toEqual([]);
  });

  it('keeps keys it does not know', async () => {
    // Prepare
    const fakes = createFakes();
    const state = { ...sagaState('basic'), extra: { kept: true } };
    // Act
    const next = await dispatchStep(payload({ state }), fakes.deps);
    // Assess
    expect(next).toMatchObject({ extra: { kept: true } });
  });

  it('sends the failure event for an input that never validated', async () => {
    // Prepare
    const fakes = createFakes();
    const state = {
      tenantRegistrationId: 'reg-1',
      tier: 'gold',
      failure: {
        step: 'ValidateRequest',
        error: { Error: 'ValidationError', Cause: 'detail.tenantId: is required' },
      },
    };
    // Act
    const next = await dispatchStep(payload({ step: 'NotifyFailure', state }), fakes.deps);
    // Assess
    expect(fakes.events.published.map((event) => event.detailType)).toEqual(['sbt_aws_provisionFailure']);
    expect((next as SagaState).statusEvent).toEqual(fakes.events.published[0]);
  });

  it('lets MarkFailed pass an input that never validated through untouched', async () => {
    // Prepare
    const fakes = createFakes();
    const state = {
      anything: 1,
      failure: { step: 'ValidateRequest', error: { Error: 'ValidationError', Cause: 'x' } },
    };
    // Act
    const next = await dispatchStep(
      payload({ step: 'MarkFailed', machine: 'offboarding', state }),
      fakes.deps,
    );
    // Assess
    expect(next).toEqual(state);
    expect(fakes.tenants.calls).toEqual([]);
  });
});
