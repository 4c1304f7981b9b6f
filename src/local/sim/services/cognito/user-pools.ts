import {
  type AdminAddUserToGroupCommandOutput,
  type AdminCreateUserCommandOutput,
  type AdminGetUserCommandOutput,
  type CreateGroupCommandOutput,
  type CreateUserPoolClientCommandOutput,
  type CreateUserPoolCommandOutput,
  type CreateUserPoolDomainCommandOutput,
  type DeleteUserPoolCommandOutput,
  type DeleteUserPoolDomainCommandOutput,
  type DescribeUserPoolCommandOutput,
  type GetGroupCommandOutput,
  GroupExistsException,
  InvalidParameterException,
  LimitExceededException,
  type ListUserPoolClientsCommandOutput,
  type ListUserPoolsCommandOutput,
  ResourceNotFoundException,
  UnsupportedUserStateException,
  UserNotFoundException,
  UsernameExistsException,
  type UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider';
import { z } from 'zod';
import { QUOTAS } from '../../../../domain/quota-names.ts';
import {
  arn,
  decodeToken,
  encodeToken,
  errorMetadata,
  nextHex,
  nextUuid,
  type SimContext,
} from '../../context.ts';
import type { Out } from '../../plugin.ts';
import type { UserPoolRecord } from './state.ts';

/*
 * Amazon Cognito user pools, as much as tenantflow uses: pools (tagged at creation, custom attributes
 * in their schema), app clients, groups, and users an administrator creates. A pool's clients, groups
 * and users live in its record, so deleting the pool deletes them, as Cognito does.
 */

const invalid = (message: string) => new InvalidParameterException({ message, $metadata: errorMetadata() });

const parse = <T extends z.ZodType>(schema: T, input: unknown): z.infer<T> => {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(
      `1 validation error detected: ${issue?.path.join('.') || 'input'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
};

const POOL_ID = z.string().regex(/^[\w-]+_[0-9a-zA-Z]+$/, 'must be a user pool id');

const notFound = (what: string) =>
  new ResourceNotFoundException({ message: `${what} does not exist.`, $metadata: errorMetadata() });

const poolOf = (ctx: SimContext, id: string): UserPoolRecord => {
  const pool = ctx.state.userPools.find((candidate) => candidate.id === id);
  if (!pool) throw notFound(`User pool ${id}`);
  return pool;
};

/** The pool as DescribeUserPool and CreateUserPool show it. */
const poolView = (pool: UserPoolRecord): UserPoolType => ({
  Id: pool.id,
  Name: pool.name,
  Arn: pool.arn,
  CreationDate: new Date(pool.createdAt),
  LastModifiedDate: new Date(pool.createdAt),
  UserPoolTags: Object.fromEntries(pool.tags.map((tag) => [tag.key, tag.value])),
  UsernameAttributes: pool.usernameAttributes.length
    ? ([...pool.usernameAttributes] as UserPoolType['UsernameAttributes'])
    : undefined,
  SchemaAttributes: pool.customAttributes.map((name) => ({
    Name: `custom:${name}`,
    AttributeDataType: 'String',
  })),
  EstimatedNumberOfUsers: pool.users.length,
  DeletionProtection: 'INACTIVE',
  ...(pool.domain ? { Domain: pool.domain } : {}),
  EmailConfiguration: pool.emailSource
    ? {
        EmailSendingAccount: 'DEVELOPER',
        SourceArn: pool.emailSource,
        ...(pool.emailFrom ? { From: pool.emailFrom } : {}),
      }
    : { EmailSendingAccount: 'COGNITO_DEFAULT' },
});

const createPoolInput = z.object({
  PoolName: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[\w\s+=,.@-]+$/u, 'must satisfy [\\w\\s+=,.@-]+'),
  UserPoolTags: z.record(z.string(), z.string()).optional(),
  UsernameAttributes: z.array(z.enum(['email', 'phone_number'])).optional(),
  Schema: z
    .array(z.object({ Name: z.string().min(1).max(20), AttributeDataType: z.string().optional() }))
    .max(50)
    .optional(),
  EmailConfiguration: z
    .object({
      EmailSendingAccount: z.enum(['COGNITO_DEFAULT', 'DEVELOPER']).optional(),
      SourceArn: z
        .string()
        .regex(/^arn:[\w+=/,.@-]+:ses:[\w+=/,.@-]*:[0-9]+:identity\/.+$/, 'must be an SES identity ARN')
        .optional(),
      From: z.string().min(1).optional(),
    })
    .optional(),
});

export const createUserPool = (ctx: SimContext, raw: unknown): Out<CreateUserPoolCommandOutput> => {
  const input = parse(createPoolInput, raw);
  const email = input.EmailConfiguration;
  if (email?.EmailSendingAccount === 'DEVELOPER' && !email.SourceArn)
    throw invalid('SourceArn is required when EmailSendingAccount is DEVELOPER.');
  if (ctx.state.userPools.length >= QUOTAS.userPoolsPerRegion.limit)
    throw new LimitExceededException({
      message: `The number of user pools in this Region has reached its limit (${QUOTAS.userPoolsPerRegion.limit}).`,
      $metadata: errorMetadata(),
    });
  const id = `${ctx.region}_${nextHex(ctx, 9)}`;
  const pool = ctx.write.add('userPools', {
    id,
    name: input.PoolName,
    arn: arn(ctx, 'cognito-idp', `userpool/${id}`),
    createdAt: ctx.now,
    tags: Object.entries(input.UserPoolTags ?? {}).map(([key, value]) => ({ key, value })),
    usernameAttributes: input.UsernameAttributes ?? [],
    customAttributes: (input.Schema ?? []).map((attribute) => attribute.Name),
    ...(email?.EmailSendingAccount === 'DEVELOPER' && email.SourceArn
      ? { emailSource: email.SourceArn, ...(email.From ? { emailFrom: email.From } : {}) }
      : {}),
    clients: [],
    groups: [],
    users: [],
  });
  return { UserPool: poolView(pool) };
};

const poolIdInput = z.object({ UserPoolId: POOL_ID });

export const describeUserPool = (ctx: SimContext, raw: unknown): Out<DescribeUserPoolCommandOutput> => {
  const input = parse(poolIdInput, raw);
  return { UserPool: poolView(poolOf(ctx, input.UserPoolId)) };
};

export const deleteUserPool = (ctx: SimContext, raw: unknown): Out<DeleteUserPoolCommandOutput> => {
  const input = parse(poolIdInput, raw);
  const pool = poolOf(ctx, input.UserPoolId);
  if (pool.domain)
    throw invalid(
      `User pool ${pool.id} has a domain configured (${pool.domain}) that must be deleted first.`,
    );
  ctx.write.remove('userPools', (candidate) => candidate.id === input.UserPoolId);
  return {};
};

/** A prefix domain as Cognito takes it (the API's pattern; the words Cognito reserves refused). */
const domainInput = z.object({
  UserPoolId: POOL_ID,
  Domain: z
    .string()
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'must satisfy ^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$'),
});

export const createUserPoolDomain = (
  ctx: SimContext,
  raw: unknown,
): Out<CreateUserPoolDomainCommandOutput> => {
  const input = parse(domainInput, raw);
  if (/aws|amazon|cognito/.test(input.Domain))
    throw invalid(`Domain cannot contain reserved word: ${input.Domain}`);
  const pool = poolOf(ctx, input.UserPoolId);
  if (ctx.state.userPools.some((other) => other.domain === input.Domain))
    throw invalid('Domain already associated with another user pool.');
  if (pool.domain) throw invalid(`User pool ${pool.id} already has a domain configured.`);
  ctx.write.touch('userPools', pool).domain = input.Domain;
  return { CloudFrontDomain: `${input.Domain}.auth.${ctx.region}.amazoncognito.com` };
};

export const deleteUserPoolDomain = (
  ctx: SimContext,
  raw: unknown,
): Out<DeleteUserPoolDomainCommandOutput> => {
  const input = parse(domainInput, raw);
  const pool = poolOf(ctx, input.UserPoolId);
  if (pool.domain !== input.Domain) throw notFound(`Domain ${input.Domain} of user pool ${pool.id}`);
  delete ctx.write.touch('userPools', pool).domain;
  return {};
};

const pageInput = z.object({ MaxResults: z.number().int().min(1).max(60), NextToken: z.string().optional() });

/** One page of `items` from the token's offset. */
const page = <T>(items: readonly T[], input: z.infer<typeof pageInput>) => {
  const start = decodeToken(input.NextToken);
  if (start === undefined) throw invalid('Invalid pagination token');
  const next = start + input.MaxResults;
  return {
    items: items.slice(start, next),
    ...(next < items.length ? { NextToken: encodeToken(next) } : {}),
  };
};

export const listUserPools = (ctx: SimContext, raw: unknown): Out<ListUserPoolsCommandOutput> => {
  const { items, ...rest } = page(ctx.state.userPools, parse(pageInput, raw));
  return {
    UserPools: items.map((pool) => ({
      Id: pool.id,
      Name: pool.name,
      CreationDate: new Date(pool.createdAt),
    })),
    ...rest,
  };
};

const createClientInput = z.object({
  UserPoolId: POOL_ID,
  ClientName: z.string().min(1).max(128),
  GenerateSecret: z.boolean().optional(),
});

export const createUserPoolClient = (
  ctx: SimContext,
  raw: unknown,
): Out<CreateUserPoolClientCommandOutput> => {
  const input = parse(createClientInput, raw);
  const pool = poolOf(ctx, input.UserPoolId);
  const client = { id: nextHex(ctx, 26).replace(/[^a-z0-9]/g, '0'), name: input.ClientName };
  ctx.write.touch('userPools', pool).clients.push(client);
  return { UserPoolClient: { ClientId: client.id, ClientName: client.name, UserPoolId: pool.id } };
};

export const listUserPoolClients = (ctx: SimContext, raw: unknown): Out<ListUserPoolClientsCommandOutput> => {
  const input = parse(
    poolIdInput.extend({
      MaxResults: z.number().int().min(1).max(60).optional(),
      NextToken: z.string().optional(),
    }),
    raw,
  );
  const pool = poolOf(ctx, input.UserPoolId);
  const { items, ...rest } = page(pool.clients, {
    MaxResults: input.MaxResults ?? 60,
    NextToken: input.NextToken,
  });
  return {
    UserPoolClients: items.map((client) => ({
      ClientId: client.id,
      ClientName: client.name,
      UserPoolId: pool.id,
    })),
    ...rest,
  };
};

const groupInput = z.object({
  UserPoolId: POOL_ID,
  GroupName: z.string().min(1).max(128),
  Description: z.string().max(2048).optional(),
});

export const createGroup = (ctx: SimContext, raw: unknown): Out<CreateGroupCommandOutput> => {
  const input = parse(groupInput, raw);
  const pool = poolOf(ctx, input.UserPoolId);
  if (pool.groups.some((group) => group.name === input.GroupName))
    throw new GroupExistsException({
      message: 'A group with the name already exists.',
      $metadata: errorMetadata(),
    });
  const group = { name: input.GroupName, description: input.Description ?? '' };
  ctx.write.touch('userPools', pool).groups.push(group);
  return { Group: { GroupName: group.name, UserPoolId: pool.id, Description: group.description } };
};

export const getGroup = (ctx: SimContext, raw: unknown): Out<GetGroupCommandOutput> => {
  const input = parse(groupInput, raw);
  const pool = poolOf(ctx, input.UserPoolId);
  const group = pool.groups.find((candidate) => candidate.name === input.GroupName);
  if (!group) throw notFound(`Group ${input.GroupName}`);
  return { Group: { GroupName: group.name, UserPoolId: pool.id, Description: group.description } };
};

const userNotFound = () =>
  new UserNotFoundException({ message: 'User does not exist.', $metadata: errorMetadata() });

/** The user a `Username` names: by name, or (a pool signing in by email) by its email. */
const userOf = (pool: UserPoolRecord, username: string) =>
  pool.users.find(
    (user) =>
      user.username === username ||
      (pool.usernameAttributes.includes('email') && user.attributes.email === username),
  );

const createUserInput = z.object({
  UserPoolId: POOL_ID,
  Username: z.string().min(1).max(128),
  UserAttributes: z.array(z.object({ Name: z.string(), Value: z.string().optional() })).optional(),
  DesiredDeliveryMediums: z.array(z.enum(['EMAIL', 'SMS'])).optional(),
  MessageAction: z.enum(['RESEND', 'SUPPRESS']).optional(),
});

export const adminCreateUser = (ctx: SimContext, raw: unknown): Out<AdminCreateUserCommandOutput> => {
  const input = parse(createUserInput, raw);
  const pool = poolOf(ctx, input.UserPoolId);
  const attributes = Object.fromEntries((input.UserAttributes ?? []).map((a) => [a.Name, a.Value ?? '']));
  for (const name of Object.keys(attributes)) {
    if (name.startsWith('custom:') && !pool.customAttributes.includes(name.slice('custom:'.length)))
      throw invalid(
        `Attributes did not conform to the schema: Type for attribute {${name}} could not be determined`,
      );
  }
  const byEmail = pool.usernameAttributes.includes('email');
  // A pool that signs in by email takes the address as the Username, a resend's too (as Cognito does).
  if (byEmail && !/^[^\s@]+@[^\s@]+$/.test(input.Username)) throw invalid('Username should be an email.');
  if (input.MessageAction === 'RESEND') {
    // The invitation again, with a fresh temporary password: only for a user who has not signed in.
    const user = userOf(pool, input.Username);
    if (!user) throw userNotFound();
    if (user.status !== 'FORCE_CHANGE_PASSWORD')
      throw new UnsupportedUserStateException({
        message: 'User does not exist or is not in FORCE_CHANGE_PASSWORD state.',
        $metadata: errorMetadata(),
      });
    mailInvitation(ctx, pool, user);
    return { User: userView(user) };
  }
  if (byEmail) attributes.email ??= input.Username;
  if (userOf(pool, input.Username))
    throw new UsernameExistsException({
      message: 'An account with the given email already exists.',
      $metadata: errorMetadata(),
    });
  // A pool signing in by email names its users by a generated id (their `sub`).
  const sub = nextUuid(ctx);
  const user: PoolUser = {
    username: byEmail ? sub : input.Username,
    attributes: { ...attributes, sub },
    groups: [],
    createdAt: ctx.now,
    status: 'FORCE_CHANGE_PASSWORD',
  };
  ctx.write.touch('userPools', pool).users.push(user);
  if (input.MessageAction !== 'SUPPRESS') mailInvitation(ctx, pool, user);
  return { User: userView(user) };
};

type PoolUser = UserPoolRecord['users'][number];

const userView = (user: PoolUser) => ({
  Username: user.username,
  Attributes: Object.entries(user.attributes).map(([Name, Value]) => ({ Name, Value })),
  UserCreateDate: new Date(user.createdAt),
  Enabled: true,
  UserStatus: user.status,
});

/** Cognito's own invitation email (its default sender): kept in the `messages` slice. */
const mailInvitation = (ctx: SimContext, pool: UserPoolRecord, user: PoolUser): void => {
  ctx.write.add('messages', {
    id: nextUuid(ctx),
    userPoolId: pool.id,
    username: user.username,
    email: user.attributes.email ?? user.username,
    kind: 'invitation',
    at: ctx.now,
    ...(pool.emailSource ? { via: pool.emailSource } : {}),
    ...(pool.emailFrom ? { from: pool.emailFrom } : {}),
  });
};

const userInput = z.object({ UserPoolId: POOL_ID, Username: z.string().min(1).max(128) });

export const adminGetUser = (ctx: SimContext, raw: unknown): Out<AdminGetUserCommandOutput> => {
  const input = parse(userInput, raw);
  const user = userOf(poolOf(ctx, input.UserPoolId), input.Username);
  if (!user) throw userNotFound();
  return {
    Username: user.username,
    UserAttributes: Object.entries(user.attributes).map(([Name, Value]) => ({ Name, Value })),
    UserCreateDate: new Date(user.createdAt),
    Enabled: true,
    UserStatus: user.status,
  };
};

export const adminAddUserToGroup = (ctx: SimContext, raw: unknown): Out<AdminAddUserToGroupCommandOutput> => {
  const input = parse(userInput.extend({ GroupName: z.string().min(1).max(128) }), raw);
  const pool = poolOf(ctx, input.UserPoolId);
  if (!pool.groups.some((group) => group.name === input.GroupName))
    throw notFound(`Group ${input.GroupName}`);
  const user = userOf(pool, input.Username);
  if (!user) throw userNotFound();
  if (user.groups.includes(input.GroupName)) return {};
  const at = pool.users.indexOf(user);
  const changed = ctx.write.touch('userPools', pool);
  const member = changed.users[at];
  if (member) member.groups.push(input.GroupName);
  return {};
};
