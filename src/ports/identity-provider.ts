/**
 * What tenantflow asks of the identity service (Amazon Cognito user pools): a tenant's own pool,
 * the app client its web app signs in with, a group named after the tenant, and its admin user.
 * Adapters translate "not found" into `undefined` (or nothing to do) and other failures into the
 * project's errors.
 */
import type { Tag } from '../domain/naming.ts';

/** A user pool as tenantflow sees it. */
export interface UserPoolInfo {
  id: string;
  name: string;
  arn: string;
  tags: Tag[];
  /** When it was created (epoch milliseconds), when the service says. */
  createdAt?: number;
  /** Its hosted-UI (prefix) domain, when it has one. */
  domain?: string;
}

/** A tenant's pool: its name (not unique in Cognito: tenantflow finds it by name and tag), tags. */
export interface UserPoolSpec {
  name: string;
  tags: Tag[];
  /** Custom attributes every user of the pool carries (`custom:<name>`), as the reference's app reads them. */
  customAttributes: readonly string[];
  /** Its mail through an SES identity (`EmailSendingAccount: DEVELOPER`); absent: Cognito's own. */
  email?: { sourceArn: string; from?: string };
}

/** The admin user of a tenant: signs in with `email`, is in `group`, carries `attributes`. */
export interface AdminUserSpec {
  email: string;
  group: string;
  /** Custom attribute values by name (without the `custom:` prefix). */
  attributes: Readonly<Record<string, string>>;
  /**
   * Whether Cognito mails the invitation (a temporary password) when the user is made: `suppress`
   * makes the user without it, for `inviteUser` to send once the tenant is ready.
   */
  invitation: 'send' | 'suppress';
}

/** What an invitation came to: mailed, not needed (the user has signed in already), or no such user. */
export type InvitationOutcome = 'sent' | 'signed-in' | 'absent';

export interface IdentityProvider {
  /** The pool with this id, or `undefined` when it does not exist. */
  describeUserPool(id: string): Promise<UserPoolInfo | undefined>;
  /** Every pool named `name` (Cognito allows several), with their tags. */
  findUserPools(name: string): Promise<UserPoolInfo[]>;
  /** How many pools the account has in the Region (the quota admission counts). */
  countUserPools(): Promise<number>;
  createUserPool(spec: UserPoolSpec): Promise<UserPoolInfo>;
  /**
   * Deletes a pool with everything in it (users, groups, clients), its hosted-UI domain first (Cognito
   * refuses to delete a pool that has one); one already gone is no error.
   */
  deleteUserPool(id: string): Promise<void>;
  /**
   * The pool's hosted-UI prefix domain (`<domain>.auth.<region>.amazoncognito.com`), made when the pool
   * has none. Domains are unique in the Region across accounts: one another pool holds is a FatalError.
   */
  ensureDomain(poolId: string, domain: string): Promise<void>;
  /** The id of the pool's app client named `name`, made (public, no secret, SRP sign-in) when absent. */
  ensureAppClient(poolId: string, name: string): Promise<string>;
  /** Group `name` in the pool, made when absent. */
  ensureGroup(poolId: string, name: string, description: string): Promise<void>;
  /**
   * The admin user, made when absent (invited or not, as `user.invitation` says), and in its group.
   * Returns the user's name in the pool.
   */
  ensureAdminUser(poolId: string, user: AdminUserSpec): Promise<string>;
  /**
   * Mails the user who signs in as `signInName` (its email, in a pool that signs in by email) its
   * invitation (again: Cognito's resend, with a fresh temporary password). A user who has signed in
   * already needs none.
   */
  inviteUser(poolId: string, signInName: string): Promise<InvitationOutcome>;
}
