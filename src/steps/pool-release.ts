/**
 * A pooled tier's release: the shared stack's pooled service, which every pooled tenant runs, put on
 * a revision of its family for the release (UpdateService; ECS deploys it with the circuit breaker
 * the stack turned on), watched until the deployment has completed with healthy targets, and on a
 * failed gate put back on the revision it ran. The rollout machine's steps call these for a pooled
 * tier's one wave (src/steps/rollout.ts). Each call looks once and returns: the machine's Wait
 * states pace the looks.
 *
 * The revision the pool ran before is kept when it is the stack's own (CloudFormation's); every
 * other one a rollout registered is deregistered and deleted once the release is in, or once the pool
 * is back (only the running one stays: a revision an interrupted rollout left goes with the next). A stack update that changes the pooled task definition (its `TenantImage`) puts the service
 * back on the stack's revision: the pool's release is then the stack's again.
 */
import { FatalError } from '../domain/errors.ts';
import { tagValue } from '../domain/naming.ts';
import { INITIAL_RELEASE, type Release } from '../domain/release.ts';
import type { PoolProgress } from '../domain/rollout-state.ts';
import type { TaskDefinitionInfo } from '../ports/container-platform.ts';
import { familyOfArn } from '../ports/resource-discovery.ts';
import { assessDeployment } from './health-check.ts';
import { POOL_TAG, poolTaskDefinitionSpec, RELEASE_TAG, SPEC_HASH_TAG } from './task-definition.ts';
import type { StepDeps } from './types.ts';

/** The pooled service as the shared stack declares it, nothing done yet. */
export const poolToUpdate = async (deps: StepDeps): Promise<PoolProgress> => {
  const infra = await deps.infra.get();
  return {
    state: 'pending',
    cluster: infra.clusterName,
    service: infra.pooledServiceName,
    targetGroupArn: infra.pooledTargetGroupArn,
    looks: 0,
  };
};

const activeService = async (deps: StepDeps, pool: PoolProgress) => {
  const service = await deps.ecs.describeService(pool.cluster, pool.service);
  if (service?.status !== 'ACTIVE')
    throw new FatalError(
      `the pooled service ${pool.cluster}/${pool.service} is not ACTIVE: deploy the shared stack (infra/shared.yaml) first`,
    );
  return service;
};

/** Tag of a pooled revision naming the revision the pool ran when it was registered. */
const PREVIOUS_TAG = 'tenantflow:previous';

/**
 * The revision for `release` (one registered already from the same spec is reused), and the
 * revision the pool ran before it (a tag of the revision: a look run again after a crash between
 * UpdateService and its state's save still knows where to go back).
 */
const releaseRevision = async (
  deps: StepDeps,
  tier: string,
  release: Release,
  current: TaskDefinitionInfo,
): Promise<{ arn: string; previous: string | undefined }> => {
  const spec = poolTaskDefinitionSpec(tier, current, deps.config, await deps.infra.get(), release);
  const wanted = tagValue(spec.tags, SPEC_HASH_TAG);
  const latest = await deps.ecs.latestTaskDefinition(spec.family);
  if (latest && tagValue(latest.tags, SPEC_HASH_TAG) === wanted)
    return { arn: latest.arn, previous: tagValue(latest.tags, PREVIOUS_TAG) };
  const tags = [...spec.tags, { key: PREVIOUS_TAG, value: current.arn }];
  return { arn: (await deps.ecs.registerTaskDefinition({ ...spec, tags })).arn, previous: current.arn };
};

/**
 * One forward look: `pending` registers the release's revision and deploys it (a service on it
 * already, from a crashed look or an earlier rollout, is only watched); `deploying` reads the
 * deployment: `updated` once complete and healthy, `failed` when the circuit breaker rolled it back
 * or after `health.maxAttempts` looks.
 */
export const advancePool = async (
  deps: StepDeps,
  tier: string,
  release: Release,
  pool: PoolProgress,
): Promise<void> => {
  if (pool.state === 'pending') {
    const service = await activeService(deps, pool);
    const current = await deps.ecs.describeTaskDefinition(service.taskDefinition);
    if (!current)
      throw new FatalError(`the pooled service runs ${service.taskDefinition}, which ECS does not know`);
    const revision = await releaseRevision(deps, tier, release, current);
    if (service.taskDefinition === revision.arn) {
      // On it already: a look run again after a crash, or an earlier rollout of the same release.
      if (revision.previous !== undefined) pool.previous = revision.previous;
    } else {
      pool.previous = service.taskDefinition;
      const outcome = await deps.ecs.updateService(pool.cluster, pool.service, {
        taskDefinitionArn: revision.arn,
      });
      if (outcome === 'absent') throw new FatalError(`the pooled service ${pool.service} is not ACTIVE`);
    }
    pool.revisionArn = revision.arn;
    pool.state = 'deploying';
    pool.looks = 0;
  }
  if (pool.state !== 'deploying' || pool.revisionArn === undefined) return;
  const look = await lookAt(deps, pool, pool.revisionArn);
  if (look.rolledBack !== undefined) {
    pool.state = 'failed';
    pool.reason = `deployment of ${pool.service} rolled back by the circuit breaker: ${look.rolledBack}`;
  } else if (look.done) {
    pool.state = 'updated';
  } else if (pool.looks >= deps.config.health.maxAttempts) {
    pool.state = 'failed';
    pool.reason = `${pool.service} not deployed after ${pool.looks} checks; last seen: ${look.detail}`;
  }
};

