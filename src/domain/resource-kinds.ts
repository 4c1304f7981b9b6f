/**
 * The kinds of AWS resource a tenant can own, as data: one descriptor per kind, listed once, in the
 * order they are removed (the reverse of the order onboarding creates them). Everything else about
 * the kinds derives from this table: the saga vocabulary's create/remove steps, the removal and
 * creation orders (leftovers, migration, reconcile, the models' chains), how discovery tells a
 * tagged ARN's kind, and the quotas admission counts. What the record stores of each kind is its
 * schema in `resources.ts`; its operations (create, remove, exists, remove by ARN) are one complete
 * record in `src/steps/resource-operations.ts`. Both are typed by this table, so a kind added here
 * without them does not compile.
 *
 * Free of the schema library on purpose: the step vocabulary reads it, and the CLI's smallest
 * commands load the step vocabulary.
 */
import { hasDedicatedCluster, ownsService, ownsTables, ownsUserPool } from './capabilities.ts';
import type { Placement } from './catalogue.ts';
import type { QuotaName } from './quota-names.ts';

/** How many companions a placement lists (typed structurally: no schema library here). */
const companionCount = (placement: Placement): number =>
  placement.service === 'own' ? (placement.companions?.length ?? 0) : 0;

/** How many tables of its own a placement lists. */
const tableCount = (placement: Placement): number =>
  placement.service === 'own' ? (placement.tables?.length ?? 0) : 0;

/**
 * What a placement can do, each tested by the guard of the same name in the models
 * (state-machines/guards.ts): a kind exists for a tenant whose placement has its capability.
 */
export const CAPABILITIES = { ownsService, hasDedicatedCluster } as const;
export type Capability = keyof typeof CAPABILITIES;

/** Whether `placement` has `capability`. */
export const hasCapability = (placement: Placement | undefined, capability: Capability): boolean => {
  const test: (placement: Placement | undefined) => boolean = CAPABILITIES[capability];
  return test(placement);
};

/** One kind's facts. */
export interface ResourceKindSpec {
  /**
   * The placement capability that makes a tenant own one; the models' chains run the kind's steps
   * for every placement with it (a step with nothing to do for the placement returns at once).
   */
  needs: Capability;
  /** A further test of the placement, for a kind owned only by some placements with the capability. */
  only?: (placement: Placement) => boolean;
  /**
   * The step that creates (or adopts) it, and the one that removes it (also its compensation): the
   * saga vocabulary (`SAGA_STEP_NAMES`) takes both from here.
   */
  createStep: string;
  removeStep: string;
  /**
   * Not the placement's to build and remove: a migration hands it over instead (the listener rule,
   * part of the tenant's routing, at the switch). The tenant's user pool is the tenant's whatever its
   * tier: a migration of a tenant with one is refused until it can hand the pool over.
   */
  handedOver: boolean;
  /**
   * Its type as discovery and the inventory name it; absent for a kind made of resources of other
   * kinds (the companions: ECS services and task definitions), which discovery sees as those.
   */
  type?: string;
  /** Its ARN's service and resource type (`arn:…:<service>:…:<resource>/…`): the Tagging API's filter. */
  arn?: { service: 'ecs' | 'elasticloadbalancing' | 'cognito-idp' | 'dynamodb'; resource: string };
  /** How much of each quota one of it takes, for a placement that owns one. */
  quotas: (placement: Placement) => Partial<Record<QuotaName, number>>;
}

/** Every kind's descriptor, in removal order. */
export const RESOURCE_KIND_SPECS = {
  /**
   * The tenant's own Cognito user pool (a placement with `identity: own-pool`), with what lives in it:
   * the app client its web app signs in with, a group named after the tenant id, the admin user.
   * Made last, while the services' tasks start (before the tenant is known healthy: an onboarding that
   * fails after it has mailed an invitation to a pool it then deletes), removed first; deleting the
   * pool deletes what lives in it.
   */
  identity: {
    needs: 'ownsService',
    only: ownsUserPool,
    createStep: 'CreateUserPool',
    removeStep: 'DeleteUserPool',
    handedOver: true,
    type: 'user-pool',
    arn: { service: 'cognito-idp', resource: 'userpool' },
    quotas: () => ({ userPoolsPerRegion: 1 }),
  },
  /** The tenant's own ECS service, in the shared cluster or its dedicated one. */
  service: {
    needs: 'ownsService',
    createStep: 'CreateService',
    removeStep: 'DeleteService',
    handedOver: false,
    type: 'service',
    arn: { service: 'ecs', resource: 'service' },
    // A dedicated cluster starts empty: the service counts there, not in the shared one.
    quotas: (placement) => ({ servicesPerCluster: hasDedicatedCluster(placement) ? 0 : 1 }),
  },
  /**
   * The application's other services (the placement's `companions`): a task definition family and
   * an ECS service each, beside the exposed service, made before it (the exposed one fronts them).
   * A placement without companions owns none: its steps return at once.
   */
  companions: {
    needs: 'ownsService',
    createStep: 'CreateCompanions',
    removeStep: 'DeleteCompanions',
    handedOver: false,
    only: (placement) => companionCount(placement) > 0,
    quotas: (placement) => ({
      servicesPerCluster: hasDedicatedCluster(placement) ? 0 : companionCount(placement),
    }),
  },
  /** The listener rule forwarding the tenant's header to its target group. */
  listenerRule: {
    needs: 'ownsService',
    createStep: 'CreateListenerRule',
    removeStep: 'DeleteListenerRule',
    handedOver: true,
    type: 'listener-rule',
    arn: { service: 'elasticloadbalancing', resource: 'listener-rule' },
    quotas: () => ({ rulesPerLoadBalancer: 1 }),
  },
  targetGroup: {
    needs: 'ownsService',
    createStep: 'CreateTargetGroup',
    removeStep: 'DeleteTargetGroup',
    handedOver: false,
    type: 'target-group',
    arn: { service: 'elasticloadbalancing', resource: 'targetgroup' },
    quotas: () => ({ targetGroupsPerLoadBalancer: 1 }),
  },
  /** The family; the record's `arn` is the revision the service runs. */
  taskDefinition: {
    needs: 'ownsService',
    createStep: 'RegisterTaskDefinition',
    removeStep: 'DeregisterTaskDefinition',
    handedOver: false,
    type: 'task-definition',
    arn: { service: 'ecs', resource: 'task-definition' },
    quotas: () => ({}),
  },
  /**
   * The tenant's own DynamoDB tables (the placement's `tables`): on demand, point-in-time recovery on,
   * made before the services that use them and removed after them, each backed up first (but when an
   * onboarding is undone: nothing was ever kept in it). Not rebuilt by a migration, like the pool: a
   * migration of a tenant with tables is refused until it can move their items.
   */
  tables: {
    needs: 'ownsService',
    only: ownsTables,
    createStep: 'CreateTables',
    removeStep: 'DeleteTables',
    handedOver: true,
    type: 'table',
    arn: { service: 'dynamodb', resource: 'table' },
    quotas: (placement) => ({ tablesPerRegion: tableCount(placement) }),
  },
  /** A dedicated cluster (never the shared one). */
  cluster: {
    needs: 'hasDedicatedCluster',
    createStep: 'CreateCluster',
    removeStep: 'DeleteCluster',
    handedOver: false,
    type: 'cluster',
    arn: { service: 'ecs', resource: 'cluster' },
    quotas: () => ({ clustersPerAccount: 1 }),
  },
} as const satisfies Record<string, ResourceKindSpec>;

