import { describe, expect, it } from 'vitest';
import { placementOf } from '../../../src/domain/catalogue.ts';
import { ValidationError } from '../../../src/domain/errors.ts';
import {
  DEFAULT_BAKE_SECONDS,
  DEFAULT_ROLLOUT_CONCURRENCY,
  DEFAULT_WAVES,
  describeWaves,
  parseRolloutRequest,
  parseWaves,
  planRollout,
  planWaves,
} from '../../../src/domain/rollout.ts';
import type { TenantRecord } from '../../../src/domain/tenant-record.ts';
import { testConfig } from '../../support/fake-ports.ts';

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
    ['100%,50%', '"50%": nothing comes after 100%'],
    ['50%,20%', 'each wave goes further than the one before (20% after 50%)'],
    ['5,5,50%', 'each wave goes further than the one before (5 after 5)'],
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

describe('parseRolloutRequest', () => {
  const catalogue = testConfig().catalogue;

  it('fills in the waves, the bake and the concurrency a request leaves out', () => {
    // Act
    const request = parseRolloutRequest(
      { tier: 'Advanced', release: { version: '2', image: 'app:2' } },
      catalogue,
    );

    // Assess: the tier as the catalogue spells it.
    expect(request).toEqual({
      tier: 'advanced',
      release: { version: '2', image: 'app:2' },
      waves: DEFAULT_WAVES,
      bakeSeconds: DEFAULT_BAKE_SECONDS,
      concurrency: DEFAULT_ROLLOUT_CONCURRENCY,
    });
  });

  it.each([
    [{ release: { version: '2', image: 'app:2' } }, 'detail.tier'],
    [{ tier: 'advanced' }, 'detail.release'],
    [{ tier: 'advanced', release: { version: '2', image: 'app:2' }, bakeSeconds: -1 }, 'detail.bakeSeconds'],
    [{ tier: 'advanced', release: { version: '2', image: 'app:2' }, concurrency: 1.5 }, 'detail.concurrency'],
    [{ tier: 'advanced', release: { version: '2', image: 'app:2' }, waves: 10 }, 'detail.waves'],
  ])('names the field of %j', (raw, field) => {
    // Act
    const attempt = () => parseRolloutRequest(raw, catalogue, 'detail.');

    // Assess
    expect(attempt).toThrow(ValidationError);
    expect(attempt).toThrow(new RegExp(`^${field.replace('.', '\\.')}: `));
  });
});

describe('planRollout of a pooled tier', () => {
  const record = (tenantId: string, tier: string, lifecycleStatus: TenantRecord['lifecycleStatus']) =>
    ({
      tenantId,
      tenantName: tenantId,
      lifecycleStatus,
      placement: placementOf(testConfig().catalogue, tier, '/'),
      resources: {},
      history: [],
      version: 1,
    }) as unknown as TenantRecord;

  it('is one wave, the pooled service, for every tenant running in it (none deleted, no silo tenant)', () => {
    // Prepare
    const request = parseRolloutRequest(
      { tier: 'basic', release: { version: '2', image: 'app:2' } },
      testConfig().catalogue,
    );
    const records = [
      record('p2', 'basic', 'INACTIVE'),
      record('p1', 'basic', 'ACTIVE'),
      record('p0', 'basic', 'DELETED'),
      record('s1', 'advanced', 'ACTIVE'),
      record('p3', 'basic', 'FAILED'),
    ];

    // Act
    const report = planRollout(records, request, true);

    // Assess: the waves spec does not apply: one service, one wave.
    expect(report).toMatchObject({ pooled: true, status: 'planned', alreadyOn: [], notUpdated: [] });
    expect(report.waves.map((wave) => wave.tenants)).toEqual([['p1', 'p2', 'p3']]);
    expect(planRollout(records, request, false).waves).toEqual([]);
  });
});
