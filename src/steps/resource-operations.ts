/**
 * Each resource kind's operations, one complete record per kind (`RESOURCE_OPERATIONS`): its type
 * requires an entry for every kind of `RESOURCE_KIND_SPECS`, so a kind added there without its
 * operations does not compile. Removal orders, reconcile's checks and repairs, and the leftovers'
 * and migration's removals all go through this table.
 */
import { OwnershipError } from '../domain/errors.ts';
import {
  kindOfArn,
  kindsToCreate,
  PLACEMENT_KINDS,
  RESOURCE_KIND_SPECS,
  RESOURCE_KINDS,
  type ResourceKind,
  type ResourceOf,
  type ResourceStepName,
} from '../domain/resources.ts';
import type { SagaState } from '../domain/saga-state.ts';
import { ecsNamesOfArn } from '../ports/resource-discovery.ts';
import { createCluster, deleteCluster } from './cluster.ts';
import { companionsExist, createCompanionServices, deleteCompanionServices } from './companions.ts';
import { createUserPool, deleteUserPool, isDeploymentPool, userPoolIdOfArn } from './identity.ts';
import { createListenerRule, deleteListenerRule } from './listener-rule.ts';
import { createService, deleteService } from './service.ts';
import {
  createTables,
  deleteTables,
  removeTableByArn,
  tableExists,
  tableNameOfArn,
  tablesExist,
} from './tables.ts';
import { createTargetGroup, deleteTargetGroup } from './target-group.ts';
import { deregisterTaskDefinition, registerTaskDefinition } from './task-definition.ts';
import type { Step, StepDeps } from './types.ts';

/** What tenantflow can do with one kind of resource. */
export interface ResourceOperations<K extends ResourceKind> {
  /** The saga step that creates it, or adopts the one of its name that is already the tenant's. */
  create: Step;
  /** The saga step that removes it (its compensation too): idempotent, "not found" is done. */
  remove: Step;
  /** Whether the one a record names exists, asked of its service (not of the tag index). */
  exists: (deps: StepDeps, resource: ResourceOf<K>) => Promise<boolean>;
  /**
   * Whether a tagged resource still exists, asked by ARN: the tag index (AWS's, and moto's) goes on
   * listing a deleted ECS service or cluster for a while, as INACTIVE, and a task definition being
   * deleted. Those are gone, not orphans.
   */
  existsByArn: (deps: StepDeps, arn: string) => Promise<boolean>;
  /** Deletes one tagged resource by its ARN (idempotent: one already gone is no error). */
  removeByArn: (deps: StepDeps, arn: string, tenantId: string) => Promise<void>;
}

const taggedInElb = async (deps: StepDeps, arn: string): Promise<boolean> =>
  (await deps.elb.tagsOf([arn])).has(arn);

const serviceIsActive = async (deps: StepDeps, cluster: string, name: string): Promise<boolean> =>
  (await deps.ecs.describeService(cluster, name))?.status === 'ACTIVE';

const clusterIsActive = async (deps: StepDeps, cluster: string): Promise<boolean> =>
  (await deps.ecs.describeCluster(cluster))?.status === 'ACTIVE';

/** The operations of the discovered kind an ARN names (a companion's service or revision). */
const byArnKind = (arn: string): Pick<ResourceOperations<ResourceKind>, 'existsByArn' | 'removeByArn'> => {
  const kind = kindOfArn(arn);
  if (!kind) throw new Error(`no resource kind is named by ${arn}`);
  return RESOURCE_OPERATIONS[kind];
};

