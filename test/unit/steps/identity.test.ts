/**
 * The tenant's own identity, step by step over the fakes: CreateUserPool (find by name and tag,
 * adopt, create, record at once; client, group and admin user), DeleteUserPool (recorded and named,
 * only the tenant's), the email an onboarding needs, admission against the pool quota, and the
 * migration refused for a tenant with a pool.
 */
import { describe, expect, it } from 'vitest';
import referenceApp from '../../../infra/catalogues/reference-app.json' with { type: 'json' };
import { parseCatalogue, placementOf } from '../../../src/domain/catalogue.ts';
import {
  FatalError,
  OwnershipError,
  QuotaExceededError,
  ValidationError,
} from '../../../src/domain/errors.ts';
import { hostedUiDomain, tenantTags } from '../../../src/domain/naming.ts';
import { QUOTAS } from '../../../src/domain/quotas.ts';
import type { SagaState } from '../../../src/domain/saga-state.ts';
import { admitTenant } from '../../../src/steps/admission.ts';
import { createUserPool, deleteUserPool, inviteAdmin } from '../../../src/steps/identity.ts';
import { planMigration } from '../../../src/steps/migration.ts';
import { RESOURCE_OPERATIONS } from '../../../src/steps/resource-operations.ts';
import { validateRequest } from '../../../src/steps/validate.ts';
import { createFakes, testConfig } from '../../support/fake-ports.ts';
import { context, EXECUTION, lockedRecord, NAMES, request, TENANT } from './fixtures.ts';

const config = () => testConfig({ TIER_CATALOGUE: JSON.stringify(referenceApp) });
const catalogue = parseCatalogue(referenceApp, 'reference-app.json');
const advanced = () => placementOf(catalogue, 'advanced', '/');
const EMAIL = 'ops@acme.example';

const identityState = (overrides: Partial<SagaState> = {}): SagaState => ({
  request: request({ tier: 'advanced', attributes: { email: EMAIL } }),
  execution: EXECUTION,
  placement: advanced(),
  resources: {},
  ...overrides,
});

const setUp = () => {
  const fakes = createFakes({ config: config() });
  fakes.tenants.seed({ ...lockedRecord(), placement: advanced() });
  return fakes;
};

describe('CreateUserPool', () => {
  it('makes the pool tagged as the tenant’s, records it at once, then its client, group and admin user', async () => {
    // Prepare
    const fakes = setUp();

    // Act
    const next = await createUserPool(identityState(), fakes.deps, context());

    // Assess
    expect(fakes.identity.calls.map((call) => call.method)).toEqual([
      'findUserPools',
      'createUserPool',
      'ensureAppClient',
      'ensureDomain',
      'ensureGroup',
      'ensureAdminUser',
    ]);
    const madeId = next.resources.identity?.userPoolId ?? '';
    expect(fakes.identity.callsOf('ensureDomain')).toEqual([[madeId, hostedUiDomain('tf', TENANT, madeId)]]);
    expect(fakes.identity.callsOf('createUserPool')).toEqual([
      [
        {
          name: NAMES.userPoolName,
          tags: tenantTags(TENANT, 'advanced'),
          customAttributes: ['tenantId', 'tenantTier', 'tenantName', 'userRole'],
        },
      ],
    ]);
    expect(fakes.identity.callsOf('ensureAdminUser')).toEqual([
      [
        next.resources.identity?.userPoolId,
        {
          email: EMAIL,
          group: TENANT,
          attributes: {
            tenantId: TENANT,
            tenantTier: 'advanced',
            tenantName: 'Acme',
            userRole: 'TenantAdmin',
          },
          // Mailed by InviteAdmin once the tenant serves, never while it is being made.
          invitation: 'suppress',
        },
      ],
    ]);
    const [pool] = [...fakes.identity.pools.values()];
    expect(next.resources.identity).toEqual({
      name: NAMES.userPoolName,
      userPoolId: pool?.id,
      arn: pool?.arn,
      appClientId: pool?.clients[0]?.id,
      domain: hostedUiDomain('tf', TENANT, pool?.id ?? ''),
      group: TENANT,
      adminEmail: EMAIL,
      adminUser: pool?.users[0]?.username,
    });
    expect(pool?.domain).toBe(next.resources.identity?.domain);
    // Recorded twice: the pool as soon as it exists, then everything in it.
    const written = (await fakes.tenants.get(TENANT))?.resources.identity;
    expect(written).toEqual(next.resources.identity);
    expect(pool?.users[0]?.groups).toEqual([TENANT]);
  });

  it('run again, adopts the recorded pool and makes nothing twice', async () => {
    // Prepare
    const fakes = setUp();
    const first = await createUserPool(identityState(), fakes.deps, context());
    fakes.identity.calls.length = 0;

    // Act
    const again = await createUserPool(first, fakes.deps, context());

    // Assess
    expect(again.resources.identity).toEqual(first.resources.identity);
    expect(fakes.identity.pools.size).toBe(1);
    expect(fakes.identity.callsOf('createUserPool')).toEqual([]);
    expect(fakes.identity.callsOf('findUserPools')).toEqual([]);
  });

  it('adopts the tenant’s unrecorded pool of its name (a try that died), deletes a second one, and leaves a foreign one of the name alone', async () => {
    // Prepare
    const fakes = setUp();
    const spec = {
      name: NAMES.userPoolName,
      customAttributes: ['tenantId', 'tenantTier', 'tenantName', 'userRole'],
    };
    const first = await fakes.identity.createUserPool({ ...spec, tags: tenantTags(TENANT, 'advanced') });
    const second = await fakes.identity.createUserPool({ ...spec, tags: tenantTags(TENANT, 'advanced') });
    const foreign = await fakes.identity.createUserPool({ ...spec, tags: tenantTags('other', 'advanced') });
    fakes.identity.calls.length = 0;

    // Act
    const next = await createUserPool(identityState(), fakes.deps, context());

    // Assess
    expect(next.resources.identity?.userPoolId).toBe(first.id);
    expect(fakes.identity.callsOf('deleteUserPool')).toEqual([[second.id]]);
    expect(fakes.identity.callsOf('createUserPool')).toEqual([]);
    expect([...fakes.identity.pools.keys()].sort()).toEqual([first.id, foreign.id].sort());
  });

  it('does nothing, and calls nothing, for a placement without a pool of its own', async () => {
    // Prepare
    const fakes = setUp();
    const plain = placementOf(testConfig().catalogue, 'advanced', '/');

    // Act
    const next = await createUserPool(identityState({ placement: plain }), fakes.deps, context());
    const removed = await deleteUserPool(identityState({ placement: plain }), fakes.deps, context());

    // Assess
    expect(next.resources).toEqual({});
    expect(removed.resources).toEqual({});
    expect(fakes.identity.calls).toEqual([]);
  });
});

