/**
 * The tenant's identity (a placement with `identity: own-pool`): a Cognito user pool of its own,
 * named deterministically and tagged as the tenant's; in it the app client the tenant's web app signs
 * in with (`tenantConfig.appClientId`), its hosted-UI domain, a group named after the tenant id, and
 * the onboarding event's `email` as the admin user in that group (invited by InviteAdmin once the
 * tenant serves healthy). Cognito does not keep pool
 * names unique, so the step finds the tenant's pool by name and tag before it makes one, and records
 * the pool as soon as it exists: a step that dies half-way leaves the record naming it.
 */
import { ownsUserPool } from '../domain/capabilities.ts';
import { FatalError, ValidationError } from '../domain/errors.ts';
import { hostedUiDomain, ownership, tenantTags } from '../domain/naming.ts';
import { type ResourceOf, withoutResource } from '../domain/resources.ts';
import type { SagaState } from '../domain/saga-state.ts';
import type { UserPoolInfo } from '../ports/identity-provider.ts';
import { checkpoint } from './checkpoint.ts';
import { namesFor, notOurs, ownServicePlacement } from './placement.ts';
import type { Step, StepDeps } from './types.ts';

/** The app client of every tenant pool. */
export const APP_CLIENT_NAME = 'web';

/** The custom attributes every user of a tenant pool carries, as the reference's app reads them. */
export const USER_ATTRIBUTES = ['tenantId', 'tenantTier', 'tenantName', 'userRole'] as const;

/** The role of the admin user an onboarding makes. */
export const ADMIN_ROLE = 'TenantAdmin';

/** What a mail address must look like to be the admin user's name (Cognito checks it further). */
const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]+$/;

/**
 * The admin user's address: the onboarding event's `email` (a repair's: the one the record kept, see
 * `TenantRecord.email`). A
 * placement that owns a pool needs one (its admin user signs in with it); `ValidationError` naming
 * the field otherwise.
 */
export const adminEmail = (state: Pick<SagaState, 'request' | 'placement'>): string => {
  const email = state.request.attributes.email;
  const tier = state.placement?.tier ?? 'this tier';
  if (typeof email !== 'string' || email.trim() === '')
    throw new ValidationError(
      'email',
      `is required: tier ${tier} gives each tenant its own user pool, whose admin user signs in with it`,
    );
  const trimmed = email.trim();
  if (trimmed.length > 254 || !EMAIL.test(trimmed))
    throw new ValidationError('email', `${JSON.stringify(trimmed.slice(0, 80))} is not a mail address`);
  return trimmed;
};

/** The pool id a user pool ARN names (`arn:…:userpool/<id>`). */
export const userPoolIdOfArn = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1);

/** The pools of the tenant's name that are the tenant's (by tag), the oldest first (then by id). */
const poolsOfTenant = async (deps: StepDeps, name: string, tenantId: string): Promise<UserPoolInfo[]> =>
  (await deps.identity.findUserPools(name))
    .filter((pool) => ownership(pool.tags, tenantId) === 'ours')
    .sort((a, b) => (a.createdAt ?? 0) - (b.createdAt ?? 0) || a.id.localeCompare(b.id));

/**
 * Whether a pool is this deployment's: tenantflow's tags for the tenant, and a name under the
 * deployment's resource prefix. A pool's ARN carries a generated id, not its name, so the prefix that
 * keeps two deployments' ECS and ELB resources apart (in names and in IAM) is checked here instead.
 */
export const isDeploymentPool = (deps: StepDeps, pool: UserPoolInfo, tenantId: string): boolean =>
  pool.name.startsWith(`${deps.config.resourcePrefix}-`) && ownership(pool.tags, tenantId) === 'ours';

const withIdentity = (state: SagaState, identity: ResourceOf<'identity'>): SagaState => ({
  ...state,
  resources: { ...state.resources, identity },
});

/**
 * CreateUserPool: the tenant's pool (the recorded one, else the one of its name tagged as the
 * tenant's, else a new one; another of its name and tags, made by a try that died before recording
 * it, is deleted), recorded at once; then its app client, its hosted-UI domain, the tenant's group and the admin
 * user in it.
 * A placement without a pool of its own makes nothing (and calls nothing).
 */
