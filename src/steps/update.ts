/**
 * A release update of one tenant: a new task definition revision for the release, UpdateService onto
 * it, a wait until the deployment has completed with healthy targets, then the record. Any failure
 * puts the service back on the revision it ran (and waits until that deployment completes), removes
 * the new revision and leaves the tenant as it was, with the reason; the tenant is served throughout.
 */

import { companionsOf, healthOf, ownsService } from '../domain/catalogue.ts';
import { FatalError } from '../domain/errors.ts';
import { failedStep, failureReason } from '../domain/reasons.ts';
import { carriedForward, INITIAL_RELEASE, sizedFor } from '../domain/release.ts';
import { DELAY_SECONDS } from '../domain/saga.ts';
import type { DeploymentWait, SagaState, UpdateProgress } from '../domain/saga-state.ts';
import type { TenantStatus } from '../domain/tenant-status.ts';
import type { ServiceInfo } from '../ports/container-platform.ts';
import { checkpoint, stepEntry as entry, historyEntry, releaseOnce } from './checkpoint.ts';
import {
  companionRevisionsRunning,
  companionsOn,
  deployCompanions,
  lookAtCompanions,
  registerCompanionRevisions,
  retireCompanionRevisions,
} from './companions.ts';
import { assessDeployment, type DeploymentLook } from './health-check.ts';
import { ensureOurs, ownServicePlacement, required } from './placement.ts';
import { registerOrAdopt, retireOthers, taskDefinitionSpec } from './task-definition.ts';
import type { Step, StepDeps } from './types.ts';

const progress = (state: SagaState, step: string): UpdateProgress =>
  required(state.update, `update (${step} runs after PlanUpdate)`);

const serviceOf = (state: SagaState) => required(state.resources.service, 'resources.service');

const describe = async (state: SagaState, deps: StepDeps): Promise<ServiceInfo | undefined> => {
  const { cluster, name } = serviceOf(state);
  return deps.ecs.describeService(cluster, name);
};

/**
 * PlanUpdate: what the tenant runs now (the service's revision, the record's release, serving or
 * not), which a rollback returns to. Only a tenant with its own service takes a release of its own:
 * pooled tenants run the tier's pooled service.
 */
export const planUpdate: Step = async (state, deps) => {
  const { tenantId, release } = state.request;
  if (!release) throw new FatalError('PlanUpdate: the request carries no release');
  const placement = state.placement;
  if (placement?.service !== 'own') {
    throw new FatalError(
      `tenant ${tenantId} is on tier ${placement?.tier ?? '(none)'}, which runs in the pooled service: it takes the tier's release, not one of its own (a rollout of the tier: tenantflow update --tier ${placement?.tier ?? '<tier>'} …)`,
    );
  }
  const service = await describe(state, deps);
  if (service?.status !== 'ACTIVE') {
    const { cluster, name } = serviceOf(state);
    throw new FatalError(
      `tenant ${tenantId} has no ACTIVE service ${cluster}/${name}: repair it first (tenantflow reconcile --repair)`,
    );
  }
  ensureOurs(service.tags, tenantId, `ECS service ${service.name}`);
  const companions = companionsOf(placement).map((c) => c.name);
  for (const name of Object.keys(release.services ?? {}))
    if (!companions.includes(name))
      throw new FatalError(
        `release.services.${name}: tier ${placement.tier} has no companion ${name} (${companions.length > 0 ? `it has ${companions.join(', ')}` : 'it runs one service'})`,
      );
  const record = await deps.tenants.get(tenantId);
  const running = await companionRevisionsRunning(state, deps);
  const update: UpdateProgress = {
    previous: {
      taskDefinitionArn: service.taskDefinition,
      ...(record?.release ? { release: record.release } : {}),
      active: service.desiredCount > 0,
      ...(Object.keys(running).length > 0 ? { companions: running } : {}),
    },
  };
  // A companion the release does not name keeps the image the release before gave it.
  return {
    ...state,
    request: { ...state.request, release: carriedForward(release, record?.release) },
    update,
  };
};

