import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseCatalogue, placementOf, resolveTier } from '../../../src/domain/catalogue.ts';
import { ValidationError } from '../../../src/domain/errors.ts';
import { ownRecord } from '../../../src/domain/own-record.ts';

describe('ownRecord: names anyone may choose', () => {
  const names = ownRecord(z.string().regex(/^[a-z]+$/, 'lowercase letters only'), z.number());

  it('takes a key named constructor as an ordinary name', () => {
    expect(names.parse(JSON.parse('{"constructor":1,"a":2}'))).toEqual({ constructor: 1, a: 2 });
  });

  it('refuses a key named __proto__ through the key rule, naming it (never drops it)', () => {
    const parsed = names.safeParse(JSON.parse('{"__proto__":1,"a":2}'));
    expect(parsed.error?.issues.map((issue) => [issue.path, issue.message])).toEqual([
      [['__proto__'], 'lowercase letters only'],
    ]);
  });

  it('keeps a __proto__ key an ordinary own name when the key rule allows it (never a prototype)', () => {
    const any = ownRecord(z.string(), z.number()).parse(JSON.parse('{"__proto__":1}'));
    expect(Object.hasOwn(any, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(any)).toBe(Object.prototype);
  });

  it('names the path of a value that does not fit', () => {
    const parsed = names.safeParse({ a: 'one' });
    expect(parsed.error?.issues[0]?.path).toEqual(['a']);
  });
});

describe('the catalogue with Object.prototype names', () => {
  const row = { service: 'pooled' };

  it('refuses a tier named __proto__, naming it', () => {
    const parse = () =>
      parseCatalogue(
        JSON.parse(
          `{"defaultTier":"basic","tiers":{"basic":${JSON.stringify(row)},"__proto__":${JSON.stringify(row)}}}`,
        ),
        'TIER_CATALOGUE',
      );
    expect(parse).toThrow(ValidationError);
    expect(parse).toThrow(/tiers\.__proto__/);
  });

  it('takes a tier named constructor like any other, and knows no tier toString', () => {
    const catalogue = parseCatalogue({ defaultTier: 'constructor', tiers: { constructor: row } }, 'test');
    expect(resolveTier(catalogue, 'constructor')).toBe('constructor');
    expect(placementOf(catalogue, 'constructor', '/')).toEqual({
      tier: 'constructor',
      cluster: 'shared',
      service: 'pooled',
    });
    expect(resolveTier(catalogue, 'toString')).toBeUndefined();
    expect(() => placementOf(catalogue, 'toString', '/')).toThrow(ValidationError);
  });
});
