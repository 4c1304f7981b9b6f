import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/domain/errors.ts';
import { carriedForward, parseRelease } from '../../../src/domain/release.ts';

const refusal = (raw: unknown): { field: string; message: string } | undefined => {
  try {
    parseRelease(raw, 'detail.release');
    return undefined;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return { field: error.field, message: error.message };
  }
};

describe('a release of several services', () => {
  it('reads a companion image (and environment) by the companion name', () => {
    // Act
    const release = parseRelease(
      {
        version: '2.0.0',
        image: 'x/web:2.0.0',
        services: { orders: { image: 'x/orders:2.0.0', environment: { LOG_LEVEL: 'debug' } } },
      },
      'detail.release',
    );

    // Assess
    expect(release.services).toEqual({
      orders: { image: 'x/orders:2.0.0', environment: { LOG_LEVEL: 'debug' } },
    });
  });

  it.each([
    [
      'a name that is an Object.prototype key',
      JSON.parse('{"version":"1","image":"x/a:1","services":{"__proto__":{"image":"x/b:1"}}}'),
      'detail.release.services.__proto__',
    ],
    [
      'a name outside the catalogue rule',
      { version: '1', image: 'x/a:1', services: { Orders: { image: 'x/b:1' } } },
      'detail.release.services.Orders',
    ],
    [
      'an image with a space',
      { version: '1', image: 'x/a:1', services: { orders: { image: 'x b' } } },
      'detail.release.services.orders.image',
    ],
    [
      'an environment name tenantflow sets',
      {
        version: '1',
        image: 'x/a:1',
        services: { orders: { image: 'x/b:1', environment: { TENANT_ID: 'x' } } },
      },
      'detail.release.services.orders.environment.TENANT_ID',
    ],
    [
      'a field a companion release does not have',
      { version: '1', image: 'x/a:1', services: { orders: { image: 'x/b:1', cpu: '256' } } },
      'detail.release.services.orders',
    ],
  ])('refuses %s, naming the field', (_case, raw, field) => {
    expect(refusal(raw)?.field).toBe(field);
  });

  it('carries the companion images of the release before forward, the new release winning', () => {
    // Prepare
    const previous = {
      version: '1.0.0',
      image: 'x/web:1',
      services: { orders: { image: 'x/orders:1' }, products: { image: 'x/products:1' } },
    };

    // Act
    const next = carriedForward(
      { version: '2.0.0', image: 'x/web:2', services: { orders: { image: 'x/orders:2' } } },
      previous,
    );
    const plain = carriedForward({ version: '2.0.0', image: 'x/web:2' }, undefined);

    // Assess
    expect(next.services).toEqual({ orders: { image: 'x/orders:2' }, products: { image: 'x/products:1' } });
    expect(plain).toEqual({ version: '2.0.0', image: 'x/web:2' });
  });
});
