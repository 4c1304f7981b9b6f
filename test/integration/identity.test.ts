/**
 * A tenant's own identity on the embedded default, with the reference application's catalogue
 * (infra/catalogues/reference-app.json): an advanced and a premium tenant each get a Cognito user
 * pool of their own with the app client, a group named after the tenant id and the onboarding's
 * email as admin user in it; the status event's tenantConfig carries the pool, the client and the
 * API URL. A failure after the pool was made removes it; a pool deleted by hand is found missing and
 * made again; a migration is refused before anything changes; an onboarding without an email is
 * refused before anything is made; offboarding leaves nothing.
 */
import { readFileSync } from 'node:fs';
import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolCommand,
  DeleteUserPoolCommand,
  DeleteUserPoolDomainCommand,
  DescribeUserPoolCommand,
  GetGroupCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tenantText } from '../../src/cli/output.ts';
import { retryEvent } from '../../src/local/runtime/index.ts';
import {
  cloudAt,
  LOCAL_CLIENT,
  lifecycleEvent,
  newTenant,
  openWorld,
  removeWorldDirs,
  type TestTenant,
  typesOf,
  type World,
} from '../support/reliability/world.ts';

const CATALOGUE = readFileSync(new URL('../../infra/catalogues/reference-app.json', import.meta.url), 'utf8');
const API = 'https://api.example.com/prod/';
/** The pools' mail through an SES identity of the account (Cognito's own is ~50 a day). */
const SES_IDENTITY = 'arn:aws:ses:us-east-1:000000000000:identity/acme.example';
const SENDER = 'Acme <no-reply@acme.example>';
const SETTINGS = {
  TIER_CATALOGUE: CATALOGUE,
  API_GATEWAY_URL: API,
  COGNITO_EMAIL_SOURCE_ARN: SES_IDENTITY,
  COGNITO_EMAIL_FROM: SENDER,
};

/** Cognito of the world's simulated cloud (read from its state file, as another process would). */
const cognitoOf = (stateDir: string) => {
  const sim = cloudAt(stateDir);
  return { sim, cognito: sim.attach(new CognitoIdentityProviderClient(LOCAL_CLIENT)) };
};

/** Every invitation Cognito mailed in the world, as `pool → address`. */
const invitationsOf = (stateDir: string): string[] =>
  cognitoOf(stateDir)
    .sim.read('messages')
    .map((message) => `${message.userPoolId} → ${message.email} via ${message.via} as ${message.from}`);

const tenantConfigSchema = z.object({
  userPoolId: z.string(),
  appClientId: z.string(),
  apiGatewayUrl: z.string(),
  routing: z.object({ headerValue: z.string() }),
});

/** The tenantConfig of a success event's detail. */
const tenantConfigOf = (detail: unknown) => {
  const data = z
    .object({ jobOutput: z.object({ tenantData: z.object({ tenantConfig: z.string() }) }) })
    .parse(detail);
  return tenantConfigSchema.parse(JSON.parse(data.jobOutput.tenantData.tenantConfig));
};

/** Per tier of the reference application: its proxy and three companions (a service and a revision each). */
const APP_TYPES = [
  'listener-rule',
  ...Array(4).fill('service'),
  'target-group',
  ...Array(4).fill('task-definition'),
  // Its orders and products tables (test/integration/tables.test.ts).
  ...Array(2).fill('table'),
  'user-pool',
].sort();