/** RegisterRelease: the release's revision of the tenant's family (one registered already is reused). */
export const registerRelease: Step = async (state, deps, ctx) => {
  const startedAt = deps.now();
  const { tenantId, release } = state.request;
  const update = progress(state, 'RegisterRelease');
  const placement = ownServicePlacement(state, 'RegisterRelease');
  const spec = taskDefinitionSpec(tenantId, placement, deps.config, await deps.infra.get(), release);
  const revision = await registerOrAdopt(deps, tenantId, spec);
  const companionRevisions = release ? await registerCompanionRevisions(state, deps, release) : {};
  const next: SagaState = {
    ...state,
    update: {
      ...update,
      revisionArn: revision.arn,
      ...(Object.keys(companionRevisions).length > 0 ? { companionRevisions } : {}),
    },
  };
  await checkpoint(deps, ctx, next, 'RegisterRelease', startedAt, `revision ${revision.arn}`);
  return next;
};

/** DeployRelease: UpdateService onto the release's revision (ECS starts a deployment). */
export const deployRelease: Step = async (state, deps, ctx) => {
  const startedAt = deps.now();
  const update = progress(state, 'DeployRelease');
  const revisionArn = required(update.revisionArn, 'update.revisionArn');
  const { cluster, name } = serviceOf(state);
  const outcome = await deps.ecs.updateService(cluster, name, { taskDefinitionArn: revisionArn });
  if (outcome === 'absent') throw new FatalError(`service ${cluster}/${name} is not ACTIVE`);
  await deployCompanions(state, deps, update.companionRevisions ?? {});
  await checkpoint(deps, ctx, state, 'DeployRelease', startedAt);
  return state;
};

/**
 * One look at the tenant's deployment of `revisionArn` (see {@link assessDeployment}) and of each
 * companion's of `companions[name]`: done when all are.
 */
const lookAtDeployment = async (
  state: SagaState,
  deps: StepDeps,
  revisionArn: string,
  companions: Readonly<Record<string, string>> = {},
): Promise<DeploymentLook> => {
  const service = await describe(state, deps);
  const targetGroupArn = state.resources.targetGroup?.arn;
  const targets = service && targetGroupArn ? await deps.elb.targetHealth(targetGroupArn) : undefined;
  const exposed = assessDeployment(service, targets, revisionArn);
  if (Object.keys(companions).length === 0) return exposed;
  const others = await lookAtCompanions(state, deps, companions);
  const rolledBack = exposed.rolledBack ?? others.rolledBack;
  return {
    done: exposed.done && others.done,
    detail: [exposed.detail, others.detail].filter(Boolean).join('; '),
    ...(rolledBack === undefined ? {} : { rolledBack }),
  };
};

const nextWait = (wait: DeploymentWait | undefined, done: boolean, detail: string): DeploymentWait => ({
  attempts: (wait?.attempts ?? 0) + 1,
  done,
  detail,
});

/**
 * Looks at a deployment before giving up: the health bound, plus the old tasks' drain (ECS completes
 * a deployment only once their targets have drained, for the group's deregistration delay).
 */
export const deploymentLooks = (state: SagaState, deps: StepDeps): number =>
  deps.config.health.maxAttempts +
  (ownsService(state.placement)
    ? Math.ceil(healthOf(state.placement).deregistrationDelaySeconds / DELAY_SECONDS.healthPoll)
    : 0);

/**
 * WaitForDeployment: one look per call (the state machine waits between calls). Done when the
 * service runs the release's revision, its deployment COMPLETED, every desired task running and a
 * target healthy. The circuit breaker rolling the deployment back fails the step at once; so does a
 * deployment not done after `deploymentLooks` looks.
 */
export const waitForDeployment: Step = async (state, deps, ctx) => {
  const startedAt = deps.now();
  const update = progress(state, 'WaitForDeployment');
  const revisionArn = required(update.revisionArn, 'update.revisionArn');
  const seen = await lookAtDeployment(state, deps, revisionArn, update.companionRevisions);
  const { name } = serviceOf(state);
  if (seen.rolledBack !== undefined) {
    throw new FatalError(`deployment of ${name} rolled back by the circuit breaker: ${seen.rolledBack}`);
  }
  const deployment = nextWait(update.deployment, seen.done, seen.detail);
  if (!seen.done && deployment.attempts >= deploymentLooks(state, deps)) {
    throw new FatalError(
      `${name} not deployed after ${deployment.attempts} checks; last seen: ${seen.detail}`,
    );
  }
  const next: SagaState = { ...state, update: { ...update, deployment } };
  if (seen.done) await checkpoint(deps, ctx, next, 'WaitForDeployment', startedAt);
  return next;
};

