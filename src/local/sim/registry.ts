import type { SimContext } from './context.ts';
import type { InventoryItem, SimResource } from './inventory.ts';
import type { BucketSpec, SimPlugin } from './plugin.ts';
import { CLOUDFORMATION } from './services/cloudformation/index.ts';
import { CLOUDWATCH } from './services/cloudwatch/index.ts';
import { COGNITO } from './services/cognito/index.ts';
import { DYNAMODB } from './services/dynamodb/index.ts';
import { ECS } from './services/ecs/index.ts';
import { ELBV2 } from './services/elbv2/index.ts';
import { EVENTBRIDGE } from './services/eventbridge/index.ts';
import { TAGGING } from './services/tagging/index.ts';

/**
 * The simulated AWS services. A new one is a folder under `services/` with its plug-in listed here
 * and its slices in `state.ts`. The order is the inventory's.
 */
export const PLUGINS = [
  CLOUDFORMATION,
  ELBV2,
  ECS,
  COGNITO,
  DYNAMODB,
  CLOUDWATCH,
  EVENTBRIDGE,
  TAGGING,
] as const;

/** The services the simulator emulates. */
export type SimService = (typeof PLUGINS)[number]['name'];

const BY_NAME = new Map<string, SimPlugin<SimService>>(PLUGINS.map((plugin) => [plugin.name, plugin]));

/** The plug-in of `service`. */
export const pluginOf = (service: SimService): SimPlugin<SimService> => {
  const plugin = BY_NAME.get(service);
  if (!plugin) throw new Error(`simulated AWS has no service ${service}`);
  return plugin;
};

/** The plug-in whose SDK client `client` is, if any. */
export const pluginOfClient = (client: object): SimPlugin<SimService> | undefined =>
  PLUGINS.find((plugin) => client instanceof plugin.client);

/** The token buckets a call draws from (the default quotas of ../shared/aws-limits.md). */
export const bucketsFor = (service: SimService, command: string): BucketSpec[] =>
  pluginOf(service).buckets?.(command) ?? [];

/** The seeded network (VPC, subnets, security group): no simulated call changes it. */
const networkResources = (ctx: SimContext): SimResource[] => {
  const net = ctx.state.network;
  if (!net) return [];
  const ec2 = (type: string, id: string): SimResource => ({
    service: 'ec2',
    type,
    id,
    arn: `arn:aws:ec2:${ctx.region}:${ctx.accountId}:${type}/${id}`,
    tier: 'shared',
    status: 'available',
    tags: [],
  });
  return [
    ec2('vpc', net.vpcId),
    ...net.subnetIds.map((id) => ec2('subnet', id)),
    ec2('security-group', net.securityGroupId),
  ];
};

/** Every resource of the simulated cloud: the seeded network, then each service's, in registry order. */
export const allResources = (ctx: SimContext): SimResource[] => [
  ...networkResources(ctx),
  ...PLUGINS.flatMap((plugin) => plugin.resources?.(ctx) ?? []),
];

/** What still exists (the CLI's and the leak checks' inventory): no tags, nothing only the tag index lists. */
export const inventoryOf = (ctx: SimContext): InventoryItem[] =>
  allResources(ctx)
    .filter((resource) => !resource.deleted)
    .map(({ tags: _tags, taggingType: _type, deleted: _deleted, ...item }) => item);
