import {
  CognitoIdentityProviderClient,
  CognitoIdentityProviderServiceException,
} from '@aws-sdk/client-cognito-identity-provider';
import type { SimContext } from '../../context.ts';
import { owner } from '../../inventory.ts';
import { type BucketSpec, definePlugin, type SimResource } from '../../plugin.ts';
import {
  adminAddUserToGroup,
  adminCreateUser,
  adminGetUser,
  createGroup,
  createUserPool,
  createUserPoolClient,
  createUserPoolDomain,
  deleteUserPool,
  deleteUserPoolDomain,
  describeUserPool,
  getGroup,
  listUserPoolClients,
  listUserPools,
} from './user-pools.ts';

/**
 * User pool calls by request-rate category, with the category's default rate (requests per second,
 * per account and Region): the Cognito developer guide's quotas page.
 */
const CATEGORY: Readonly<Record<string, { name: string; perSecond: number }>> = {
  CreateUserPool: { name: 'UserPoolUpdate', perSecond: 15 },
  DeleteUserPool: { name: 'UserPoolUpdate', perSecond: 15 },
  DescribeUserPool: { name: 'UserPoolRead', perSecond: 15 },
  ListUserPools: { name: 'UserPoolRead', perSecond: 15 },
  CreateUserPoolClient: { name: 'UserPoolClientUpdate', perSecond: 15 },
  CreateUserPoolDomain: { name: 'UserPoolUpdate', perSecond: 15 },
  DeleteUserPoolDomain: { name: 'UserPoolUpdate', perSecond: 15 },
  ListUserPoolClients: { name: 'UserPoolClientRead', perSecond: 15 },
  CreateGroup: { name: 'UserPoolResourceUpdate', perSecond: 15 },
  GetGroup: { name: 'UserPoolResourceRead', perSecond: 20 },
  AdminCreateUser: { name: 'UserCreation', perSecond: 50 },
  AdminGetUser: { name: 'UserRead', perSecond: 120 },
  AdminAddUserToGroup: { name: 'UserResourceUpdate', perSecond: 25 },
};

const buckets = (command: string): BucketSpec[] => {
  const category = CATEGORY[command];
  return category
    ? [{ key: `cognito:${category.name}`, burst: category.perSecond, perSecond: category.perSecond }]
    : [];
};

const resources = (ctx: SimContext): SimResource[] =>
  ctx.state.userPools.map((pool) => ({
    service: 'cognito-idp',
    type: 'user-pool',
    id: `${pool.name} (${pool.id})`,
    arn: pool.arn,
    ...owner(pool.tags, false),
    status: 'ACTIVE',
    tags: pool.tags,
    taggingType: 'cognito-idp:userpool',
  }));

export const COGNITO = definePlugin({
  name: 'cognito',
  client: CognitoIdentityProviderClient,
  exception: CognitoIdentityProviderServiceException,
  throttlingName: 'TooManyRequestsException',
  handlers: {
    CreateUserPool: createUserPool,
    DescribeUserPool: describeUserPool,
    ListUserPools: listUserPools,
    DeleteUserPool: deleteUserPool,
    CreateUserPoolDomain: createUserPoolDomain,
    DeleteUserPoolDomain: deleteUserPoolDomain,
    CreateUserPoolClient: createUserPoolClient,
    ListUserPoolClients: listUserPoolClients,
    CreateGroup: createGroup,
    GetGroup: getGroup,
    AdminCreateUser: adminCreateUser,
    AdminGetUser: adminGetUser,
    AdminAddUserToGroup: adminAddUserToGroup,
  },
  readOnly: /^(Describe|List|Get|AdminGet)/,
  buckets,
  resources,
});