const lookAt = async (deps: StepDeps, pool: PoolProgress, revisionArn: string) => {
  pool.looks += 1;
  const service = await deps.ecs.describeService(pool.cluster, pool.service);
  const targets = service ? await deps.elb.targetHealth(pool.targetGroupArn) : undefined;
  return assessDeployment(service, targets, revisionArn);
};

/**
 * One look going back: the service put on the revision it ran before (unless the circuit breaker put
 * it there already), watched until that deployment completes; then the release's revision is
 * deregistered and deleted (with any other a rollout left). A pool whose earlier revision is unknown
 * (the release was on it already when the rollout began) cannot go back: `rollback-failed`.
 */
export const rollBackPool = async (deps: StepDeps, pool: PoolProgress): Promise<void> => {
  if (pool.state === 'updated' || pool.state === 'failed') {
    if (pool.previous === undefined) {
      pool.state = 'rollback-failed';
      pool.rollbackFailure = 'no revision from before the release is known: nothing to go back to';
      return;
    }
    const service = await activeService(deps, pool);
    if (service.taskDefinition !== pool.previous) {
      const outcome = await deps.ecs.updateService(pool.cluster, pool.service, {
        taskDefinitionArn: pool.previous,
      });
      if (outcome === 'absent') throw new FatalError(`the pooled service ${pool.service} is not ACTIVE`);
    }
    pool.state = 'rolling-back';
    pool.looks = 0;
  }
  if (pool.state !== 'rolling-back' || pool.previous === undefined) return;
  const look = await lookAt(deps, pool, pool.previous);
  if (look.done) {
    await retireIdle(deps, pool.previous);
    pool.state = 'rolled-back';
  } else if (look.rolledBack !== undefined || pool.looks >= deps.config.health.maxAttempts) {
    pool.state = 'rollback-failed';
    pool.rollbackFailure = `not back on ${pool.previous}: ${look.rolledBack ?? look.detail}`;
  }
};

/**
 * Every revision of the pooled family a rollout registered (tagged with the pool's tag) but `keep`,
 * deregistered and deleted: the one the pool ran before, and any an interrupted rollout left. The
 * stack's own revisions (CloudFormation's) are never touched.
 */
const retireIdle = async (deps: StepDeps, keep: string): Promise<void> => {
  const family = familyOfArn(keep);
  if (family === undefined) return;
  const idle: string[] = [];
  for (const status of ['ACTIVE', 'INACTIVE'] as const) {
    for (const arn of await deps.ecs.listTaskDefinitions(family, status)) {
      if (arn === keep) continue;
      const revision = await deps.ecs.describeTaskDefinition(arn);
      if (!revision || tagValue(revision.tags, POOL_TAG) === undefined) continue;
      if (revision.status === 'ACTIVE') await deps.ecs.deregisterTaskDefinition(arn);
      idle.push(arn);
    }
  }
  if (idle.length > 0) await deps.ecs.deleteTaskDefinitions(idle);
};

/** The release is in: the rollouts' other revisions go (the one the pool ran before, strays). */
export const retireStale = async (deps: StepDeps, pool: PoolProgress): Promise<void> => {
  if (pool.revisionArn !== undefined) await retireIdle(deps, pool.revisionArn);
};

/**
 * The release every pooled tenant runs: the version its revision was registered for by a rollout,
 * else the initial one (the shared stack's own revision); `undefined` when the pooled service is not
 * there. This is the pooled tenants' release: their records name none of their own.
 */
export const poolRelease = async (
  deps: Pick<StepDeps, 'ecs' | 'infra'>,
): Promise<{ version: string; taskDefinition: string } | undefined> => {
  const infra = await deps.infra.get();
  const service = await deps.ecs.describeService(infra.clusterName, infra.pooledServiceName);
  if (service?.status !== 'ACTIVE') return undefined;
  const revision = await deps.ecs.describeTaskDefinition(service.taskDefinition);
  const version = (revision && tagValue(revision.tags, RELEASE_TAG)) ?? INITIAL_RELEASE;
  return { version, taskDefinition: service.taskDefinition };
};