const statusAfter = (active: boolean): TenantStatus => (active ? 'ACTIVE' : 'INACTIVE');

/** The revision each companion runs now, or (its service not found) the one it ran before. */
const companionsKeep = async (
  state: SagaState,
  deps: StepDeps,
  update: UpdateProgress,
): Promise<Record<string, string>> => {
  const keep: Record<string, string> = {};
  for (const [name, made] of Object.entries(state.resources.companions?.services ?? {})) {
    const service = await deps.ecs.describeService(made.cluster, made.name);
    const arn = service?.taskDefinition ?? update.previous.companions?.[name];
    if (arn) keep[name] = arn;
  }
  return keep;
};

/**
 * CommitRelease: the update's end; the record names the release and its revision, the lock released,
 * (RetireRevisions then removes the revision it ran before).
 */
export const commitRelease: Step = async (state, deps, ctx) => {
  const startedAt = deps.now();
  const update = progress(state, 'CommitRelease');
  const release = required(state.request.release, 'request.release');
  const revisionArn = required(update.revisionArn, 'update.revisionArn');
  const placement = ownServicePlacement(state, 'CommitRelease');
  const family = required(state.resources.taskDefinition?.family, 'resources.taskDefinition');
  const at = deps.now();
  await releaseOnce(
    deps,
    {
      tenantId: state.request.tenantId,
      execution: ctx.execution,
      status: statusAfter(update.previous.active),
      active: update.previous.active,
      resources: {
        ...companionsOn(state, update.companionRevisions ?? {}),
        taskDefinition: { family, arn: revisionArn },
      },
      placement: sizedFor(placement, release),
      release,
      lastError: null,
      history: [
        historyEntry({
          operation: state.request.operation,
          ctx,
          step: 'CommitRelease',
          outcome: 'succeeded',
          startedAt,
          at,
          reason: `release ${update.previous.release?.version ?? INITIAL_RELEASE} → ${release.version}`,
        }),
      ],
      at: at.toISOString(),
    },
    'CommitRelease',
  );
  return state;
};

/**
 * RetireRevisions: after the commit, every other revision of the tenant's family deregistered and
 * deleted (the one it ran before, one an earlier attempt left): a tenant keeps one revision, and the
 * release it ran before is an update away.
 */
export const retireRevisions: Step = async (state, deps) => {
  const update = progress(state, 'RetireRevisions');
  const revisionArn = required(update.revisionArn, 'update.revisionArn');
  const family = required(state.resources.taskDefinition?.family, 'resources.taskDefinition');
  await retireOthers(deps, state.request.tenantId, family, revisionArn);
  await retireCompanionRevisions(state, deps, update.companionRevisions ?? {});
  return state;
};

/**
 * RollBackRelease: the service back on the revision it ran before (unless it runs it: nothing was
 * deployed, or the circuit breaker put it back), then one look per call until that deployment has
 * completed. What the service runs is asked, never assumed: a DeployRelease that died may or may not
 * have reached ECS. Gives up after `deploymentLooks` looks (the chain goes on; the tenant is then
 * left FAILED on what it runs).
 */
