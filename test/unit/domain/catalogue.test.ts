import { describe, expect, it } from 'vitest';
import defaultCatalogue from '../../../infra/tier-catalogue.json' with { type: 'json' };
import {
  hasDedicatedCluster,
  isFargateSize,
  ownsService,
  parseCatalogue,
  placementOf,
  resolveTier,
  sameResources,
} from '../../../src/domain/catalogue.ts';
import { ValidationError } from '../../../src/domain/errors.ts';

const catalogue = parseCatalogue(defaultCatalogue, 'infra/tier-catalogue.json');

const withTier = (name: string, row: Record<string, unknown>) => ({
  ...defaultCatalogue,
  tiers: { ...defaultCatalogue.tiers, [name]: row },
});

const own = {
  cluster: 'shared',
  service: 'own',
  cpu: '1024',
  memory: '2048',
  desiredCount: 2,
  capacityProviderStrategy: [{ capacityProvider: 'FARGATE', base: 1, weight: 1 }],
};

const companion = (name: string) => ({
  name,
  containerPort: 8080,
  cpu: '256',
  memory: '512',
  desiredCount: 1,
});

describe('the tier catalogue', () => {
  it("resolves a tier's companions into its placement; a tier without them has none", () => {
    // Act
    const suite = placementOf(catalogue, 'suite', '/');
    const advanced = placementOf(catalogue, 'advanced', '/');

    // Assess
    expect(suite.service === 'own' ? suite.companions?.map((c) => c.name) : undefined).toEqual([
      'orders',
      'products',
    ]);
    expect(advanced).not.toHaveProperty('companions');
  });

  it('ships the three reference tiers as pool, silo service and silo cluster', () => {
    // Act
    const placements = ['basic', 'advanced', 'premium'].map((tier) => placementOf(catalogue, tier, '/'));

    // Assess
    expect(placements.map((p) => [p.tier, p.cluster, p.service])).toEqual([
      ['basic', 'shared', 'pooled'],
      ['advanced', 'shared', 'own'],
      ['premium', 'dedicated', 'own'],
    ]);
    expect(placements.map(ownsService)).toEqual([false, true, true]);
    expect(placements.map(hasDedicatedCluster)).toEqual([false, false, true]);
    expect(catalogue.defaultTier).toBe('basic');
  });

  it.each([
    ['premium', 'premium'],
    ['  PREMIUM ', 'premium'],
    ['Platinum', 'premium'],
    ['standard', 'advanced'],
    ['free', 'basic'],
    ['gold', undefined],
    ['', undefined],
  ])('resolves %j to %s, by name or alias, case-insensitively', (name, tier) => {
    expect(resolveTier(catalogue, name)).toBe(tier);
  });

  it('gives a placement the configured health check path unless the tier names its own', () => {
    const custom = parseCatalogue(withTier('gold', { ...own, healthCheckPath: '/healthz' }), 'test');
    expect(placementOf(custom, 'advanced', '/ping')).toMatchObject({ healthCheckPath: '/ping' });
    expect(placementOf(custom, 'gold', '/ping')).toMatchObject({ healthCheckPath: '/healthz', cpu: '1024' });
  });

  it('takes a new tier as a row, with nothing else to change', () => {
    const custom = parseCatalogue(
      withTier('gold', { ...own, cluster: 'dedicated', aliases: ['Enterprise-Plus'] }),
      'test',
    );
    expect(resolveTier(custom, 'enterprise-plus')).toBe('gold');
    expect(hasDedicatedCluster(placementOf(custom, 'gold', '/'))).toBe(true);
  });

  it.each([
    [
      'a memory Fargate does not run with the cpu',
      withTier('gold', { ...own, memory: '1536' }),
      'tiers.gold.memory',
    ],
    [
      'a pooled tier in a dedicated cluster',
      withTier('gold', { cluster: 'dedicated', service: 'pooled' }),
      'tiers.gold.cluster',
    ],
    [
      'an alias another tier uses',
      withTier('gold', { ...own, aliases: ['Standard'] }),
      'tiers.gold.aliases.0',
    ],
    [
      'an alias equal to another tier',
      withTier('gold', { ...own, aliases: ['premium'] }),
      'tiers.gold.aliases.0',
    ],
    ['a tier name with upper case', withTier('Gold', own), 'tiers.Gold'],
    ['a default tier not in the catalogue', { ...defaultCatalogue, defaultTier: 'gold' }, 'defaultTier'],
    [
      'two capacity providers with a base',
      withTier('gold', {
        ...own,
        capacityProviderStrategy: [
          { capacityProvider: 'FARGATE', base: 1, weight: 1 },
          { capacityProvider: 'FARGATE_SPOT', base: 1, weight: 1 },
        ],
      }),
      'tiers.gold.capacityProviderStrategy',
    ],
    [
      'no capacity provider with a weight',
      withTier('gold', { ...own, capacityProviderStrategy: [{ capacityProvider: 'FARGATE', base: 1 }] }),
      'tiers.gold.capacityProviderStrategy',
    ],
    ['an unknown setting', withTier('gold', { ...own, memoryMiB: 2048 }), 'tiers.gold'],
    [
      'a companion named twice',
      withTier('gold', { ...own, companions: [companion('orders'), companion('orders')] }),
      'tiers.gold.companions.1.name',
    ],
    [
      'a companion at a size Fargate does not run',
      withTier('gold', { ...own, companions: [{ ...companion('orders'), memory: '3000' }] }),
      'tiers.gold.companions.0.memory',
    ],
    [
      'a companion name that is not a name',
      withTier('gold', { ...own, companions: [companion('Orders API')] }),
      'tiers.gold.companions.0.name',
    ],
    [
      'ten companions',
      withTier('gold', { ...own, companions: Array.from({ length: 10 }, (_, i) => companion(`s${i}`)) }),
      'tiers.gold.companions',
    ],
    ['no tiers', { defaultTier: 'basic', tiers: {} }, 'tiers'],
  ])('refuses %s, naming the field', (_label, raw, field) => {
    const parse = () => parseCatalogue(raw, 'TIER_CATALOGUE');
    expect(parse).toThrow(ValidationError);
    try {
      parse();
    } catch (error) {
      expect(error).toMatchObject({ field });
      expect(String(error)).toContain('tier catalogue from TIER_CATALOGUE');
    }
  });

  it.each([
    ['256', '512', true],
    ['256', '2048', true],
    ['256', '1536', false],
    ['512', '4096', true],
    ['1024', '2048', true],
    ['1024', '1024', false],
    ['4096', '30720', true],
    ['8192', '20480', true],
    ['8192', '18432', false],
    ['3', '512', false],
  ])('knows Fargate runs cpu %s with %s MiB: %s', (cpu, memory, runs) => {
    expect(isFargateSize(cpu, memory)).toBe(runs);
  });

  it('says two placements share their resources only for the same tier and shape', () => {
    const advanced = placementOf(catalogue, 'advanced', '/');
    if (advanced.service !== 'own') throw new Error('advanced owns a service');
    expect(sameResources(advanced, { ...advanced, desiredCount: 3 })).toBe(true);
    expect(sameResources(advanced, placementOf(catalogue, 'premium', '/'))).toBe(false);
    expect(sameResources(undefined, advanced)).toBe(false);
  });
});
