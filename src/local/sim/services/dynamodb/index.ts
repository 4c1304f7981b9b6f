import { DynamoDBClient, DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import type { SimContext } from '../../context.ts';
import { owner } from '../../inventory.ts';
import { type BucketSpec, definePlugin, type SimResource } from '../../plugin.ts';
import {
  createBackup,
  createTable,
  deleteTable,
  describeContinuousBackups,
  describeTable,
  listBackups,
  listTables,
  listTagsOfResource,
  tagResource,
  updateContinuousBackups,
} from './tables.ts';

/**
 * DynamoDB's control-plane calls share one throttle, 2,500 requests per second per account and Region
 * (the DynamoDB developer guide, "Best practices for managing the control plane"); some have a lower
 * rate of their own (its service quotas page, API-specific limits): ListTagsOfResource 10 and
 * ListBackups 5 per second. Its other bound, at most 500 tables CREATING, UPDATING or DELETING at
 * once, is not modelled: tables here are ACTIVE at once.
 */
const CONTROL_PLANE: BucketSpec = { key: 'dynamodb:control', burst: 2500, perSecond: 2500 };
const OWN_RATE: Readonly<Record<string, BucketSpec>> = {
  ListTagsOfResource: { key: 'dynamodb:ListTagsOfResource', burst: 10, perSecond: 10 },
  ListBackups: { key: 'dynamodb:ListBackups', burst: 5, perSecond: 5 },
};

const buckets = (command: string): BucketSpec[] => {
  const own = OWN_RATE[command];
  return own ? [CONTROL_PLANE, own] : [CONTROL_PLANE];
};

/**
 * The tables. Backups are not listed: they carry no tags (nothing says whose they are but the record
 * that names them), outlive their tenant on purpose, and `status` shows them from the record.
 */
const resources = (ctx: SimContext): SimResource[] =>
  ctx.state.tables.map((table) => ({
    service: 'dynamodb',
    type: 'table',
    id: table.name,
    arn: table.arn,
    ...owner(table.tags, false),
    status: 'ACTIVE',
    tags: table.tags,
    taggingType: 'dynamodb:table',
  }));

/** DynamoDB's control plane for tenants' own tables (their items are not simulated). */
export const DYNAMODB = definePlugin({
  name: 'dynamodb',
  client: DynamoDBClient,
  exception: DynamoDBServiceException,
  throttlingName: 'ThrottlingException',
  handlers: {
    CreateTable: createTable,
    DescribeTable: describeTable,
    DeleteTable: deleteTable,
    ListTables: listTables,
    ListTagsOfResource: listTagsOfResource,
    TagResource: tagResource,
    UpdateContinuousBackups: updateContinuousBackups,
    DescribeContinuousBackups: describeContinuousBackups,
    CreateBackup: createBackup,
    ListBackups: listBackups,
  },
  buckets,
  resources,
});
