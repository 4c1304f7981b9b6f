import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contractConfig, parseLifecycleInput, SBT_NAMES } from '../../../events/index.ts';
import { ValidationError } from '../../../src/domain/errors.ts';
import { detail, EVENT_ID, event, options, REGISTRATION, rejectedField, TENANT } from './fixtures.ts';

describe('parseLifecycleInput: EventBridge events', () => {
  it('reads an onboarding event into a request, keeping unknown fields as attributes', () => {
    // Prepare
    const raw = event(detail({ registrationStatus: 'In progress', email: 'ops@acme.example', prices: [] }));

    // Act
    const result = parseLifecycleInput(raw, options());

    // Assess
    expect(result).toStrictEqual({
      ok: true,
      request: {
        operation: 'onboard',
        tenantId: TENANT,
        tenantRegistrationId: REGISTRATION,
        tenantName: 'acme',
        tier: 'advanced',
        attributes: { registrationStatus: 'In progress', email: 'ops@acme.example', prices: [] },
        eventId: EVENT_ID,
      },
    });
  });

  it('refuses extra fields too big to carry through the saga, naming detail, the size and the biggest field', () => {
    // Prepare: 32 KiB of extra fields, as JSON, is the most a saga state carries.
    const extra = (notes: number) => ({ notes: 'x'.repeat(notes), email: 'ops@acme.example' });
    const overhead = JSON.stringify(extra(0)).length;
    const atLimit = event(detail(extra(32 * 1024 - overhead)));
    const overLimit = event(detail(extra(32 * 1024 - overhead + 1)));

    // Act
    const accepted = parseLifecycleInput(atLimit, options());
    const refused = parseLifecycleInput(overLimit, options());

    // Assess
    expect(accepted.ok && JSON.stringify(accepted.request.attributes).length).toBe(32 * 1024);
    expect(refused).toMatchObject({
      ok: false,
      operation: 'onboard',
      tenantId: TENANT,
      tenantRegistrationId: REGISTRATION,
      error: {
        field: 'detail',
        message:
          'detail: extra fields take 32769 bytes as JSON, over the 32768 carried through the saga; the biggest is "notes"',
      },
    });
    expect(refused.ok || refused.error).toBeInstanceOf(ValidationError);
  });

  it('counts the extra fields in UTF-8 bytes, not characters', () => {
    // Prepare: 11,000 three-byte characters are 33,000 bytes but only 11,000 characters.
    const raw = event(detail({ motto: '租'.repeat(11_000) }));

    // Act
    const result = parseLifecycleInput(raw, options());

    // Assess
    expect(result.ok ? 'accepted' : result.error.message).toMatch(
      /^detail: extra fields take 33012 bytes as JSON/,
    );
  });

  it.each([
    ['sbt_aws_offboardingRequest', 'sbt.control.plane', 'offboard'],
    ['offboardingRequest', 'controlPlaneEventSource', 'offboard'],
    ['sbt_aws_activateRequest', 'sbt.control.plane', 'activate'],
    ['deactivateRequest', 'sbt.control.plane', 'deactivate'],
    ['onboardingRequest', 'controlPlaneEventSource', 'onboard'],
  ] as const)('maps detail-type %s from %s to %s', (detailType, source, operation) => {
    // Prepare
    const raw = event(detail(), { 'detail-type': detailType, source });

    // Act
    const result = parseLifecycleInput(raw, options([operation]));

    // Assess
    expect(result.ok && result.request.operation).toBe(operation);
  });

  it('honours a configured detail-type prefix and still accepts the canonical and bare names', () => {
    // Prepare
    const custom = contractConfig({ ...SBT_NAMES, detailTypePrefix: 'acme_' });
    const names = ['acme_onboardingRequest', 'sbt_aws_onboardingRequest', 'onboardingRequest'];

    // Act
    const results = names.map((name) =>
      parseLifecycleInput(event(detail(), { 'detail-type': name }), { ...options(), contract: custom }),
    );

    // Assess
    expect(results.map((result) => result.ok)).toEqual([true, true, true]);
  });

  it('rejects a source that is not the control plane, naming `source` and salvaging the ids', () => {
    // Prepare
    const raw = event(detail(), { source: 'evil.plane' });

    // Act
    const result = parseLifecycleInput(raw, options());

    // Assess
    expect(result).toMatchObject({
      ok: false,
      operation: 'onboard',
      tenantId: TENANT,
      tenantRegistrationId: REGISTRATION,
    });
    expect(rejectedField(result)).toBe('source');
  });

  it('rejects an unknown detail-type without naming an operation', () => {
    // Prepare
    const raw = event(detail(), { 'detail-type': 'sbt_aws_provisionSuccess' });

    // Act
    const result = parseLifecycleInput(raw, options());

    // Assess
    expect(rejectedField(result)).toBe('detail-type');
    expect(result).not.toHaveProperty('operation');
    expect(result).toHaveProperty('tenantRegistrationId', REGISTRATION);
  });

  it('rejects an operation this workflow does not accept on `detail-type`, keeping the operation', () => {
    // Prepare
    const raw = event(detail(), { 'detail-type': 'sbt_aws_offboardingRequest' });

    // Act
    const result = parseLifecycleInput(raw, options(['onboard']));

    // Assess
    expect(rejectedField(result)).toBe('detail-type');
    expect(result).toHaveProperty('operation', 'offboard');
    expect(result.ok ? '' : result.error.message).toBe(
      'detail-type: is a offboard request; this workflow accepts onboard',
    );
  });

  it('rejects an envelope without an id, naming `id`', () => {
    // Prepare
    const raw = event(detail(), { id: undefined });

    // Act
    const result = parseLifecycleInput(raw, options());

    // Assess
    expect(rejectedField(result)).toBe('id');
    expect(result).toMatchObject({ operation: 'onboard', tenantRegistrationId: REGISTRATION });
  });
});

describe('parseLifecycleInput: never throws', () => {
  it('returns a rejection for any JSON value', () => {
    // Prepare
    const inputs = fc.oneof(
      fc.jsonValue(),
      fc.record({ detail: fc.jsonValue(), source: fc.string(), 'detail-type': fc.string() }),
    );

    // Act
    const check = () =>
      fc.assert(
        fc.property(inputs, (raw) => {
          const result = parseLifecycleInput(raw, options(['onboard', 'offboard']));
          return result.ok ? result.request.tenantId.length > 0 : result.error instanceof ValidationError;
        }),
      );

    // Assess
    expect(check).not.toThrow();
  });

  it('turns an input whose getter throws into a ValidationError on `input`', () => {
    // Prepare
    const raw = Object.defineProperty({}, 'tenantId', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });

    // Act
    const result = parseLifecycleInput(raw, options());

    // Assess
    expect(rejectedField(result)).toBe('input');
  });
});
