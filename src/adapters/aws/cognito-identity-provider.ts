import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  type CognitoIdentityProviderClientConfig,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
  DeleteUserPoolCommand,
  DeleteUserPoolDomainCommand,
  DescribeUserPoolCommand,
  GetGroupCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  type UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider';
import { FatalError } from '../../domain/errors.ts';
import type { Tag } from '../../domain/naming.ts';
import type {
  AdminUserSpec,
  IdentityProvider,
  InvitationOutcome,
  UserPoolInfo,
  UserPoolSpec,
} from '../../ports/identity-provider.ts';
import { type ClientOptions, resolveClient } from './client-options.ts';
import { awsErrorName, translateAwsError } from './errors.ts';

/** Options of {@link CognitoIdentityProvider}: a `CognitoIdentityProviderClient` or its configuration. */
export type CognitoIdentityProviderOptions = ClientOptions<
  CognitoIdentityProviderClient,
  CognitoIdentityProviderClientConfig
>;

/** ListUserPools' largest page. */
const POOLS_PER_PAGE = 60;

const isNamed = (error: unknown, ...names: string[]): boolean => names.includes(awsErrorName(error) ?? '');

const toTags = (tags: Record<string, string> | undefined): Tag[] =>
  Object.entries(tags ?? {}).map(([key, value]) => ({ key, value }));

const toPoolInfo = (pool: UserPoolType | undefined, context: string): UserPoolInfo => {
  if (!pool?.Id || !pool.Name || !pool.Arn)
    throw new FatalError(`${context}: the answer has no pool id, name or ARN`);
  return {
    id: pool.Id,
    name: pool.Name,
    arn: pool.Arn,
    tags: toTags(pool.UserPoolTags),
    ...(pool.CreationDate ? { createdAt: pool.CreationDate.getTime() } : {}),
    ...(pool.Domain ? { domain: pool.Domain } : {}),
  };
};

/** {@link IdentityProvider} on Amazon Cognito user pools. */
export class CognitoIdentityProvider implements IdentityProvider {
  readonly #client: CognitoIdentityProviderClient;

