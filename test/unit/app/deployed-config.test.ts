import { describe, expect, it } from 'vitest';
import { settleTarget } from '../../../src/app/deployed-config.ts';
import { ValidationError } from '../../../src/domain/errors.ts';

const FUNCTION = 'tenantflow-prod-step';
const deployed = {
  TENANT_TABLE: 'tenantflow-prod-tenants',
  SHARED_STACK_NAME: 'acme-shared',
  SBT_EVENT_BUS: 'sbt-bus',
  RESOURCE_PREFIX: 'acme',
  TIER_CATALOGUE: '{"tiers":{}}',
  API_GATEWAY_URL: '',
  NODE_OPTIONS: '--enable-source-maps',
  POWERTOOLS_SERVICE_NAME: 'tenantflow',
};
const input = (over: Partial<Parameters<typeof settleTarget>[0]> = {}) => ({
  stage: 'prod',
  functionName: FUNCTION,
  deployed,
  flags: {},
  processEnv: {},
  defaults: { table: 'tenantflow-prod-tenants', sharedStack: 'tenantflow-shared' },
  ...over,
});

describe('settleTarget', () => {
  it('takes the table, shared stack, bus and settings the deployed stage runs with, and nothing else of its environment', () => {
    // Act
    const settled = settleTarget(input());

    // Assess
    expect(settled).toEqual({
      table: 'tenantflow-prod-tenants',
      sharedStack: 'acme-shared',
      sbtBus: 'sbt-bus',
      env: {
        TENANT_TABLE: 'tenantflow-prod-tenants',
        SHARED_STACK_NAME: 'acme-shared',
        SBT_EVENT_BUS: 'sbt-bus',
        RESOURCE_PREFIX: 'acme',
        TIER_CATALOGUE: '{"tiers":{}}',
        API_GATEWAY_URL: '',
      },
      origin: `the configuration stage prod runs with (${FUNCTION})`,
    });
  });

  it('accepts flags that say what the deployment says', () => {
    const settled = settleTarget(input({ flags: { sharedStack: 'acme-shared', sbtBus: 'sbt-bus' } }));
    expect([settled.sharedStack, settled.sbtBus]).toEqual(['acme-shared', 'sbt-bus']);
  });

  it.each([
    [{ sharedStack: 'tenantflow-shared' }, '--shared-stack', 'acme-shared'],
    [{ table: 'other' }, '--table', 'tenantflow-prod-tenants'],
    [{ sbtBus: 'default' }, '--sbt-bus', 'sbt-bus'],
  ])('refuses %o: %s is not what the stage runs with', (flags, field, runs) => {
    // Act
    const settle = () => settleTarget(input({ flags }));

    // Assess
    expect(settle).toThrow(ValidationError);
    expect(settle).toThrow(`${field}: is "${Object.values(flags)[0]}", but stage prod runs with "${runs}"`);
  });

  it('refuses a variable of this shell that differs from the stage’s, naming it (a catalogue, a prefix)', () => {
    expect(() => settleTarget(input({ processEnv: { TIER_CATALOGUE: 'not json' } }))).toThrow(
      /^TIER_CATALOGUE: in this shell is "not json", but stage prod runs with "\{"tiers":\{\}\}"/,
    );
    expect(() => settleTarget(input({ processEnv: { RESOURCE_PREFIX: 'other' } }))).toThrow(
      /^RESOURCE_PREFIX: /,
    );
    expect(() => settleTarget(input({ processEnv: { API_GATEWAY_URL: 'https://x' } }))).toThrow(
      /runs with none/,
    );
    // The same value, or an empty one, is no disagreement; other variables are not settings.
    expect(
      settleTarget(input({ processEnv: { RESOURCE_PREFIX: 'acme', SHARD_CAPACITY: '', HOME: '/h' } })).env,
    ).toEqual(settleTarget(input()).env);
  });

  it('with no deployment, uses the flags, then the shell’s variables, then the defaults, and says so', () => {
    // Act
    const bare = settleTarget(input({ deployed: undefined }));
    const told = settleTarget(
      input({
        deployed: undefined,
        flags: { sharedStack: 'from-flag' },
        processEnv: { SHARED_STACK_NAME: 'from-env', SBT_EVENT_BUS: 'env-bus', RESOURCE_PREFIX: 'zz' },
      }),
    );

    // Assess
    expect(bare).toEqual({
      table: 'tenantflow-prod-tenants',
      sharedStack: 'tenantflow-shared',
      env: {},
      origin: `no function ${FUNCTION} here, so no deployed configuration: the bundled defaults`,
    });
    expect(told).toMatchObject({
      sharedStack: 'from-flag',
      sbtBus: 'env-bus',
      env: { RESOURCE_PREFIX: 'zz' },
    });
    expect(told.origin).toContain('SHARED_STACK_NAME, SBT_EVENT_BUS, RESOURCE_PREFIX from the environment');
  });
});
