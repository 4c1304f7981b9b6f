import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalRuntime, type LocalRuntime, type ReplayResult } from '../../src/local/runtime/index.ts';
import { tempDir } from '../support/temp-dirs.ts';

const sample = (path: string): unknown[] => {
  const parsed: unknown = JSON.parse(
    readFileSync(new URL(`../../events/samples/${path}`, import.meta.url), 'utf8'),
  );
  return Array.isArray(parsed) ? parsed : [parsed];
};

/** Every sample, in an order a control plane could send them. */
const SAMPLES = [
  'onboarding-basic.json',
  'onboarding-advanced.json',
  'onboarding-premium.json',
  'deactivate-advanced.json',
  'activate-advanced.json',
  'offboarding-advanced.json',
  'edge/duplicate-onboarding.json',
  'edge/legacy-onboarding.json',
  'edge/malformed-no-tenant-id.json',
  'edge/malformed-unknown-tier.json',
  'edge/malformed-detail-not-object.json',
] as const;

const TENANTS = {
  basic: 'c0647f32-2ad2-47e2-be5f-6d2af93e1f22',
  advanced: 'd3994890-cc0c-4702-8693-0ea03889bc48',
  premium: '7a67bccf-9011-4194-b52f-14571420bffb',
  duplicate: '7b1f7c8a-5492-4819-82ce-05fbbeb978f2',
  legacy: '2f41deaa-e18e-4de3-bbb6-ae5e91170ea7',
} as const;

