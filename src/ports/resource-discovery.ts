import type { Tag } from '../domain/naming.ts';
import { type DiscoveredType, kindOfArn, RESOURCE_KIND_SPECS } from '../domain/resource-kinds.ts';

export type { DiscoveredType } from '../domain/resource-kinds.ts';
export { DISCOVERED_TYPES } from '../domain/resource-kinds.ts';

/** A resource found by its tags, whatever record names it (or none). */
export interface TaggedResource {
  arn: string;
  type: DiscoveredType;
  tags: Tag[];
}

/**
 * Finds resources by tag (the Resource Groups Tagging API): how reconciliation sees what really runs,
 * not only what the records name. Only resources carrying the tag are ever returned.
 */
export interface ResourceDiscovery {
  /** Every resource of the {@link DISCOVERED_TYPES} whose tag `key` has `value`. */
  tagged(key: string, value: string): Promise<TaggedResource[]>;
}

/** The type of a resource by its ARN, or `undefined` for any other kind. */
export const typeOfArn = (arn: string): DiscoveredType | undefined => {
  const kind = kindOfArn(arn);
  return kind && RESOURCE_KIND_SPECS[kind].type;
};

/**
 * The cluster and (for a service) the name an ECS ARN carries: `…:cluster/<cluster>` or
 * `…:service/<cluster>/<name>` (the long ARN format, which every service tenantflow makes has).
 */
export const ecsNamesOfArn = (arn: string): { cluster: string; name: string } => {
  const [kind, first = '', second = ''] = arn.split(':').slice(5).join(':').split('/');
  return kind === 'service' ? { cluster: first, name: second } : { cluster: first, name: first };
};

const TASK_DEFINITION_ARN = /:task-definition\/([^:/]+):(\d+)$/;

/** The family named by a task definition ARN (`…:task-definition/<family>:<revision>`), if it is one. */
export const familyOfArn = (arn: string): string | undefined => TASK_DEFINITION_ARN.exec(arn)?.[1];