describe('InviteAdmin', () => {
  it('mails nothing while the pool is made, then the admin’s one invitation, recorded with when', async () => {
    // Prepare
    const fakes = setUp();
    const made = await createUserPool(identityState(), fakes.deps, context());
    const mailedWhileMade = [...fakes.identity.mailed];

    // Act
    const invited = await inviteAdmin(made, fakes.deps, context());
    const again = await inviteAdmin(invited, fakes.deps, context());

    // Assess
    const admin = made.resources.identity?.adminUser;
    expect(mailedWhileMade).toEqual([]);
    expect(fakes.identity.callsOf('inviteUser')).toEqual([[made.resources.identity?.userPoolId, EMAIL]]);
    expect(fakes.identity.mailed).toEqual([
      { poolId: made.resources.identity?.userPoolId, username: admin, email: EMAIL },
    ]);
    expect(invited.resources.identity?.invitedAt).toBe(fakes.deps.now().toISOString());
    expect((await fakes.tenants.get(TENANT))?.resources.identity?.invitedAt).toBe(
      invited.resources.identity?.invitedAt,
    );
    // Invited once: run again (a retry), it calls nothing.
    expect(again).toBe(invited);
  });

  it('does nothing, and calls nothing, for a tenant without a pool of its own', async () => {
    // Prepare
    const fakes = setUp();
    const state = identityState({ resources: {} });

    // Act
    const next = await inviteAdmin(state, fakes.deps, context());

    // Assess
    expect(next).toBe(state);
    expect(fakes.identity.calls).toEqual([]);
  });

  it('fails for good when the admin user is gone from the pool (nobody to invite)', async () => {
    // Prepare
    const fakes = setUp();
    const made = await createUserPool(identityState(), fakes.deps, context());
    const pool = fakes.identity.pools.get(made.resources.identity?.userPoolId ?? '');
    if (pool) pool.users = [];

    // Act
    const outcome = await inviteAdmin(made, fakes.deps, context()).catch((error: unknown) => error);

    // Assess
    expect(outcome).toBeInstanceOf(FatalError);
    expect(fakes.identity.mailed).toEqual([]);
  });
});

