import type { SimContext } from '../../context.ts';
import { nextHex } from '../../context.ts';
import type { ServiceRecord, TaskRecord } from './state.ts';

/*
 * Time-based behaviour of a simulated ECS service, computed from the instants stored on it, so
 * it reads the same after a restart: tasks start `serviceStartMs` after they were asked for,
 * their targets turn healthy `healthyAfterMs` later, a deleted service drains for `drainMs`.
 */

/** ACTIVE, DRAINING (deleted, tasks stopping) or INACTIVE. */
export type ServiceStatus = 'ACTIVE' | 'DRAINING' | 'INACTIVE';

export const serviceStatus = (service: ServiceRecord, now: number): ServiceStatus => {
  if (service.deletedAt === undefined) return 'ACTIVE';
  return service.inactiveAt !== undefined && now >= service.inactiveAt ? 'INACTIVE' : 'DRAINING';
};

/** True while the service counts as existing (ECS refuses a second one of the same name). */
export const isLive = (service: ServiceRecord, now: number): boolean =>
  serviceStatus(service, now) !== 'INACTIVE';

/** A task that has started and not (yet) been stopped by a deployment replacing it. */
export const isRunning = (task: TaskRecord, now: number): boolean =>
  task.runningAt <= now && (task.stopsAt === undefined || now < task.stopsAt);

/** Tasks of an ACTIVE service that have reached RUNNING. */
export const runningTasks = (service: ServiceRecord, now: number): TaskRecord[] =>
  serviceStatus(service, now) === 'ACTIVE' ? service.tasks.filter((t) => isRunning(t, now)) : [];

export const pendingCount = (service: ServiceRecord, now: number): number =>
  serviceStatus(service, now) === 'ACTIVE' ? service.tasks.filter((t) => t.runningAt > now).length : 0;

/**
 * Images whose tasks exit as soon as they start, so that tests and demos can ship a release that
 * fails: a tag containing `broken` (`app:2.0-broken`). Anything else starts normally.
 */
export const isFailingImage = (image: string | undefined): boolean =>
  image !== undefined && /:[^/@]*broken[^/@]*$/.test(image);

/** True once a failing deployment has been rolled back by the circuit breaker (at `now`). */
export const rolledBackAt = (service: ServiceRecord, now: number): boolean =>
  service.failingRollout !== undefined &&
  now >= service.failingRollout.failsAt &&
  service.circuitBreaker?.enable === true &&
  service.circuitBreaker.rollback === true;

/** The revision the service runs at `now`: the previous one once the circuit breaker rolled back. */
export const effectiveTaskDefinition = (service: ServiceRecord, now: number): string =>
  rolledBackAt(service, now) && service.failingRollout
    ? service.failingRollout.previous
    : service.taskDefinition;

/**
 * Writes down what time has done to a service (a failing deployment rolled back) and drops tasks a
 * deployment stopped, so a change starts from the service as it is now.
 */
export const settleService = (service: ServiceRecord, now: number): void => {
  const failing = service.failingRollout;
  if (failing && rolledBackAt(service, now)) {
    service.rolledBack = {
      deploymentId: service.deploymentId,
      taskDefinition: service.taskDefinition,
      reason: failing.reason,
    };
    service.taskDefinition = failing.previous;
    service.deploymentId = failing.deploymentId;
    service.rolloutCompletesAt = failing.failsAt;
    delete service.failingRollout;
  }
  service.tasks = service.tasks.filter((t) => t.stopsAt === undefined || now < t.stopsAt);
};

/** Adds or removes tasks so that `desiredCount` are running or starting; new ones start later. */
export const reconcileTasks = (ctx: SimContext, service: ServiceRecord, startAt: number): void => {
  // Tasks a deployment is replacing do not count: they stop on their own.
  const leaving = service.tasks.filter((t) => t.stopsAt !== undefined);
  service.tasks = service.tasks.filter((t) => t.stopsAt === undefined);
  while (service.tasks.length > service.desiredCount) {
    // Scale-in stops tasks that have not started yet first, as ECS does.
    const pending = service.tasks.findLastIndex((t) => t.runningAt > ctx.now);
    service.tasks.splice(pending >= 0 ? pending : service.tasks.length - 1, 1);
  }
  while (service.tasks.length < service.desiredCount) {
    const id = nextHex(ctx, 32);
    const octets = Number.parseInt(id.slice(0, 4), 16);
    const subnetIndex = service.tasks.length % 2;
    service.tasks.push({
      id,
      ip: `10.0.${128 + subnetIndex * 16 + ((octets >> 8) % 16)}.${(octets % 250) + 4}`,
      availabilityZone: `${ctx.region}${subnetIndex === 0 ? 'a' : 'b'}`,
      runningAt: startAt,
    });
  }
  service.tasks.push(...leaving);
};

/**
 * A new deployment of `taskDefinition` (whose container runs `image`): new tasks start and the old
 * ones stop once they run; with a failing image the new tasks never start and the deployment fails
 * after `serviceStartMs` (rolled back by the circuit breaker when it is on).
 */
export const deploy = (
  ctx: SimContext,
  service: ServiceRecord,
  taskDefinition: string,
  image: string | undefined,
): void => {
  const previous = service.taskDefinition;
  const previousDeployment = service.deploymentId;
  service.taskDefinition = taskDefinition;
  service.deploymentId = `ecs-svc/${String(Number.parseInt(nextHex(ctx, 12), 16)).padStart(19, '0')}`;
  service.rolloutCompletesAt = ctx.now + ctx.timing.serviceStartMs;
  delete service.failingRollout;
  if (isFailingImage(image) && service.desiredCount > 0) {
    service.failingRollout = {
      previous,
      failsAt: service.rolloutCompletesAt,
      // The rollback is a deployment of its own: it completes at once, the old tasks never stopped.
      deploymentId: previousDeployment,
      reason: `ECS deployment circuit breaker: tasks failed to start (image ${image} exited at start).`,
    };
    return;
  }
  const old = service.tasks.filter((t) => t.stopsAt === undefined);
  for (const task of old) task.stopsAt = service.rolloutCompletesAt;
  service.tasks = old;
  delete service.rolledBack;
  reconcileTasks(ctx, service, service.rolloutCompletesAt);
};