  constructor(options: CognitoIdentityProviderOptions = {}) {
    this.#client = resolveClient(
      'CognitoIdentityProvider',
      options,
      (config) => new CognitoIdentityProviderClient(config ?? {}),
    );
  }

  async describeUserPool(id: string): Promise<UserPoolInfo | undefined> {
    const context = `Cognito DescribeUserPool ${id}`;
    try {
      const out = await this.#client.send(new DescribeUserPoolCommand({ UserPoolId: id }));
      return toPoolInfo(out.UserPool, context);
    } catch (error) {
      if (isNamed(error, 'ResourceNotFoundException')) return undefined;
      throw translateAwsError(error, context);
    }
  }

  /** Every pool's id and name, page by page (ListUserPools carries neither ARN nor tags). */
  async #pools(): Promise<Array<{ id: string; name: string }>> {
    const pools: Array<{ id: string; name: string }> = [];
    let token: string | undefined;
    do {
      const context = 'Cognito ListUserPools';
      try {
        const out = await this.#client.send(
          new ListUserPoolsCommand({ MaxResults: POOLS_PER_PAGE, ...(token ? { NextToken: token } : {}) }),
        );
        for (const pool of out.UserPools ?? [])
          if (pool.Id && pool.Name) pools.push({ id: pool.Id, name: pool.Name });
        token = out.NextToken || undefined;
      } catch (error) {
        throw translateAwsError(error, context);
      }
    } while (token);
    return pools;
  }

  async findUserPools(name: string): Promise<UserPoolInfo[]> {
    const found: UserPoolInfo[] = [];
    for (const pool of await this.#pools()) {
      if (pool.name !== name) continue;
      const info = await this.describeUserPool(pool.id);
      if (info) found.push(info);
    }
    return found;
  }

  async countUserPools(): Promise<number> {
    return (await this.#pools()).length;
  }

  async createUserPool(spec: UserPoolSpec): Promise<UserPoolInfo> {
    const context = `Cognito CreateUserPool ${spec.name}`;
    try {
      const out = await this.#client.send(
        new CreateUserPoolCommand({
          PoolName: spec.name,
          UserPoolTags: Object.fromEntries(spec.tags.map((tag) => [tag.key, tag.value])),
          // Users sign in with their email, and only an administrator makes them (no self sign-up).
          UsernameAttributes: ['email'],
          // `Ops@Acme.example` signs in as `ops@acme.example` (fixed once the pool exists).
          UsernameConfiguration: { CaseSensitive: false },
          AutoVerifiedAttributes: ['email'],
          AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
          DeletionProtection: 'INACTIVE',
          ...(spec.email
            ? {
                EmailConfiguration: {
                  EmailSendingAccount: 'DEVELOPER',
                  SourceArn: spec.email.sourceArn,
                  ...(spec.email.from ? { From: spec.email.from } : {}),
                },
              }
            : {}),
          Schema: spec.customAttributes.map((name) => ({
            Name: name,
            AttributeDataType: 'String',
            Mutable: true,
          })),
        }),
      );
      return toPoolInfo(out.UserPool, context);
    } catch (error) {
      throw translateAwsError(error, context);
    }
  }

  async deleteUserPool(id: string): Promise<void> {
    // Cognito refuses to delete a pool with a domain: the domain goes first.
    const domain = (await this.describeUserPool(id))?.domain;
    if (domain) {
      const context = `Cognito DeleteUserPoolDomain ${domain} of ${id}`;
      try {
        await this.#client.send(new DeleteUserPoolDomainCommand({ UserPoolId: id, Domain: domain }));
      } catch (error) {
        if (!isNamed(error, 'ResourceNotFoundException')) throw translateAwsError(error, context);
      }
    }
    const context = `Cognito DeleteUserPool ${id}`;
    try {
      await this.#client.send(new DeleteUserPoolCommand({ UserPoolId: id }));
    } catch (error) {
      if (isNamed(error, 'ResourceNotFoundException')) return;
      throw translateAwsError(error, context);
    }
  }

  async ensureDomain(poolId: string, domain: string): Promise<void> {
    const pool = await this.describeUserPool(poolId);
    if (!pool)
      throw new FatalError(`Cognito user pool ${poolId} does not exist: no domain can be made for it`);
    if (pool.domain === domain) return;
    if (pool.domain)
      throw new FatalError(`Cognito user pool ${poolId} has the domain ${pool.domain}, not ${domain}`);
    const context = `Cognito CreateUserPoolDomain ${domain} for ${poolId}`;
    try {
      await this.#client.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: domain }));
    } catch (error) {
      // Taken by another pool (of this account or any other): a name to change, not a moment's state.
      if (isNamed(error, 'InvalidParameterException'))
        throw new FatalError(`${context}: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
        });
      throw translateAwsError(error, context);
    }
  }

  async ensureAppClient(poolId: string, name: string): Promise<string> {
    let context = `Cognito ListUserPoolClients ${poolId}`;
    try {
      let token: string | undefined;
      do {
        const out = await this.#client.send(
          new ListUserPoolClientsCommand({
            UserPoolId: poolId,
            MaxResults: 60,
            ...(token ? { NextToken: token } : {}),
          }),
        );
        const client = out.UserPoolClients?.find((candidate) => candidate.ClientName === name);
        if (client?.ClientId) return client.ClientId;
        token = out.NextToken || undefined;
      } while (token);
      context = `Cognito CreateUserPoolClient ${poolId} ${name}`;
      const made = await this.#client.send(
        new CreateUserPoolClientCommand({
          UserPoolId: poolId,
          ClientName: name,
          // A browser app: public, no secret; SRP sign-in and token refresh.
          GenerateSecret: false,
          ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
          PreventUserExistenceErrors: 'ENABLED',
        }),
      );
      const id = made.UserPoolClient?.ClientId;
      if (!id) throw new FatalError(`${context}: the answer has no client id`);
      return id;
    } catch (error) {
      throw translateAwsError(error, context);
    }
  }

  async ensureGroup(poolId: string, name: string, description: string): Promise<void> {
    let context = `Cognito GetGroup ${poolId} ${name}`;
    try {
      try {
        await this.#client.send(new GetGroupCommand({ UserPoolId: poolId, GroupName: name }));
        return;
      } catch (error) {
        if (!isNamed(error, 'ResourceNotFoundException')) throw error;
      }
      context = `Cognito CreateGroup ${poolId} ${name}`;
      await this.#client.send(
        new CreateGroupCommand({ UserPoolId: poolId, GroupName: name, Description: description }),
      );
    } catch (error) {
      // Made between the look and the create (a retry whose first try was answered late): there it is.
      if (isNamed(error, 'GroupExistsException')) return;
      throw translateAwsError(error, context);
    }
  }

  async ensureAdminUser(poolId: string, user: AdminUserSpec): Promise<string> {
    let context = `Cognito AdminGetUser ${poolId} ${user.email}`;
    try {
      let username: string | undefined;
      try {
        const out = await this.#client.send(
          new AdminGetUserCommand({ UserPoolId: poolId, Username: user.email }),
        );
        username = out.Username;
      } catch (error) {
        if (!isNamed(error, 'UserNotFoundException')) throw error;
      }
      if (username === undefined) {
        context = `Cognito AdminCreateUser ${poolId} ${user.email}`;
        try {
          const made = await this.#client.send(
            new AdminCreateUserCommand({
              UserPoolId: poolId,
              Username: user.email,
              DesiredDeliveryMediums: ['EMAIL'],
              ...(user.invitation === 'suppress' ? { MessageAction: 'SUPPRESS' as const } : {}),
              UserAttributes: [
                { Name: 'email', Value: user.email },
                { Name: 'email_verified', Value: 'true' },
                ...Object.entries(user.attributes).map(([name, value]) => ({
                  Name: `custom:${name}`,
                  Value: value,
                })),
              ],
            }),
          );
          username = made.User?.Username ?? user.email;
        } catch (error) {
          if (!isNamed(error, 'UsernameExistsException')) throw error;
          // Made by a try answered late: its name in the pool (a generated id when users sign in by
          // email), as the look above would have found it.
          context = `Cognito AdminGetUser ${poolId} ${user.email}`;
          const out = await this.#client.send(
            new AdminGetUserCommand({ UserPoolId: poolId, Username: user.email }),
          );
          username = out.Username ?? user.email;
        }
      }
      context = `Cognito AdminAddUserToGroup ${poolId} ${user.group}`;
      // Adding a user already in the group is no error.
      await this.#client.send(
        new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: username, GroupName: user.group }),
      );
      return username;
    } catch (error) {
      throw translateAwsError(error, context);
    }
  }

  async inviteUser(poolId: string, signInName: string): Promise<InvitationOutcome> {
    try {
      await this.#client.send(
        new AdminCreateUserCommand({
          UserPoolId: poolId,
          // A pool that signs in by email takes the address here, not the user's generated name.
          Username: signInName,
          MessageAction: 'RESEND',
          DesiredDeliveryMediums: ['EMAIL'],
        }),
      );
      return 'sent';
    } catch (error) {
      if (isNamed(error, 'UserNotFoundException')) return 'absent';
      // A user who has changed the temporary password has no invitation to resend.
      if (isNamed(error, 'UnsupportedUserStateException')) return 'signed-in';
      throw translateAwsError(error, `Cognito AdminCreateUser (resend) ${poolId} ${signInName}`);
    }
  }
}
