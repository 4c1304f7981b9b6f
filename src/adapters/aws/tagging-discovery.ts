import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
  type ResourceGroupsTaggingAPIClientConfig,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { TAGGING_RESOURCE_TYPES } from '../../domain/resource-kinds.ts';
import { type ResourceDiscovery, type TaggedResource, typeOfArn } from '../../ports/resource-discovery.ts';
import { type ClientOptions, resolveClient } from './client-options.ts';
import { translateAwsError } from './errors.ts';

export type TaggingDiscoveryOptions = ClientOptions<
  ResourceGroupsTaggingAPIClient,
  ResourceGroupsTaggingAPIClientConfig
>;

/** {@link ResourceDiscovery} on the Resource Groups Tagging API (GetResources, paginated). */
export class TaggingDiscovery implements ResourceDiscovery {
  readonly #client: ResourceGroupsTaggingAPIClient;

  constructor(options: TaggingDiscoveryOptions = {}) {
    this.#client = resolveClient(
      'TaggingDiscovery',
      options,
      (config) => new ResourceGroupsTaggingAPIClient(config ?? {}),
    );
  }

  async tagged(key: string, value: string): Promise<TaggedResource[]> {
    const context = `Tagging GetResources ${key}=${value}`;
    const found: TaggedResource[] = [];
    let token: string | undefined;
    try {
      do {
        const out = await this.#client.send(
          new GetResourcesCommand({
            TagFilters: [{ Key: key, Values: [value] }],
            ResourceTypeFilters: [...TAGGING_RESOURCE_TYPES],
            ResourcesPerPage: 100,
            ...(token ? { PaginationToken: token } : {}),
          }),
        );
        for (const mapping of out.ResourceTagMappingList ?? []) {
          const arn = mapping.ResourceARN;
          const type = arn ? typeOfArn(arn) : undefined;
          if (!arn || !type) continue;
          const tags = (mapping.Tags ?? []).flatMap((tag) =>
            tag.Key === undefined ? [] : [{ key: tag.Key, value: tag.Value ?? '' }],
          );
          found.push({ arn, type, tags });
        }
        token = out.PaginationToken || undefined;
      } while (token);
    } catch (error) {
      throw translateAwsError(error, context);
    }
    return found;
  }
}
