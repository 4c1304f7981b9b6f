import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { executionName, parseLifecycleInput } from '../../../events/index.ts';
import { OPERATIONS } from '../../../src/domain/operations.ts';
import { parseRolloutRequest, ROLLOUT_REQUEST } from '../../../src/domain/rollout.ts';
import { shardRequestSchema } from '../../../src/domain/shard-state.ts';
import { testConfig } from '../../support/fake-ports.ts';

const { contract, catalogue } = testConfig();
const options = { contract, catalogue, accepts: OPERATIONS };

const load = (path: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../events/${path}`, import.meta.url), 'utf8'));

const ADVANCED_TENANT = 'd3994890-cc0c-4702-8693-0ea03889bc48';
const ADVANCED_REGISTRATION = '053a1cca-d046-41bd-a643-bb3f6cad69c0';

describe('sample events', () => {
  it.each([
    ['samples/onboarding-basic.json', 'onboard', 'basic'],
    ['samples/onboarding-advanced.json', 'onboard', 'advanced'],
    ['samples/onboarding-premium.json', 'onboard', 'premium'],
    ['samples/offboarding-advanced.json', 'offboard', 'advanced'],
    ['samples/activate-advanced.json', 'activate', 'advanced'],
    ['samples/deactivate-advanced.json', 'deactivate', 'advanced'],
    ['samples/migrate-basic.json', 'migrate', 'advanced'],
    ['samples/edge/legacy-onboarding.json', 'onboard', 'advanced'],
    ['samples/edge/onboarding-alias-platinum.json', 'onboard', 'premium'],
    ['samples/edge/deactivate-tenant-id-only.json', 'deactivate', undefined],
    ['console/onboard-basic.json', 'onboard', 'basic'],
    ['console/onboard-advanced.json', 'onboard', 'advanced'],
    ['console/onboard-premium.json', 'onboard', 'premium'],
    ['console/offboard.json', 'offboard', 'advanced'],
    ['console/activate.json', 'activate', 'advanced'],
    ['console/deactivate.json', 'deactivate', 'advanced'],
    ['console/migrate.json', 'migrate', 'premium'],
  ] as const)('%s parses to %s, tier %s', (path, operation, tier) => {
    // Prepare
    const raw = load(path);

    // Act
    const result = parseLifecycleInput(raw, options);

    // Assess
    expect(result.ok && { operation: result.request.operation, tier: result.request.tier }).toEqual({
      operation,
      tier,
    });
  });

  it('gives the three onboarding samples three distinct tenants', () => {
    // Prepare
    const paths = ['basic', 'advanced', 'premium'].map((tier) => `samples/onboarding-${tier}.json`);

    // Act
    const ids = paths.map((path) => {
      const result = parseLifecycleInput(load(path), options);
      return result.ok ? result.request.tenantId : path;
    });

    // Assess
    expect(new Set(ids).size).toBe(3);
  });

  it.each([
    'samples/offboarding-advanced.json',
    'samples/activate-advanced.json',
    'samples/deactivate-advanced.json',
  ])('%s acts on the tenant onboarded by onboarding-advanced.json', (path) => {
    // Act
    const result = parseLifecycleInput(load(path), options);

    // Assess
    expect(result.ok && [result.request.tenantId, result.request.tenantRegistrationId]).toEqual([
      ADVANCED_TENANT,
      ADVANCED_REGISTRATION,
    ]);
  });

  it('keeps the offboarding extras (sbtaws_active, tenantConfig as a JSON string) in attributes', () => {
    // Act
    const result = parseLifecycleInput(load('samples/offboarding-advanced.json'), options);

    // Assess
    const attributes = result.ok ? result.request.attributes : {};
    expect(attributes.sbtaws_active).toBe(true);
    expect(typeof attributes.tenantConfig).toBe('string');
    expect(JSON.parse(String(attributes.tenantConfig))).toMatchObject({ tier: 'advanced' });
  });

  it('reads both copies of a redelivered event to the same request and execution name', () => {
    // Prepare
    const raw = load('samples/edge/duplicate-onboarding.json');
    const copies = Array.isArray(raw) ? raw : [];

    // Act
    const names = copies.map((copy) => {
      const result = parseLifecycleInput(copy, options);
      return result.ok ? executionName(result.request, 'unused') : 'rejected';
    });

    // Assess
    expect(copies).toHaveLength(2);
    expect(names[0]).toMatch(/^onboard-/);
    expect(names[1]).toBe(names[0]);
  });

  it('rejects the whole redelivery array as one input on `detail`', () => {
    // Act
    const result = parseLifecycleInput(load('samples/edge/duplicate-onboarding.json'), options);

    // Assess
    expect(result.ok ? 'accepted' : result.error.field).toBe('detail');
  });

  it.each([
    ['samples/edge/malformed-no-tenant-id.json', 'detail.tenantId', false],
    ['samples/edge/malformed-unknown-tier.json', 'detail.tier', true],
    ['samples/edge/malformed-detail-not-object.json', 'detail', false],
  ])('%s is rejected on %s (registration id salvaged: %s)', (path, field, salvaged) => {
    // Act
    const result = parseLifecycleInput(load(path), options);

    // Assess
    expect(result.ok ? 'accepted' : result.error.field).toBe(field);
    expect(result.ok ? undefined : result.operation).toBe('onboard');
    expect(!result.ok && result.tenantRegistrationId !== undefined).toBe(salvaged);
  });
});

describe('rollout requests', () => {
  it.each([
    ['console/rollout.json', (raw: unknown) => raw],
    ['operator/rollout-request.json', (raw: unknown) => (raw as { detail: unknown }).detail],
  ] as const)('%s is a rollout request the rollout machine takes', (path, input) => {
    // Prepare
    const raw = load(path);

    // Act
    const request = parseRolloutRequest(input(raw), catalogue);

    // Assess
    expect(request.release.version).toBe('1.27');
    expect(['advanced', 'premium']).toContain(request.tier);
  });

  it('the event has the documented detail-type and the operator source serverless.ts listens to', () => {
    // Act
    const event = load('operator/rollout-request.json') as { 'detail-type': string; source: string };

    // Assess
    expect([event['detail-type'], event.source]).toEqual([ROLLOUT_REQUEST, 'tenantflow.operator']);
  });
});

describe('shard requests', () => {
  it('console/shard.json is a request the shard machine takes', () => {
    // Act
    const request = shardRequestSchema.safeParse(load('console/shard.json'));

    // Assess
    expect(request.error?.issues).toBeUndefined();
    expect(request.data?.force).toBe(true);
  });
});
