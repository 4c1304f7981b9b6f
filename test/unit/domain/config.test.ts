import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { loadConfig } from '../../../src/config.ts';
import { ValidationError } from '../../../src/domain/errors.ts';

describe('loadConfig', () => {
  it("requires SBT's event bus: SBT always creates its own, the default bus hears nothing", () => {
    expect(() => loadConfig({})).toThrow(ZodError);
    expect(() => loadConfig({})).toThrow(/SBT_EVENT_BUS/);
    expect(() => loadConfig({ SBT_EVENT_BUS: '  ' })).toThrow(/SBT_EVENT_BUS/);
    expect(loadConfig({ SBT_EVENT_BUS: 'sbt-bus' }).eventBusName).toBe('sbt-bus');
  });

  it('reads the catalogue from infra/tier-catalogue.json unless TIER_CATALOGUE replaces it', () => {
    // Prepare
    const replacement = {
      defaultTier: 'team',
      tiers: {
        team: { cluster: 'shared', service: 'pooled' },
        scale: {
          cluster: 'dedicated',
          service: 'own',
          cpu: '1024',
          memory: '2048',
          desiredCount: 3,
          capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
        },
      },
    };

    // Act
    const bundled = loadConfig({ SBT_EVENT_BUS: 'b' }).catalogue;
    const replaced = loadConfig({
      SBT_EVENT_BUS: 'b',
      TIER_CATALOGUE: JSON.stringify(replacement),
    }).catalogue;

    // Assess
    expect(Object.keys(bundled.tiers)).toEqual(['basic', 'advanced', 'suite', 'premium']);
    expect(Object.keys(replaced.tiers)).toEqual(['team', 'scale']);
    expect(replaced.defaultTier).toBe('team');
  });

  it('lets DEFAULT_TIER name the default by name or alias, and refuses a tier the catalogue lacks', () => {
    expect(loadConfig({ SBT_EVENT_BUS: 'b', DEFAULT_TIER: 'Standard' }).catalogue.defaultTier).toBe(
      'advanced',
    );
    expect(() => loadConfig({ SBT_EVENT_BUS: 'b', DEFAULT_TIER: 'gold' })).toThrow(ValidationError);
    expect(() => loadConfig({ SBT_EVENT_BUS: 'b', DEFAULT_TIER: 'gold' })).toThrow(/DEFAULT_TIER/);
  });

  it('refuses a TIER_CATALOGUE that is not JSON or not a catalogue, naming where', () => {
    expect(() => loadConfig({ SBT_EVENT_BUS: 'b', TIER_CATALOGUE: '{tiers' })).toThrow(
      /TIER_CATALOGUE: is not JSON/,
    );
    expect(() =>
      loadConfig({ SBT_EVENT_BUS: 'b', TIER_CATALOGUE: '{"defaultTier":"x","tiers":{}}' }),
    ).toThrow(/tier catalogue from TIER_CATALOGUE/);
  });
});