/** Every kind's operations. */
export const RESOURCE_OPERATIONS: { readonly [K in ResourceKind]: ResourceOperations<K> } = {
  identity: {
    create: createUserPool,
    remove: deleteUserPool,
    exists: async (deps, pool) => (await deps.identity.describeUserPool(pool.userPoolId)) !== undefined,
    existsByArn: async (deps, arn) =>
      (await deps.identity.describeUserPool(userPoolIdOfArn(arn))) !== undefined,
    async removeByArn(deps, arn, tenantId) {
      const pool = await deps.identity.describeUserPool(userPoolIdOfArn(arn));
      if (!pool) return;
      // Tagged for the tenant is not enough: another deployment's pools carry the same tags.
      if (!isDeploymentPool(deps, pool, tenantId))
        throw new OwnershipError(
          `Cognito user pool ${pool.id} (${pool.name}) is not under this deployment's prefix ${deps.config.resourcePrefix}-: left alone`,
        );
      await deps.identity.deleteUserPool(pool.id);
    },
  },
  service: {
    create: createService,
    remove: deleteService,
    exists: (deps, service) => serviceIsActive(deps, service.cluster, service.name),
    existsByArn: (deps, arn) => {
      const { cluster, name } = ecsNamesOfArn(arn);
      return serviceIsActive(deps, cluster, name);
    },
    async removeByArn(deps, arn) {
      const { cluster, name } = ecsNamesOfArn(arn);
      await deps.ecs.deleteService(cluster, name);
    },
  },
  // Discovery sees a companion as an ECS service and a task definition: by ARN it is one of those.
  companions: {
    create: createCompanionServices,
    remove: deleteCompanionServices,
    exists: companionsExist,
    existsByArn: (deps, arn) => byArnKind(arn).existsByArn(deps, arn),
    removeByArn: (deps, arn, tenantId) => byArnKind(arn).removeByArn(deps, arn, tenantId),
  },
  listenerRule: {
    create: createListenerRule,
    remove: deleteListenerRule,
    exists: (deps, rule) => taggedInElb(deps, rule.arn),
    existsByArn: taggedInElb,
    async removeByArn(deps, arn, tenantId) {
      // listener-rule/app/<lb>/<lb id>/<listener id>/<rule id> → listener/app/<lb>/<lb id>/<listener id>
      const listenerArn = arn.replace(':listener-rule/', ':listener/').replace(/\/[^/]+$/, '');
      const rule = (await deps.elb.listListenerRules(listenerArn)).find((r) => r.arn === arn);
      await deps.elb.deleteListenerRule(arn);
      if (rule?.priority !== undefined) await deps.priorities.release(listenerArn, rule.priority, tenantId);
    },
  },
  targetGroup: {
    create: createTargetGroup,
    remove: deleteTargetGroup,
    exists: (deps, group) => taggedInElb(deps, group.arn),
    existsByArn: taggedInElb,
    async removeByArn(deps, arn) {
      await deps.elb.deleteTargetGroup(arn);
    },
  },
  taskDefinition: {
    create: registerTaskDefinition,
    remove: deregisterTaskDefinition,
    exists: async (deps, definition) => (await deps.ecs.describeTaskDefinition(definition.arn)) !== undefined,
    async existsByArn(deps, arn) {
      const status = (await deps.ecs.describeTaskDefinition(arn))?.status;
      return status !== undefined && status !== 'DELETE_IN_PROGRESS';
    },
    async removeByArn(deps, arn) {
      await deps.ecs.deregisterTaskDefinition(arn);
      await deps.ecs.deleteTaskDefinitions([arn]);
    },
  },
  tables: {
    create: createTables,
    remove: deleteTables,
    exists: tablesExist,
    existsByArn: (deps, arn) => tableExists(deps, tableNameOfArn(arn)),
    removeByArn: removeTableByArn,
  },
  cluster: {
    create: createCluster,
    remove: deleteCluster,
    exists: (deps, cluster) => clusterIsActive(deps, cluster.name),
    existsByArn: (deps, arn) => clusterIsActive(deps, ecsNamesOfArn(arn).cluster),
    async removeByArn(deps, arn) {
      await deps.ecs.deleteCluster(ecsNamesOfArn(arn).cluster);
    },
  },
};

/** Each kind's creation and removal step, by its name in the saga vocabulary. */
export const RESOURCE_STEPS = Object.fromEntries(
  RESOURCE_KINDS.flatMap((kind) => [
    [RESOURCE_KIND_SPECS[kind].createStep, RESOURCE_OPERATIONS[kind].create],
    [RESOURCE_KIND_SPECS[kind].removeStep, RESOURCE_OPERATIONS[kind].remove],
  ]),
  // Every name of ResourceStepName is a kind's createStep or removeStep, each bound just above.
) as Readonly<Record<ResourceStepName, Step>>;

/** The removal steps of every kind, in removal order (offboarding's and the leftovers' order). */
export const REMOVALS: readonly Step[] = RESOURCE_KINDS.map((kind) => RESOURCE_OPERATIONS[kind].remove);

/** The removal steps of a placement's own kinds (not the routing's), in removal order. */
export const PLACEMENT_REMOVALS: readonly Step[] = PLACEMENT_KINDS.map(
  (kind) => RESOURCE_OPERATIONS[kind].remove,
);

/** The creation steps of what a placement owns, in creation order, with the kind each makes. */
export const creationSteps = (state: Pick<SagaState, 'placement'>): Array<[ResourceKind, Step]> =>
  kindsToCreate(state.placement).map((kind) => [kind, RESOURCE_OPERATIONS[kind].create]);

/** Whether the resource of `kind` a record names exists (nothing named: nothing missing). */
export const namedExists = async <K extends ResourceKind>(
  deps: StepDeps,
  kind: K,
  resource: ResourceOf<K> | undefined,
): Promise<boolean> => (resource ? RESOURCE_OPERATIONS[kind].exists(deps, resource) : true);
