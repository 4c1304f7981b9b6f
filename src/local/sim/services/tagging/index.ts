import {
  ResourceGroupsTaggingAPIClient,
  ResourceGroupsTaggingAPIServiceException,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { definePlugin } from '../../plugin.ts';
import { getResources } from './get-resources.ts';

/** The Resource Groups Tagging API over what every other service holds (`SimContext.resources`). */
export const TAGGING = definePlugin({
  name: 'tagging',
  client: ResourceGroupsTaggingAPIClient,
  exception: ResourceGroupsTaggingAPIServiceException,
  throttlingName: 'ThrottlingException',
  handlers: { GetResources: getResources },
  // GetResources: 5 requests per second per account (burst as much).
  buckets: () => [{ key: 'tagging:GetResources', burst: 5, perSecond: 5 }],
});