describe('a tenant’s own identity (the reference application’s catalogue)', () => {
  let world: World;
  const advanced: TestTenant = newTenant('advanced');
  const premium: TestTenant = newTenant('premium');

  beforeAll(async () => {
    world = await openWorld([], { settings: SETTINGS });
  });

  afterAll(async () => {
    await world?.close();
    removeWorldDirs();
  });

  it('onboards an advanced and a premium tenant, each with its own pool, client, group and admin user, named in tenantConfig', async () => {
    // Act
    const results = await world.send([
      lifecycleEvent('onboard', advanced),
      lifecycleEvent('onboard', premium),
    ]);
    const { cognito } = cognitoOf(world.stateDir);

    // Assess
    expect(results.map((result) => result.outcome)).toEqual(['succeeded', 'succeeded']);
    const pools = (await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools ?? [];
    expect(pools).toHaveLength(2);
    for (const [tenant, result] of [
      [advanced, results[0]],
      [premium, results[1]],
    ] as const) {
      const record = await world.runtime.tenant(tenant.tenantId);
      const identity = record?.resources.identity;
      const config = tenantConfigOf(result?.statusEvent?.detail);
      expect(config.userPoolId).toBe(identity?.userPoolId);
      expect(config.appClientId).toBe(identity?.appClientId);
      expect(config.apiGatewayUrl).toBe(API);
      expect(config.routing.headerValue).toBe(tenant.tenantId);
      const poolId = identity?.userPoolId ?? '';
      const clients = await cognito.send(
        new ListUserPoolClientsCommand({ UserPoolId: poolId, MaxResults: 10 }),
      );
      expect(clients.UserPoolClients?.map((c) => [c.ClientName, c.ClientId])).toEqual([
        ['web', identity?.appClientId],
      ]);
      const group = await cognito.send(
        new GetGroupCommand({ UserPoolId: poolId, GroupName: tenant.tenantId }),
      );
      expect(group.Group?.GroupName).toBe(tenant.tenantId);
      const admin = await cognito.send(
        new AdminGetUserCommand({ UserPoolId: poolId, Username: 'ops@example.com' }),
      );
      const attributes = Object.fromEntries((admin.UserAttributes ?? []).map((a) => [a.Name, a.Value]));
      expect(attributes).toMatchObject({
        email: 'ops@example.com',
        'custom:tenantId': tenant.tenantId,
        'custom:tenantTier': tenant.tier,
        'custom:userRole': 'TenantAdmin',
      });
      expect(identity?.adminUser).toBe(admin.Username);
      const expected = tenant.tier === 'premium' ? [...APP_TYPES, 'cluster'].sort() : APP_TYPES;
      expect(typesOf(world, tenant.tenantId)).toEqual(expected);
      // `tenantflow status` names the pool and what is in it.
      const shown = record ? tenantText(record, false).join('\n') : '';
      expect(shown).toContain(`identity=${identity?.arn}`);
      expect(shown).toContain(
        `identity pool ${poolId}, app client ${identity?.appClientId}, hosted UI ${identity?.domain}, group ${tenant.tenantId}, admin ops@example.com (user ${admin.Username}), invited ${identity?.invitedAt}`,
      );
      // The hosted-UI domain is the pool's, as Cognito describes it, named after the tenant.
      const described = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
      expect(described.UserPool?.Domain).toBe(identity?.domain);
      expect(identity?.domain).toMatch(new RegExp(`^tf-${tenant.tenantId}-[0-9a-f]{16}$`));
    }
    // One invitation each, mailed once the tenant served healthy (InviteAdmin runs after WaitForHealthy).
    const poolIds = await Promise.all(
      [advanced, premium].map(
        async (tenant) => (await world.runtime.tenant(tenant.tenantId))?.resources.identity?.userPoolId,
      ),
    );
    expect(invitationsOf(world.stateDir).sort()).toEqual(
      poolIds.map((id) => `${id} → ops@example.com via ${SES_IDENTITY} as ${SENDER}`).sort(),
    );
    for (const execution of new Set(world.progress.map((p) => p.execution))) {
      const steps = world.progress.filter((p) => p.execution === execution && p.ok).map((p) => p.step);
      expect(steps.indexOf('InviteAdmin')).toBeGreaterThan(steps.lastIndexOf('WaitForHealthy'));
      expect(steps.indexOf('InviteAdmin')).toBeLessThan(steps.indexOf('ActivateTenant'));
    }
    expect((await world.runtime.reconcile({ repair: false })).drifts).toEqual([]);
    expect((await world.check()).fresh).toEqual([]);
  });

  it('removes the pool it made when the onboarding fails after it, leaving nothing of the tenant; a retry onboards it', async () => {
    // Prepare
    const failing = newTenant('advanced');
    world = await world.reopen([{ step: 'WaitForHealthy', kind: 'fatal', count: 1 }]);
    const invitedBefore = invitationsOf(world.stateDir);

    // Act
    const [result] = await world.send([lifecycleEvent('onboard', failing)]);
    const record = await world.runtime.tenant(failing.tenantId);

    // Assess
    expect(result?.outcome).toBe('failed');
    expect(world.progress.map((p) => p.step)).toContain('DeleteUserPool');
    expect(record?.resources).toEqual({});
    expect(typesOf(world, failing.tenantId)).toEqual([]);
    world = await world.reopen([]);
    // Its admin was never invited to the pool that is gone.
    expect(invitationsOf(world.stateDir)).toEqual(invitedBefore);

    // The control plane's retry (the event `tenantflow retry` sends) carries the address the record
    // kept: it onboards.
    expect(record?.email).toBe('ops@example.com');
    if (!record) throw new Error('no record of the failed tenant');
    const [retried] = await world.send([retryEvent(world.runtime.config, record, 'onboard')]);
    const after = await world.runtime.tenant(failing.tenantId);
    expect(retried?.outcome).toBe('succeeded');
    expect(after?.resources.identity?.adminEmail).toBe('ops@example.com');
    expect(invitationsOf(world.stateDir)).toEqual([
      ...invitedBefore,
      `${after?.resources.identity?.userPoolId} → ops@example.com via ${SES_IDENTITY} as ${SENDER}`,
    ]);
    expect(typesOf(world, failing.tenantId)).toEqual(APP_TYPES);
    const [gone] = await world.send([lifecycleEvent('offboard', failing)]);
    expect(gone?.outcome).toBe('succeeded');
    expect(typesOf(world, failing.tenantId)).toEqual([]);
  });

  it('finds a pool deleted by hand missing, and makes it again with its client, group and admin user', async () => {
    // Prepare
    const before = (await world.runtime.tenant(advanced.tenantId))?.resources.identity;
    world = await world.reopen([], async (stateDir) => {
      const { sim, cognito } = cognitoOf(stateDir);
      // As a person must: the pool's hosted-UI domain first (Cognito refuses the pool otherwise).
      await cognito.send(
        new DeleteUserPoolDomainCommand({
          UserPoolId: before?.userPoolId ?? '',
          Domain: before?.domain ?? '',
        }),
      );
      await cognito.send(new DeleteUserPoolCommand({ UserPoolId: before?.userPoolId ?? '' }));
      sim.save();
    });

    // Act
    const report = await world.runtime.reconcile({ repair: false });
    const repair = await world.runtime.reconcile({ repair: true });
    const again = await world.runtime.reconcile({ repair: false });
    const after = (await world.runtime.tenant(advanced.tenantId))?.resources.identity;

    // Assess
    expect(report.drifts.map((d) => `${d.kind} ${d.resource} ${d.tenantId}`)).toEqual([
      `missing identity ${advanced.tenantId}`,
    ]);
    expect(repair.drifts.map((d) => d.repair)).toEqual(['repaired']);
    expect(again.drifts).toEqual([]);
    expect(after?.userPoolId).not.toBe(before?.userPoolId);
    expect(after?.appClientId).toBeDefined();
    expect(after?.adminUser).toBeDefined();
    // The tenant is running: the admin of the pool made again is invited at once.
    expect(after?.invitedAt).toBeDefined();
    expect(invitationsOf(world.stateDir)).toContain(
      `${after?.userPoolId} → ops@example.com via ${SES_IDENTITY} as ${SENDER}`,
    );
    expect(typesOf(world, advanced.tenantId)).toEqual(APP_TYPES);
  });

  it('reports a pool tagged for a tenant that no record names as an orphan, and its repair deletes it', async () => {
    // Prepare: a pool as a try that died before recording it would leave, tagged for the tenant.
    const tags = { 'tenantflow:tenant-id': advanced.tenantId, 'tenantflow:managed-by': 'tenantflow' };
    let strayId = '';
    world = await world.reopen([], async (stateDir) => {
      const { sim, cognito } = cognitoOf(stateDir);
      const made = await cognito.send(
        new CreateUserPoolCommand({ PoolName: 'tf-stray', UserPoolTags: tags }),
      );
      strayId = made.UserPool?.Id ?? '';
      sim.save();
    });

    // Act
    const report = await world.runtime.reconcile({ repair: false });
    const repair = await world.runtime.reconcile({ repair: true });
    const { cognito } = cognitoOf(world.stateDir);
    const pools = (await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools ?? [];

    // Assess
    expect(report.drifts.map((d) => `${d.kind} ${d.resource} ${d.tenantId}`)).toEqual([
      `orphan identity ${advanced.tenantId}`,
    ]);
    expect(repair.drifts.map((d) => d.repair)).toEqual(['repaired']);
    expect(pools.map((pool) => pool.Id)).not.toContain(strayId);
    expect((await world.runtime.reconcile({ repair: false })).drifts).toEqual([]);
    expect(typesOf(world, advanced.tenantId)).toEqual(APP_TYPES);
  });

  it('refuses to migrate a tenant with its own pool, before anything changes, saying why', async () => {
    // Prepare
    const before = await world.runtime.tenant(advanced.tenantId);
    const move: TestTenant = { ...advanced, target: 'premium' };

    // Act
    const [result] = await world.send([lifecycleEvent('migrate', move)]);
    const after = await world.runtime.tenant(advanced.tenantId);

    // Assess
    expect(result?.outcome).toBe('failed');
    expect(after?.lifecycleStatus).toBe('ACTIVE');
    expect(after?.lastError?.reason).toContain('own user pool');
    expect(after?.placement).toEqual(before?.placement);
    expect(after?.resources).toEqual(before?.resources);
    expect(typesOf(world, advanced.tenantId)).toEqual(APP_TYPES);
  });

  it('refuses an onboarding without an email before anything is made, naming the field', async () => {
    // Prepare
    const nameless = newTenant('advanced');
    const event = lifecycleEvent('onboard', nameless);
    const detail = z.record(z.string(), z.unknown()).parse(event.detail);
    delete detail.email;

    // Act
    const [result] = await world.send([{ ...event, detail }]);

    // Assess
    expect(result?.outcome).toBe('failed');
    expect(result?.statusEvent?.detail).toMatchObject({
      jobOutput: { tenantRegistrationData: { registrationStatus: 'failed' } },
    });
    expect(JSON.stringify(result?.statusEvent?.detail)).toContain('email');
    expect(typesOf(world, nameless.tenantId)).toEqual([]);
  });

  it('offboards both, leaving no pool and nothing else of either', async () => {
    // Act
    const results = await world.send([
      lifecycleEvent('offboard', advanced),
      lifecycleEvent('offboard', premium),
    ]);
    const { cognito } = cognitoOf(world.stateDir);
    const pools = (await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools ?? [];

    // Assess
    expect(results.map((result) => result.outcome)).toEqual(['succeeded', 'succeeded']);
    expect(pools).toEqual([]);
    expect(typesOf(world, advanced.tenantId)).toEqual([]);
    expect(typesOf(world, premium.tenantId)).toEqual([]);
    expect((await world.check()).fresh).toEqual([]);
  });
});
