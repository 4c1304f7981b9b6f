import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/domain/errors.ts';
import { validateRequest } from '../../../src/steps/validate.ts';
import { createFakes } from '../../support/fake-ports.ts';
import { context, placement } from './fixtures.ts';

const event = (detailType: string, detail: Record<string, unknown>) => ({
  version: '0',
  id: 'evt-1',
  'detail-type': detailType,
  source: 'sbt.control.plane',
  account: '123456789012',
  time: '2025-06-02T09:20:41Z',
  region: 'us-east-1',
  resources: [],
  detail,
});

const DETAIL = {
  tenantName: 'Acme',
  tier: 'premium',
  email: 'ops@acme.example',
  tenantRegistrationId: 'reg-1',
  tenantId: 'acme',
};

describe('ValidateRequest', () => {
  it('turns an onboarding event into a fresh saga state', async () => {
    // Prepare
    const fakes = createFakes();
    // Act
    const state = await validateRequest(
      event('sbt_aws_onboardingRequest', DETAIL),
      fakes.deps,
      context('onboarding', 'x-1'),
    );
    // Assess
    expect(state).toEqual({
      request: expect.objectContaining({
        operation: 'onboard',
        tenantId: 'acme',
        tenantRegistrationId: 'reg-1',
        tier: 'premium',
        eventId: 'evt-1',
      }),
      execution: 'x-1',
      placement: placement('premium'),
      resources: {},
    });
    expect(fakes.tenants.calls).toEqual([]);
  });

  it('resolves an alias to its catalogue tier and that tier to its placement, once', async () => {
    const fakes = createFakes();
    const state = await validateRequest(
      event('sbt_aws_onboardingRequest', { ...DETAIL, tier: 'Standard' }),
      fakes.deps,
      context('onboarding', 'x-3'),
    );
    expect(state.request.tier).toBe('advanced');
    expect(state.placement).toEqual(placement('advanced'));
  });

  it('accepts activate and deactivate on the activation machine', async () => {
    // Prepare
    const fakes = createFakes();
    const input = { operation: 'deactivate', tenantId: 'acme', tenantRegistrationId: 'reg-1' };
    // Act
    const state = await validateRequest(input, fakes.deps, context('activation', 'x-2'));
    // Assess
    expect(state.request.operation).toBe('deactivate');
    // The record decides the tier and placement of everything but an onboarding.
    expect(state.request.tier).toBeUndefined();
    expect(state.placement).toBeUndefined();
  });

  it('rejects an operation the machine does not carry out', async () => {
    // Prepare
    const fakes = createFakes();
    // Act
    const run = validateRequest(
      event('sbt_aws_onboardingRequest', DETAIL),
      fakes.deps,
      context('offboarding'),
    );
    // Assess
    await expect(run).rejects.toMatchObject({ name: 'ValidationError', field: 'detail-type' });
  });

  it('rejects an unknown tier, naming the field', async () => {
    // Prepare
    const fakes = createFakes();
    // Act
    const run = validateRequest(
      event('sbt_aws_onboardingRequest', { ...DETAIL, tier: 'gold' }),
      fakes.deps,
      context('onboarding'),
    );
    // Assess
    await expect(run).rejects.toBeInstanceOf(ValidationError);
    await expect(run).rejects.toMatchObject({ field: 'detail.tier' });
  });
});
