import { describe, expect, it } from 'vitest';
import { parseLifecycleInput } from '../../../events/index.ts';
import type { Operation } from '../../../src/domain/operations.ts';
import type { TenantRequest } from '../../../src/domain/request.ts';
import { testConfig } from '../../support/fake-ports.ts';

const { contract, catalogue } = testConfig();
const TENANT = '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d';
const REGISTRATION = '3c4d5e6f-7a8b-4c9d-8e0f-a1b2c3d4e5f6';

const options = (accepts: readonly Operation[]) => ({ contract, catalogue, accepts });

const rejectedField = (result: ReturnType<typeof parseLifecycleInput>): string =>
  result.ok ? 'accepted' : result.error.field;

describe('parseLifecycleInput: plain requests (started by hand)', () => {
  it('reads a request with an explicit operation, without an event id', () => {
    // Prepare
    const raw = {
      operation: 'offboard',
      tenantId: TENANT,
      tenantRegistrationId: REGISTRATION,
      tier: 'premium',
      note: 'x',
    };

    // Act
    const result = parseLifecycleInput(raw, options(['offboard']));

    // Assess
    expect(result).toStrictEqual({
      ok: true,
      request: {
        operation: 'offboard',
        tenantId: TENANT,
        tenantRegistrationId: REGISTRATION,
        tenantName: TENANT,
        tier: 'premium',
        attributes: { note: 'x' },
      },
    });
  });

  it('takes the only accepted operation when none is given', () => {
    // Prepare
    const raw = { tenantId: TENANT, tenantRegistrationId: REGISTRATION };

    // Act
    const result = parseLifecycleInput(raw, options(['onboard']));

    // Assess
    expect(result.ok && result.request.operation).toBe('onboard');
  });

  it('asks for the operation when several are accepted and none is given, salvaging the ids', () => {
    // Prepare
    const raw = { tenantId: TENANT, tenantRegistrationId: REGISTRATION };

    // Act
    const result = parseLifecycleInput(raw, options(['activate', 'deactivate']));

    // Assess
    expect(rejectedField(result)).toBe('operation');
    expect(result).toMatchObject({ tenantId: TENANT, tenantRegistrationId: REGISTRATION });
    expect(result).not.toHaveProperty('operation');
  });

  it.each([
    ['an unknown operation', 'provision', undefined],
    ['an operation this workflow does not take', 'offboard', 'offboard'],
  ])('rejects %s on `operation`', (_label, operation, salvaged) => {
    // Prepare
    const raw = { operation, tenantId: TENANT, tenantRegistrationId: REGISTRATION };

    // Act
    const result = parseLifecycleInput(raw, options(['onboard']));

    // Assess
    expect(rejectedField(result)).toBe('operation');
    expect(result.ok ? 'accepted' : result.operation).toBe(salvaged);
  });

  it('names detail fields like an event does', () => {
    // Prepare
    const raw = { operation: 'onboard', tenantId: TENANT, tenantRegistrationId: REGISTRATION, tier: 'gold' };

    // Act
    const result = parseLifecycleInput(raw, options(['onboard']));

    // Assess
    expect(rejectedField(result)).toBe('detail.tier');
    expect(result).toMatchObject({
      operation: 'onboard',
      tenantId: TENANT,
      tenantRegistrationId: REGISTRATION,
    });
  });

  it.each([
    ['a string', 'onboard'],
    ['an array', []],
    ['null', null],
    ['a number', 3],
  ])('rejects %s as input on `detail`', (_label, raw) => {
    // Act
    const result = parseLifecycleInput(raw, options(['onboard']));

    // Assess
    expect(result).toEqual({
      ok: false,
      error: expect.objectContaining({ field: 'detail', name: 'ValidationError' }),
    });
  });
});

describe('parseLifecycleInput: saved saga states (restarted executions)', () => {
  const saved: TenantRequest = {
    operation: 'activate',
    tenantId: TENANT,
    tenantRegistrationId: REGISTRATION,
    tenantName: 'acme',
    tier: 'advanced',
    eventId: 'e1',
    attributes: { email: 'ops@acme.example' },
  };

  it('re-validates and returns the saved request', () => {
    // Prepare
    const raw = { request: saved, execution: 'activate-x-12345678', resources: {} };

    // Act
    const result = parseLifecycleInput(raw, options(['activate', 'deactivate']));

    // Assess
    expect(result).toStrictEqual({ ok: true, request: saved });
  });

  it('keeps a saved request without an event id free of one', () => {
    // Prepare
    const { eventId: _dropped, ...byHand } = saved;

    // Act
    const result = parseLifecycleInput(
      { request: byHand, execution: 'e', resources: {} },
      options(['activate']),
    );

    // Assess
    expect(result).toStrictEqual({ ok: true, request: byHand });
  });

  it.each([
    ['an unsafe tenant id', { tenantId: 'a b' }, 'request.tenantId'],
    ['a tier that is not a string', { tier: 42 }, 'request.tier'],
    ['a missing attributes record', { attributes: undefined }, 'request.attributes'],
    ['an unknown operation', { operation: 'wipe' }, 'request.operation'],
    ['an operation this workflow does not take', { operation: 'onboard' }, 'request.operation'],
  ])('rejects %s', (_label, change, field) => {
    // Prepare
    const raw = { request: { ...saved, ...change }, execution: 'e', resources: {} };

    // Act
    const result = parseLifecycleInput(raw, options(['activate']));

    // Assess
    expect(rejectedField(result)).toBe(field);
    expect(result).toMatchObject({ tenantRegistrationId: REGISTRATION });
  });

  it("resolves a restarted onboarding's tier through the catalogue, refusing one it does not know", () => {
    // Prepare
    const onboarding = (tier: string) => ({
      request: { ...saved, operation: 'onboard', tier },
      execution: 'e',
      resources: {},
    });

    // Act
    const alias = parseLifecycleInput(onboarding('Standard'), options(['onboard']));
    const unknown = parseLifecycleInput(onboarding('gold'), options(['onboard']));

    // Assess
    expect(alias.ok && alias.request.tier).toBe('advanced');
    expect(rejectedField(unknown)).toBe('request.tier');
  });

  it('rejects a request that is not an object on `request`', () => {
    // Act
    const result = parseLifecycleInput({ request: 'activate', execution: 'e' }, options(['activate']));

    // Assess
    expect(rejectedField(result)).toBe('request');
  });
});