describe('the embedded default, every sample event through the ASL engine', () => {
  let runtime: LocalRuntime;
  const results = new Map<string, ReplayResult[]>();

  beforeAll(async () => {
    runtime = await createLocalRuntime({
      stateDir: tempDir('tf-embedded-'),
      engine: 'asl',
      fast: true,
    });
    for (const path of SAMPLES) results.set(path, await runtime.replay(sample(path)));
  }, 120_000);

  afterAll(async () => {
    await runtime?.close();
  });

  const only = (path: string): ReplayResult => {
    const [result, ...rest] = results.get(path) ?? [];
    expect(rest).toEqual([]);
    if (!result) throw new Error(`no result for ${path}`);
    return result;
  };

  it('onboards each tier and offboards the advanced tenant, each with its success event', () => {
    // Prepare
    const expected = [
      ['onboarding-basic.json', 'sbt_aws_provisionSuccess', 'created'],
      ['onboarding-advanced.json', 'sbt_aws_provisionSuccess', 'created'],
      ['onboarding-premium.json', 'sbt_aws_provisionSuccess', 'created'],
      ['deactivate-advanced.json', 'sbt_aws_deactivateSuccess', 'deactivated'],
      ['activate-advanced.json', 'sbt_aws_activateSuccess', 'activated'],
      ['offboarding-advanced.json', 'sbt_aws_deprovisionSuccess', 'deleted'],
      ['edge/legacy-onboarding.json', 'sbt_aws_provisionSuccess', 'created'],
    ] as const;

    // Act
    const seen = expected.map(([path]) => only(path));

    // Assess
    seen.forEach((result, index) => {
      const [, detailType, registrationStatus] = expected[index] ?? [];
      expect(result.outcome).toBe('succeeded');
      expect(result.statusEvent?.['detail-type']).toBe(detailType);
      expect(result.statusEvent?.source).toBe('sbt.application.plane');
      expect(result.statusEvent?.detail).toMatchObject({
        tenantRegistrationId: result.tenantRegistrationId,
        jobOutput: { tenantRegistrationData: { registrationStatus } },
      });
      expect(result.error).toBeUndefined();
    });
  });

  it('starts one execution for a duplicated delivery and sends one status event', () => {
    // Prepare
    const [first, second] = results.get('edge/duplicate-onboarding.json') ?? [];

    // Act
    const outcomes = [first?.outcome, second?.outcome];

    // Assess
    expect(outcomes).toEqual(['succeeded', 'duplicate']);
    expect(second?.execution).toBe(first?.execution);
    expect(second?.statusEvent).toBeNull();
  });

  it('rejects malformed events naming the field, with a failure event where a registration is known', () => {
    // Prepare
    const paths = [
      'edge/malformed-no-tenant-id.json',
      'edge/malformed-unknown-tier.json',
      'edge/malformed-detail-not-object.json',
    ];

    // Act
    const [noTenant, unknownTier, notObject] = paths.map(only);

    // Assess
    expect(noTenant?.outcome).toBe('rejected');
    expect(noTenant?.error).toMatch(/^detail\.tenantId: /);
    expect(unknownTier?.outcome).toBe('rejected');
    expect(unknownTier?.error).toMatch(/^detail\.tier: /);
    expect(unknownTier?.statusEvent?.['detail-type']).toBe('sbt_aws_provisionFailure');
    expect(unknownTier?.statusEvent?.detail).toMatchObject({
      jobOutput: { tenantRegistrationData: { registrationStatus: 'failed', failedStep: 'ValidateRequest' } },
    });
    expect(notObject?.outcome).toBe('rejected');
    expect(notObject?.error).toMatch(/^detail: /);
    for (const result of [noTenant, unknownTier, notObject]) expect(result?.execution).toBeNull();
  });

  it('records every tenant in the tenant map', async () => {
    // Prepare
    const ids = Object.values(TENANTS);

    // Act
    const records = await runtime.tenants();

    // Assess
    const byId = new Map(records.map((record) => [record.tenantId, record]));
    expect([...byId.keys()].sort()).toEqual([...ids].sort());
    expect(byId.get(TENANTS.basic)).toMatchObject({
      lifecycleStatus: 'ACTIVE',
      active: true,
      placement: { tier: 'basic', cluster: 'shared', service: 'pooled' },
      routing: { mode: 'pooled' },
    });
    expect(byId.get(TENANTS.premium)).toMatchObject({
      lifecycleStatus: 'ACTIVE',
      active: true,
      placement: { tier: 'premium', cluster: 'dedicated', service: 'own' },
      routing: { mode: 'silo' },
    });
    expect(byId.get(TENANTS.advanced)).toMatchObject({
      lifecycleStatus: 'DELETED',
      active: false,
      resources: {},
    });
    expect(byId.get(TENANTS.advanced)?.lock).toBeUndefined();
    const steps =
      byId.get(TENANTS.advanced)?.history.map((entry) => `${entry.operation}:${entry.step}`) ?? [];
    expect(steps).toContain('onboard:CreateService');
    expect(steps).toContain('offboard:DeleteService');
  });

  it('leaves nothing of the offboarded tenant and exactly their resources for the active ones', () => {
    // Prepare
    const owned = (tenantId: string) =>
      runtime
        .inventory()
        .filter((item) => item.tenantId === tenantId)
        .map((item) => item.type)
        .sort();

    // Act
    const inventory = Object.fromEntries(Object.entries(TENANTS).map(([key, id]) => [key, owned(id)]));

    // Assess
    const silo = ['ecs task-definition', 'elbv2 listener-rule', 'elbv2 target-group', 'ecs service'].map(
      (t) => t.split(' ')[1],
    );
    expect(inventory).toEqual({
      basic: [],
      advanced: [],
      premium: ['cluster', ...silo].sort(),
      duplicate: [],
      legacy: [...silo].sort(),
    });
    expect(runtime.inventory().filter((item) => !item.tenantId && item.tier !== 'shared')).toEqual([]);
  });

  it('sends exactly one status event per request', () => {
    // Prepare
    const all = [...results.values()].flat();

    // Act
    const withEvent = all.filter((result) => result.statusEvent !== null);

    // Assess
    expect(withEvent).toHaveLength(all.length - 3);
    const registrations = withEvent.map(
      (result) => `${result.execution ?? 'rejected'}:${result.tenantRegistrationId}`,
    );
    expect(new Set(registrations).size).toBe(registrations.length);
  });
});
