import { describe, expect, it } from 'vitest';
import { parseLifecycleInput } from '../../../events/index.ts';
import { ValidationError } from '../../../src/domain/errors.ts';
import { testConfig } from '../../support/fake-ports.ts';
import { detail, event, options, rejectedField, TENANT } from './fixtures.ts';

describe('parseLifecycleInput: detail rules', () => {
  it.each([
    ['a string', 'tenantId=abc', 'detail'],
    ['null', null, 'detail'],
    ['an array', [detail()], 'detail'],
    ['no tenantId', detail({ tenantId: undefined }), 'detail.tenantId'],
    ['a numeric tenantId', detail({ tenantId: 42 }), 'detail.tenantId'],
    ['a tenantId with a slash', detail({ tenantId: 'acme/../x' }), 'detail.tenantId'],
    ['a tenantId starting with a hyphen', detail({ tenantId: '-acme' }), 'detail.tenantId'],
    ['a 65-character tenantId', detail({ tenantId: 'a'.repeat(65) }), 'detail.tenantId'],
    ['an empty tenantRegistrationId', detail({ tenantRegistrationId: '' }), 'detail.tenantRegistrationId'],
    [
      'a tenantRegistrationId with a space',
      detail({ tenantRegistrationId: 'ab cd' }),
      'detail.tenantRegistrationId',
    ],
    ['tier "gold"', detail({ tier: 'gold' }), 'detail.tier'],
    ['a numeric tier', detail({ tier: 3 }), 'detail.tier'],
    ['a numeric tenantName', detail({ tenantName: 7 }), 'detail.tenantName'],
  ])('rejects %s, naming the field', (_label, body, field) => {
    // Prepare
    const raw = event(body);

    // Act
    const result = parseLifecycleInput(raw, options());

    // Assess
    expect(rejectedField(result)).toBe(field);
  });

  it('accepts a 64-character id of letters, digits, hyphens and underscores', () => {
    // Prepare
    const id = `A${'b_-9'.repeat(15)}xyz`;

    // Act
    const result = parseLifecycleInput(event(detail({ tenantId: id })), options());

    // Assess
    expect(id).toHaveLength(64);
    expect(result.ok && result.request.tenantId).toBe(id);
  });

  it('says which tiers are allowed when the tier is unknown', () => {
    // Prepare
    const raw = event(detail({ tier: 'gold' }));

    // Act
    const result = parseLifecycleInput(raw, options());

    // Assess
    expect(result.ok ? undefined : result.error).toBeInstanceOf(ValidationError);
    expect(result.ok ? '' : result.error.message).toBe(
      'detail.tier: unknown tier "gold"; allowed tiers: basic (free, starter), advanced (standard), suite (application), premium (platinum, enterprise)',
    );
  });

  it.each([
    ['standard', 'advanced'],
    ['Platinum', 'premium'],
    [' FREE ', 'basic'],
    ['BASIC', 'basic'],
  ])('resolves the tier alias %j to the catalogue tier %s', (tier, expected) => {
    const result = parseLifecycleInput(event(detail({ tier })), options());
    expect(result.ok && result.request.tier).toBe(expected);
  });

  it('never refuses a request that does not onboard over its tier: the record decides', () => {
    // Prepare
    const offboarding = event(detail({ tier: 'gold' }), { 'detail-type': 'sbt_aws_offboardingRequest' });
    const none = event(detail({ tier: undefined }), { 'detail-type': 'sbt_aws_offboardingRequest' });

    // Act
    const named = parseLifecycleInput(offboarding, options(['offboard']));
    const unnamed = parseLifecycleInput(none, options(['offboard']));

    // Assess
    expect(named.ok && named.request.tier).toBe('gold');
    expect(unnamed.ok && unnamed.request.tier).toBeUndefined();
  });

  it('takes an activation change that names the tenant alone, and no other event without a registration', () => {
    // Prepare
    const alone = { tenantId: TENANT };

    // Act
    const activate = parseLifecycleInput(
      event(alone, { 'detail-type': 'sbt_aws_activateRequest' }),
      options(['activate']),
    );
    const offboard = parseLifecycleInput(
      event(alone, { 'detail-type': 'sbt_aws_offboardingRequest' }),
      options(['offboard']),
    );

    // Assess
    expect(activate.ok && activate.request).toMatchObject({ operation: 'activate', tenantId: TENANT });
    expect(activate.ok && activate.request.tenantRegistrationId).toBeUndefined();
    expect(rejectedField(offboard)).toBe('detail.tenantRegistrationId');
  });

  it('runs a request typed by hand without a registration (it will answer nobody)', () => {
    const result = parseLifecycleInput({ tenantId: TENANT, tier: 'premium' }, options());
    expect(result.ok && result.request).toMatchObject({
      operation: 'onboard',
      tenantId: TENANT,
      tier: 'premium',
    });
    expect(result.ok && result.request.tenantRegistrationId).toBeUndefined();
  });

  it.each([
    [' Premium ', 'premium'],
    ['ADVANCED', 'advanced'],
    ['', 'basic'],
    ['   ', 'basic'],
    [undefined, 'basic'],
    [null, 'basic'],
  ])('reads tier %j as %s', (tier, expected) => {
    // Prepare
    const raw = event(detail({ tier }));

    // Act
    const result = parseLifecycleInput(raw, options());

    // Assess
    expect(result.ok && result.request.tier).toBe(expected);
  });

  it("falls back to the catalogue's default tier", () => {
    // Prepare
    const raw = event(detail({ tier: undefined }));

    // Act
    const result = parseLifecycleInput(raw, {
      ...options(),
      catalogue: testConfig({ DEFAULT_TIER: 'premium' }).catalogue,
    });

    // Assess
    expect(result.ok && result.request.tier).toBe('premium');
  });

  it('names the tenant after its id when tenantName is absent or blank', () => {
    // Prepare
    const inputs = [detail({ tenantName: undefined }), detail({ tenantName: '  ' })];

    // Act
    const names = inputs.map((body) => {
      const result = parseLifecycleInput(event(body), options());
      return result.ok ? result.request.tenantName : undefined;
    });

    // Assess
    expect(names).toEqual([TENANT, TENANT]);
  });

  it('keeps a free-text tenantName but cuts it to 256 characters without splitting an emoji', () => {
    // Prepare
    const plain = `Ünïcode & <Co>. ${'x'.repeat(300)}`;
    const emoji = `${'y'.repeat(255)}😀tail`;

    // Act
    const [first, second] = [plain, emoji].map((tenantName) =>
      parseLifecycleInput(event(detail({ tenantName })), options()),
    );

    // Assess
    expect(first?.ok && first.request.tenantName).toBe(plain.slice(0, 256));
    expect(second?.ok && second.request.tenantName).toBe('y'.repeat(255));
  });

  it('rejects a marketplace-shaped detail on detail.tenantId with nothing to salvage', () => {
    // Prepare
    const raw = event({
      customerIdentifier: 'QzOTBiMmRm',
      productCode: 'abc123',
      contactEmail: 'a@b.example',
    });

    // Act
    const result = parseLifecycleInput(raw, options());

    // Assess
    expect(result).toEqual({ ok: false, error: expect.any(ValidationError), operation: 'onboard' });
    expect(rejectedField(result)).toBe('detail.tenantId');
  });

  it('salvages only ids that are non-empty strings of at most 256 characters', () => {
    // Prepare
    const raw = event(
      detail({ tenantId: `bad id ${'z'.repeat(300)}`, tenantRegistrationId: 'has space', tier: 'gold' }),
    );

    // Act
    const result = parseLifecycleInput(raw, options());

    // Assess
    expect(result).toEqual({
      ok: false,
      error: expect.any(ValidationError),
      operation: 'onboard',
      tenantRegistrationId: 'has space',
    });
  });
});
