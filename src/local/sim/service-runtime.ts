import type { SimContext } from './context.ts';
import { nextHex } from './context.ts';
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

/** Tasks of an ACTIVE service that have reached RUNNING. */
export const runningTasks = (service: ServiceRecord, now: number): TaskRecord[] =>
  serviceStatus(service, now) === 'ACTIVE' ? service.tasks.filter((t) => t.runningAt <= now) : [];

export const pendingCount = (service: ServiceRecord, now: number): number =>
  serviceStatus(service, now) === 'ACTIVE' ? service.tasks.filter((t) => t.runningAt > now).length : 0;

/** Adds or removes tasks so that `desiredCount` are running or starting; new ones start later. */
export const reconcileTasks = (ctx: SimContext, service: ServiceRecord, startAt: number): void => {
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
};