export const createUserPool: Step = async (state, deps, ctx) => {
  if (!ownsUserPool(state.placement)) return state;
  const startedAt = deps.now();
  const placement = ownServicePlacement(state, 'CreateUserPool');
  const { tenantId, tenantName } = state.request;
  const email = adminEmail(state);
  const { userPoolName } = namesFor(deps.config, tenantId, placement);
  const recorded = state.resources.identity;
  let pool = recorded ? await deps.identity.describeUserPool(recorded.userPoolId) : undefined;
  if (pool && !isDeploymentPool(deps, pool, tenantId)) pool = undefined;
  if (!pool) {
    const [found, ...extra] = await poolsOfTenant(deps, userPoolName, tenantId);
    for (const duplicate of extra) await deps.identity.deleteUserPool(duplicate.id);
    pool =
      found ??
      (await deps.identity.createUserPool({
        name: userPoolName,
        tags: tenantTags(tenantId, placement.tier),
        customAttributes: USER_ATTRIBUTES,
        ...(deps.config.cognitoEmail ? { email: deps.config.cognitoEmail } : {}),
      }));
  }
  let next = withIdentity(state, { name: pool.name, userPoolId: pool.id, arn: pool.arn, adminEmail: email });
  if (recorded?.userPoolId !== pool.id) await checkpoint(deps, ctx, next, 'CreateUserPool', startedAt);
  const appClientId = await deps.identity.ensureAppClient(pool.id, APP_CLIENT_NAME);
  const domain = hostedUiDomain(deps.config.resourcePrefix, tenantId, pool.id);
  await deps.identity.ensureDomain(pool.id, domain);
  await deps.identity.ensureGroup(pool.id, tenantId, `The users of tenant ${tenantId}`);
  const adminUser = await deps.identity.ensureAdminUser(pool.id, {
    email,
    group: tenantId,
    attributes: { tenantId, tenantTier: placement.tier, tenantName, userRole: ADMIN_ROLE },
    // Mailed by InviteAdmin once the tenant serves healthy: a tenant that fails before never invites anyone.
    invitation: 'suppress',
  });
  next = withIdentity(next, {
    name: pool.name,
    userPoolId: pool.id,
    arn: pool.arn,
    appClientId,
    domain,
    group: tenantId,
    adminEmail: email,
    adminUser,
  });
  await checkpoint(deps, ctx, next, 'CreateUserPool', startedAt);
  return next;
};

/**
 * InviteAdmin: mails the admin user its invitation (Cognito's resend, a fresh temporary password) once
 * the tenant serves healthy, and records when. A tenant without a pool of its own, or whose admin was
 * invited already, has nothing to do (and calls nothing). An admin who has signed in needs none; one
 * gone from the pool since CreateUserPool made it (deleted by hand) fails the step for good: nobody
 * would sign in to the tenant, so the onboarding is undone.
 */
export const inviteAdmin: Step = async (state, deps, ctx) => {
  const identity = state.resources.identity;
  if (!identity?.adminUser || identity.invitedAt !== undefined) return state;
  const startedAt = deps.now();
  // The pool signs in by email: the address names the user (its name in the pool is a generated id).
  const email = identity.adminEmail ?? adminEmail(state);
  const outcome = await deps.identity.inviteUser(identity.userPoolId, email);
  if (outcome === 'absent')
    throw new FatalError(
      `the admin user ${identity.adminUser} (${email}) of pool ${identity.userPoolId} is gone: nobody to invite`,
    );
  const next = withIdentity(state, { ...identity, invitedAt: deps.now().toISOString() });
  await checkpoint(deps, ctx, next, 'InviteAdmin', startedAt);
  return next;
};

/**
 * DeleteUserPool: the pool the record names and every pool of the tenant's name (for a placement
 * that owns one: a try may have made it and died before recording it), each only when tagged as the
 * tenant's. Deleting a pool deletes its users, group and client. Gone already is done.
 */
export const deleteUserPool: Step = async (state, deps, ctx) => {
  const recorded = state.resources.identity;
  const owns = ownsUserPool(state.placement);
  if (!recorded && !owns) return state;
  const startedAt = deps.now();
  const { tenantId } = state.request;
  const skipped: string[] = [];
  const ids = new Set<string>();
  if (recorded) {
    const pool = await deps.identity.describeUserPool(recorded.userPoolId);
    if (pool && isDeploymentPool(deps, pool, tenantId)) ids.add(pool.id);
    else if (pool) skipped.push(pool.id);
  }
  if (owns) {
    const { userPoolName } = namesFor(deps.config, tenantId, state.placement);
    for (const pool of await poolsOfTenant(deps, userPoolName, tenantId)) ids.add(pool.id);
  }
  for (const id of ids) await deps.identity.deleteUserPool(id);
  const next: SagaState = { ...state, resources: withoutResource(state.resources, 'identity') };
  await checkpoint(deps, ctx, next, 'DeleteUserPool', startedAt, notOurs(skipped, 'Cognito user pool'));
  return next;
};