export type ResourceKind = keyof typeof RESOURCE_KIND_SPECS;

/** Every kind, in removal order. */
export const RESOURCE_KINDS = Object.keys(RESOURCE_KIND_SPECS) as readonly ResourceKind[];

/** The steps of every kind: its creation and its removal (in the saga vocabulary). */
export const RESOURCE_STEP_NAMES = RESOURCE_KINDS.flatMap((kind) => [
  RESOURCE_KIND_SPECS[kind].createStep,
  RESOURCE_KIND_SPECS[kind].removeStep,
]);
export type ResourceStepName = (typeof RESOURCE_KIND_SPECS)[ResourceKind]['createStep' | 'removeStep'];

/** Every kind, in creation order (the reverse of removal). */
export const CREATION_ORDER: readonly ResourceKind[] = [...RESOURCE_KINDS].reverse();

/** The removal order's rank of a kind (0 goes first). */
export const removalRank = (kind: ResourceKind): number => RESOURCE_KINDS.indexOf(kind);

/** Whether a tenant of `placement` owns a resource of `kind`. */
export const ownsKind = (placement: Placement | undefined, kind: ResourceKind): boolean => {
  const spec: ResourceKindSpec = RESOURCE_KIND_SPECS[kind];
  return (
    hasCapability(placement, spec.needs) && (placement === undefined || (spec.only?.(placement) ?? true))
  );
};

/** The kinds a tenant of `placement` owns, in creation order. */
export const kindsToCreate = (placement: Placement | undefined): ResourceKind[] =>
  CREATION_ORDER.filter((kind) => ownsKind(placement, kind));

/** The kinds that are the placement's own (not those a migration hands over), in removal order. */
export const PLACEMENT_KINDS: readonly ResourceKind[] = RESOURCE_KINDS.filter(
  (kind) => !RESOURCE_KIND_SPECS[kind].handedOver,
);

/** The kinds that are one AWS resource each, which discovery finds by type and ARN. */
export type DiscoveredKind = {
  [K in ResourceKind]: (typeof RESOURCE_KIND_SPECS)[K] extends { type: string } ? K : never;
}[ResourceKind];

const isDiscovered = (kind: ResourceKind): kind is DiscoveredKind => 'type' in RESOURCE_KIND_SPECS[kind];

/** Every discovered kind, in removal order. */
export const DISCOVERED_KINDS: readonly DiscoveredKind[] = RESOURCE_KINDS.filter(isDiscovered);

/** The discovered type of each kind, e.g. `target-group`. */
export type DiscoveredType = (typeof RESOURCE_KIND_SPECS)[DiscoveredKind]['type'];

/** Every discovered type, in removal order. */
export const DISCOVERED_TYPES: readonly DiscoveredType[] = DISCOVERED_KINDS.map(
  (kind) => RESOURCE_KIND_SPECS[kind].type,
);

/** The kind of a discovered type. */
export const kindOfType = (type: DiscoveredType): DiscoveredKind => {
  const kind = DISCOVERED_KINDS.find((candidate) => RESOURCE_KIND_SPECS[candidate].type === type);
  if (!kind) throw new Error(`no resource kind is discovered as ${type}`);
  return kind;
};

/** The Tagging API's resource type filters (`<service>:<resource>`), one per discovered kind. */
export const TAGGING_RESOURCE_TYPES: readonly string[] = DISCOVERED_KINDS.map(
  (kind) => `${RESOURCE_KIND_SPECS[kind].arn.service}:${RESOURCE_KIND_SPECS[kind].arn.resource}`,
);

/** The kind an ARN names, or `undefined` for any other resource. */
export const kindOfArn = (arn: string): DiscoveredKind | undefined => {
  const [, , service, , , resource = ''] = arn.split(':');
  const type = resource.split('/')[0];
  return DISCOVERED_KINDS.find(
    (kind) =>
      RESOURCE_KIND_SPECS[kind].arn.service === service && RESOURCE_KIND_SPECS[kind].arn.resource === type,
  );
};
