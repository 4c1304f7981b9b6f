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

  it('sends tenant pools’ mail through an SES identity when COGNITO_EMAIL_SOURCE_ARN names one, refusing what is not one', () => {
    // Prepare
    const base = { SBT_EVENT_BUS: 'sbt' };
    const arn = 'arn:aws:ses:eu-west-1:111122223333:identity/acme.example';

    // Act
    const none = loadConfig({ ...base, COGNITO_EMAIL_SOURCE_ARN: '' });
    const ses = loadConfig({
      ...base,
      COGNITO_EMAIL_SOURCE_ARN: arn,
      COGNITO_EMAIL_FROM: 'Acme <no@acme.example>',
    });

    // Assess
    expect(none.cognitoEmail).toBeUndefined();
    expect(ses.cognitoEmail).toEqual({ sourceArn: arn, from: 'Acme <no@acme.example>' });
    expect(() => loadConfig({ ...base, COGNITO_EMAIL_SOURCE_ARN: 'acme.example' })).toThrow(
      /COGNITO_EMAIL_SOURCE_ARN[\s\S]*must be an SES identity ARN/,
    );
    expect(() => loadConfig({ ...base, COGNITO_EMAIL_FROM: 'Acme <no@acme.example>' })).toThrow(
      'COGNITO_EMAIL_FROM: needs COGNITO_EMAIL_SOURCE_ARN (the SES identity that sends as it)',
    );
  });
});
