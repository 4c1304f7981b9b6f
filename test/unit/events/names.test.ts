import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { executionName } from '../../../events/index.ts';
import { OPERATIONS } from '../../../src/domain/operations.ts';

const REGISTRATION = '053a1cca-d046-41bd-a643-bb3f6cad69c0';
const sha8 = (value: string): string => createHash('sha256').update(value).digest('hex').slice(0, 8);

describe('executionName', () => {
  it('is <operation>-<registration>-<sha256 of the event id, 8 hex>', () => {
    // Act
    const name = executionName(
      { operation: 'onboard', tenantId: 'acme', tenantRegistrationId: REGISTRATION, eventId: 'evt-1' },
      'seed',
    );

    // Assess
    expect(name).toBe(`onboard-${REGISTRATION}-${sha8('evt-1')}`);
  });

  it('hashes the fallback seed when the request has no event id', () => {
    // Act
    const names = [undefined, ''].map((eventId) =>
      executionName(
        { operation: 'activate', tenantId: 'acme', tenantRegistrationId: REGISTRATION, eventId },
        'console-42',
      ),
    );

    // Assess
    expect(names).toEqual([
      `activate-${REGISTRATION}-${sha8('console-42')}`,
      `activate-${REGISTRATION}-${sha8('console-42')}`,
    ]);
  });

  it('names the tenant when the request names no registration (an activation change by tenant id alone)', () => {
    // Act
    const name = executionName({ operation: 'deactivate', tenantId: 'acme', eventId: 'evt-2' }, 'seed');

    // Assess
    expect(name).toBe(`deactivate-acme-${sha8('evt-2')}`);
  });

  it('gives a redelivered event the same name and a new event a new one', () => {
    // Prepare
    const request = { operation: 'offboard' as const, tenantId: 'acme', tenantRegistrationId: REGISTRATION };

    // Act
    const first = executionName({ ...request, eventId: 'a' }, 'x');
    const again = executionName({ ...request, eventId: 'a' }, 'y');
    const other = executionName({ ...request, eventId: 'b' }, 'x');

    // Assess
    expect(again).toBe(first);
    expect(other).not.toBe(first);
  });

  it('cuts a 64-character registration id so the name is exactly 80 characters', () => {
    // Act
    const name = executionName(
      { operation: 'deactivate', tenantId: 'acme', tenantRegistrationId: 'r'.repeat(64), eventId: 'e' },
      's',
    );

    // Assess
    expect(name).toBe(`deactivate-${'r'.repeat(60)}-${sha8('e')}`);
    expect(name).toHaveLength(80);
  });

  it('stays within 1-80 characters of [A-Za-z0-9_-] whatever it is given', () => {
    // Prepare
    const inputs = fc.record({
      operation: fc.constantFrom(...OPERATIONS),
      tenantId: fc.string({ minLength: 1, maxLength: 300 }),
      tenantRegistrationId: fc.option(fc.string({ maxLength: 300 }), { nil: undefined }),
      eventId: fc.option(fc.string(), { nil: undefined }),
      seed: fc.string(),
    });

    // Act
    const check = () =>
      fc.assert(
        fc.property(inputs, ({ seed, ...request }) =>
          /^[A-Za-z0-9_-]{1,80}$/.test(executionName(request, seed)),
        ),
      );

    // Assess
    expect(check).not.toThrow();
  });
});
