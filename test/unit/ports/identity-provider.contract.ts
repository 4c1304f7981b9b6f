/**
 * The IdentityProvider port's contract, one spec for every implementation: the in-memory fake, the
 * adapter on the simulated cloud (identity-provider.contract.test.ts) and the adapter on moto
 * (test/aws/identity.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Tag } from '../../../src/domain/naming.ts';
import type { IdentityProvider } from '../../../src/ports/identity-provider.ts';
import type { Implementation } from './implementations.ts';

const TAGS: Tag[] = [
  { key: 'tenantflow:tenant-id', value: 'acme' },
  { key: 'tenantflow:managed-by', value: 'tenantflow' },
];
const ATTRIBUTES = ['tenantId', 'userRole'];

export const identityProviderContract = (
  implementations: readonly Implementation<IdentityProvider>[],
): void =>
  describe.each(implementations)('IdentityProvider contract: $name', ({ make }) => {
    it('creates a pool with its tags, finds it by id and by name, counts it, and deletes it; gone is undefined, deleting again no error', async () => {
      // Prepare
      const identity = await make();
      const before = await identity.countUserPools();

      // Act
      const made = await identity.createUserPool({
        name: 'tf-acme-1',
        tags: TAGS,
        customAttributes: ATTRIBUTES,
      });
      const described = await identity.describeUserPool(made.id);
      const found = await identity.findUserPools('tf-acme-1');
      const counted = await identity.countUserPools();
      await identity.deleteUserPool(made.id);
      const gone = await identity.describeUserPool(made.id);
      await identity.deleteUserPool(made.id);

      // Assess
      expect(made.name).toBe('tf-acme-1');
      expect(made.arn).toMatch(new RegExp(`^arn:aws:cognito-idp:[a-z0-9-]+:\\d{12}:userpool/${made.id}$`));
      expect(described).toEqual({ ...made, tags: expect.arrayContaining(TAGS) });
      expect(found.map((pool) => pool.id)).toEqual([made.id]);
      expect(counted).toBe(before + 1);
      expect(gone).toBeUndefined();
      expect(await identity.findUserPools('tf-acme-1')).toEqual([]);
    });

    it('gives a pool its hosted-UI domain once, and frees it with the pool for another to take', async () => {
      // Prepare
      const identity = await make();
      const domain = `tf-acme-${Date.now().toString(36)}`;
      const first = await identity.createUserPool({ name: 'tf-domain-1', tags: TAGS, customAttributes: [] });
      const second = await identity.createUserPool({ name: 'tf-domain-2', tags: TAGS, customAttributes: [] });

      // Act
      await identity.ensureDomain(first.id, domain);
      await identity.ensureDomain(first.id, domain);
      const described = await identity.describeUserPool(first.id);
      await identity.deleteUserPool(first.id);
      const gone = await identity.describeUserPool(first.id);
      await identity.ensureDomain(second.id, domain);
      const moved = await identity.describeUserPool(second.id);
      await identity.deleteUserPool(second.id);

      // Assess
      expect(described?.domain).toBe(domain);
      expect(gone).toBeUndefined();
      expect(moved?.domain).toBe(domain);
      expect(await identity.describeUserPool(second.id)).toBeUndefined();
    });

    it('keeps two pools of one name apart (Cognito names are not unique)', async () => {
      // Prepare
      const identity = await make();

      // Act
      const first = await identity.createUserPool({ name: 'tf-twice', tags: TAGS, customAttributes: [] });
      const second = await identity.createUserPool({ name: 'tf-twice', tags: [], customAttributes: [] });
      const found = await identity.findUserPools('tf-twice');

      // Assess
      expect(first.id).not.toBe(second.id);
      expect(found.map((pool) => pool.id).sort()).toEqual([first.id, second.id].sort());
      expect(found.find((pool) => pool.id === second.id)?.tags).toEqual([]);
    });

    it('makes the app client, group and admin user once: asked again, the same client and user', async () => {
      // Prepare
      const identity = await make();
      const pool = await identity.createUserPool({
        name: 'tf-users',
        tags: TAGS,
        customAttributes: ATTRIBUTES,
      });
      const admin = {
        email: 'ops@acme.example',
        group: 'acme',
        attributes: { tenantId: 'acme', userRole: 'TenantAdmin' },
        invitation: 'suppress' as const,
      };

      // Act
      const client = await identity.ensureAppClient(pool.id, 'web');
      const clientAgain = await identity.ensureAppClient(pool.id, 'web');
      await identity.ensureGroup(pool.id, 'acme', 'the users of acme');
      await identity.ensureGroup(pool.id, 'acme', 'the users of acme');
      const user = await identity.ensureAdminUser(pool.id, admin);
      const userAgain = await identity.ensureAdminUser(pool.id, admin);

      // Assess
      expect(client).toMatch(/^\w+$/);
      expect(clientAgain).toBe(client);
      expect(user.length).toBeGreaterThan(0);
      expect(userAgain).toBe(user);
    });

    it('invites a user made without an invitation, and says so of a user that does not exist', async () => {
      // Prepare
      const identity = await make();
      const pool = await identity.createUserPool({
        name: 'tf-invite',
        tags: TAGS,
        customAttributes: ATTRIBUTES,
      });
      await identity.ensureGroup(pool.id, 'acme', 'the users of acme');
      await identity.ensureAdminUser(pool.id, {
        email: 'admin@acme.example',
        group: 'acme',
        attributes: { tenantId: 'acme' },
        invitation: 'suppress',
      });

      // Act: the pool signs in by email, so the address names the user.
      const sent = await identity.inviteUser(pool.id, 'admin@acme.example');
      const absent = await identity.inviteUser(pool.id, 'nobody@acme.example');

      // Assess
      expect({ sent, absent }).toEqual({ sent: 'sent', absent: 'absent' });
    });

    it('finds pools past the first page of ListUserPools (60 a page)', async () => {
      // Prepare
      const identity = await make();
      for (let i = 0; i < 61; i += 1)
        await identity.createUserPool({ name: `tf-page-${i}`, tags: [], customAttributes: [] });

      // Act
      const last = await identity.findUserPools('tf-page-60');
      const first = await identity.findUserPools('tf-page-0');

      // Assess
      expect(last).toHaveLength(1);
      expect(first).toHaveLength(1);
      expect(await identity.countUserPools()).toBeGreaterThanOrEqual(61);
    });

    it('fails to make a user in a group that does not exist, and anything in a pool that does not', async () => {
      // Prepare
      const identity = await make();
      const pool = await identity.createUserPool({
        name: 'tf-nogroup',
        tags: TAGS,
        customAttributes: ATTRIBUTES,
      });

      // Act and assess, one call at a time (a rejection is awaited before the next call).
      await expect(
        identity.ensureAdminUser(pool.id, {
          email: 'a@b.example',
          group: 'missing',
          attributes: {},
          invitation: 'send',
        }),
      ).rejects.toThrow();
      await identity.deleteUserPool(pool.id);
      await expect(identity.ensureAppClient(pool.id, 'web')).rejects.toThrow();
    });
  });

/** Cases where the implementations known to differ from AWS (see `ContractGap`) are left out. */
export const identityProviderStrictContract = (
  implementations: readonly Implementation<IdentityProvider>[],
): void =>
  describe.each(implementations.filter((i) => !i.gaps?.includes('cognito-domain-uniqueness')))(
    'IdentityProvider contract (domains unique in the Region): $name',
    ({ make }) => {
      it('refuses a domain another pool holds, naming it, and leaves both pools as they were', async () => {
        // Prepare
        const identity = await make();
        const domain = `tf-held-${Date.now().toString(36)}`;
        const holder = await identity.createUserPool({ name: 'tf-holder', tags: TAGS, customAttributes: [] });
        const other = await identity.createUserPool({ name: 'tf-other', tags: TAGS, customAttributes: [] });
        await identity.ensureDomain(holder.id, domain);

        // Act
        const taken = await identity.ensureDomain(other.id, domain).catch((error: unknown) => error);

        // Assess
        expect(taken).toMatchObject({ name: 'FatalError', message: expect.stringContaining(domain) });
        expect((await identity.describeUserPool(holder.id))?.domain).toBe(domain);
        expect((await identity.describeUserPool(other.id))?.domain).toBeUndefined();
        await identity.deleteUserPool(holder.id);
        await identity.deleteUserPool(other.id);
      });
    },
  );
