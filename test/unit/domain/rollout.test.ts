import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/domain/errors.ts';
import { DEFAULT_WAVES, describeWaves, parseWaves, planWaves } from '../../../src/domain/rollout.ts';

const fleet = (n: number): string[] => Array.from({ length: n }, (_, i) => `t${String(i).padStart(3, '0')}`);
const sizes = (n: number, spec: string): number[] =>
  planWaves(fleet(n), parseWaves(spec)).map((w) => w.length);

describe('parseWaves', () => {
  it('reads counts and shares, and ends at 100% when the spec does not', () => {
    expect(parseWaves(DEFAULT_WAVES)).toEqual([
      { count: 1 },
      { percent: 10 },
      { percent: 50 },
      { percent: 100 },
    ]);
    expect(describeWaves(parseWaves('2, 25%'))).toBe('2, 25%, 100%');
  });

  it.each([
    ['0', '"0": not a number of tenants'],
    ['1,,50%', 'give comma-separated counts or percentages'],
    ['150%', 'at most 100%'],
    ['ten', '"ten": not a number of tenants'],
    ['-1', '"-1": not a number of tenants'],
  ])('refuses %s, naming the field', (spec, message) => {
    expect(() => parseWaves(spec, '--wave')).toThrow(ValidationError);
    expect(() => parseWaves(spec, '--wave')).toThrow(`--wave: `);
    expect(() => parseWaves(spec, '--wave')).toThrow(message);
  });
});

describe('planWaves', () => {
  it('gives the default spec a canary, then a tenth, half and all of the fleet (cumulative)', () => {
    expect(sizes(100, DEFAULT_WAVES)).toEqual([1, 9, 40, 50]);
    expect(sizes(1000, DEFAULT_WAVES)).toEqual([1, 99, 400, 500]);
  });

  it('passes over targets that add nobody, so no wave is empty', () => {
    expect(sizes(5, DEFAULT_WAVES)).toEqual([1, 2, 2]);
    expect(sizes(1, DEFAULT_WAVES)).toEqual([1]);
    expect(sizes(0, DEFAULT_WAVES)).toEqual([]);
  });

  it('takes every tenant exactly once, in the order given', () => {
    const tenants = fleet(37);
    const waves = planWaves(tenants, parseWaves('3,20%,21%,90%'));
    expect(waves.flat()).toEqual(tenants);
    expect(waves.map((w) => w.length)).toEqual([3, 5, 26, 3]);
  });

  it('caps a count at the fleet', () => {
    expect(sizes(3, '10')).toEqual([3]);
  });
});