describe('DeleteUserPool', () => {
  it('deletes the recorded pool and every pool of the tenant’s name tagged as its own, never another’s', async () => {
    // Prepare
    const fakes = setUp();
    const made = await createUserPool(identityState(), fakes.deps, context());
    const stray = await fakes.identity.createUserPool({
      name: NAMES.userPoolName,
      tags: tenantTags(TENANT, 'advanced'),
      customAttributes: [],
    });
    const foreign = await fakes.identity.createUserPool({
      name: NAMES.userPoolName,
      tags: tenantTags('other', 'advanced'),
      customAttributes: [],
    });

    // Act
    const next = await deleteUserPool(made, fakes.deps, context());

    // Assess
    expect(next.resources.identity).toBeUndefined();
    expect(
      fakes.identity
        .callsOf('deleteUserPool')
        .map(([id]) => id)
        .sort(),
    ).toEqual([made.resources.identity?.userPoolId, stray.id].sort());
    expect([...fakes.identity.pools.keys()]).toEqual([foreign.id]);
    expect((await fakes.tenants.get(TENANT))?.resources.identity).toBeUndefined();
  });

  it('leaves a recorded pool that is not tagged as the tenant’s, and says so', async () => {
    // Prepare
    const fakes = setUp();
    const foreign = await fakes.identity.createUserPool({
      name: 'someone-else',
      tags: tenantTags('other', 'advanced'),
      customAttributes: [],
    });
    const state = identityState({
      resources: { identity: { name: 'someone-else', userPoolId: foreign.id, arn: foreign.arn } },
    });

    // Act
    await deleteUserPool(state, fakes.deps, context());

    // Assess
    expect(fakes.identity.pools.has(foreign.id)).toBe(true);
    const history = (await fakes.tenants.get(TENANT))?.history ?? [];
    expect(history.at(-1)?.reason).toContain(`Cognito user pool ${foreign.id}`);
  });
});

describe('a pool of another deployment', () => {
  it('is never adopted, and reconcile’s orphan removal leaves it (tagged for the tenant, but outside this prefix)', async () => {
    // Prepare: a pool another deployment (prefix `acme`) made for a tenant of the same id.
    const fakes = setUp();
    const other = await fakes.identity.createUserPool({
      name: NAMES.userPoolName.replace(/^tf-/, 'acme-'),
      tags: tenantTags(TENANT, 'advanced'),
      customAttributes: [],
    });
    const state = identityState({
      resources: { identity: { name: other.name, userPoolId: other.id, arn: other.arn } },
    });

    // Act
    const made = await createUserPool(state, fakes.deps, context());
    const removal = RESOURCE_OPERATIONS.identity.removeByArn(fakes.deps, other.arn, TENANT);

    // Assess
    expect(made.resources.identity?.userPoolId).not.toBe(other.id);
    await expect(removal).rejects.toBeInstanceOf(OwnershipError);
    expect(fakes.identity.pools.has(other.id)).toBe(true);
  });
});

describe('the admin user’s email', () => {
  it.each([
    [{}, 'is required'],
    [{ email: '   ' }, 'is required'],
    [{ email: 'not-an-address' }, 'is not a mail address'],
  ])(
    'refuses an onboarding of a tier with a pool whose event carries %j, naming the field',
    async (attributes, message) => {
      // Prepare
      const fakes = createFakes({ config: config() });
      const raw = { ...request({ tier: 'advanced', attributes: {} }), ...attributes };

      // Act
      const run = validateRequest(raw, fakes.deps, context());

      // Assess
      await expect(run).rejects.toBeInstanceOf(ValidationError);
      await expect(run).rejects.toMatchObject({ field: 'email', message: expect.stringContaining(message) });
    },
  );
});

describe('admission and migration of a tenant with a pool', () => {
  it('refuses the onboarding when the Region holds as many pools as its quota, naming it', async () => {
    // Prepare
    const fakes = setUp();
    for (let i = 0; i < QUOTAS.userPoolsPerRegion.limit; i += 1)
      await fakes.identity.createUserPool({ name: `p${i}`, tags: [], customAttributes: [] });

    // Act
    const run = admitTenant(identityState(), fakes.deps, context());

    // Assess
    await expect(run).rejects.toBeInstanceOf(QuotaExceededError);
    await expect(run).rejects.toThrow(
      'Cognito user pools per Region: 1000 of 1000 in use, this tenant needs 1 more',
    );
  });

  it('refuses to migrate a tenant whose tier or target has a pool, before it records anything', async () => {
    // Prepare
    const fakes = createFakes({ config: config() });
    fakes.tenants.seed({
      tenantId: TENANT,
      placement: advanced(),
      lifecycleStatus: 'MIGRATING',
      resources: {},
      lock: { execution: EXECUTION, operation: 'migrate', since: '2025-01-01T00:00:00.000Z' },
    });
    const state = identityState({ request: request({ operation: 'migrate', tier: 'premium' }) });

    // Act
    const run = planMigration(state, fakes.deps, context('migration'));

    // Assess
    await expect(run).rejects.toThrow(
      'a migration does not move users between pools yet (nothing was changed)',
    );
    expect((await fakes.tenants.get(TENANT))?.migration).toBeUndefined();
  });
});