export const rollBackRelease: Step = async (state, deps) => {
  const update = state.update;
  if (!update) return state;
  const previousArn = update.previous.taskDefinitionArn;
  const { cluster, name } = serviceOf(state);
  const service = await describe(state, deps);
  if (service?.status !== 'ACTIVE') throw new FatalError(`service ${cluster}/${name} is not ACTIVE`);
  if (service.taskDefinition !== previousArn) {
    const outcome = await deps.ecs.updateService(cluster, name, { taskDefinitionArn: previousArn });
    if (outcome === 'absent') throw new FatalError(`service ${cluster}/${name} is not ACTIVE`);
  }
  await deployCompanions(state, deps, update.previous.companions ?? {});
  const seen = await lookAtDeployment(state, deps, previousArn, update.previous.companions);
  const rollback = nextWait(update.rollback, seen.done, seen.detail);
  if (!seen.done && rollback.attempts >= deploymentLooks(state, deps)) {
    throw new FatalError(
      `${name} not back on ${previousArn} after ${rollback.attempts} checks; last seen: ${seen.detail}`,
    );
  }
  return { ...state, update: { ...update, rollback } };
};

/**
 * DeregisterRelease: every revision of the tenant's family but the one its service runs (after the
 * rollback, the previous one) deregistered and deleted: the release's, and one an earlier attempt
 * registered and never recorded.
 */
export const deregisterRelease: Step = async (state, deps, ctx) => {
  const update = state.update;
  const family = state.resources.taskDefinition?.family;
  if (!update || !family) return state;
  const startedAt = deps.now();
  const service = await describe(state, deps);
  const keep = service?.taskDefinition ?? update.previous.taskDefinitionArn;
  const retired = await retireOthers(deps, state.request.tenantId, family, keep);
  retired.push(...(await retireCompanionRevisions(state, deps, await companionsKeep(state, deps, update))));
  const { revisionArn: _removed, ...rest } = update;
  const next: SagaState = { ...state, update: rest };
  if (retired.length > 0)
    await checkpoint(deps, ctx, next, 'DeregisterRelease', startedAt, `removed ${retired.join(', ')}`);
  return next;
};

/**
 * AbandonUpdate: the tenant as the update found it (ACTIVE or INACTIVE on its previous release), with
 * why the update did not happen. When the service could not be put back on its previous revision, the
 * tenant is FAILED, naming the revision it runs: `tenantflow update` again, or offboard it. Changes
 * nothing when this execution does not hold the tenant (it never took it).
 */
export const abandonUpdate: Step = async (state, deps, ctx) => {
  const startedAt = deps.now();
  const { tenantId } = state.request;
  const record = await deps.tenants.get(tenantId);
  if (!record || record.lock?.execution !== ctx.execution) return state;
  const update = state.update;
  const service = update ? await describe(state, deps) : undefined;
  const running = service?.taskDefinition ?? record.resources.taskDefinition?.arn;
  const companions = update ? await companionsKeep(state, deps, update) : {};
  // Asked, not assumed: every service is back on its previous revision, or never left it.
  const backOnPrevious =
    !update ||
    (running === update.previous.taskDefinitionArn &&
      Object.entries(update.previous.companions ?? {}).every(([name, arn]) => companions[name] === arn));
  const active = update?.previous.active ?? record.active;
  // Without a plan nothing was changed: the record's `active` says how the tenant was (kept by the
  // watcher too when an earlier update of it died).
  const status: TenantStatus = backOnPrevious ? statusAfter(active) : 'FAILED';
  const family = record.resources.taskDefinition?.family;
  const lastError = {
    operation: state.request.operation,
    step: failedStep(state.failure),
    reason: failureReason(state.failure),
    at: deps.now().toISOString(),
  };
  await deps.tenants.releaseDead({
    tenantId,
    execution: ctx.execution,
    status,
    active: status === 'ACTIVE',
    resources: {
      ...companionsOn({ ...state, resources: record.resources }, companions),
      ...(family && running ? { taskDefinition: { family, arn: running } } : {}),
    },
    // Not back: it runs the new release, and the record says so.
    ...(!backOnPrevious && state.request.release ? { release: state.request.release } : {}),
    ...(state.failure ? { lastError } : {}),
    history: [
      entry(
        state,
        deps,
        ctx,
        'AbandonUpdate',
        startedAt,
        backOnPrevious
          ? `the tenant stays on release ${update?.previous.release?.version ?? record.release?.version ?? INITIAL_RELEASE}`
          : `the service could not be put back on ${update?.previous.taskDefinitionArn}; it runs ${running}`,
      ),
    ],
    at: deps.now().toISOString(),
  });
  return state;
};
