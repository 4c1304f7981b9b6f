import type { Placement } from './catalogue.ts';
import { OPERATION_TABLE, type Operation } from './operations.ts';
import type { TenantRelease } from './release.ts';
import { hasNoResources, type TenantResources } from './resources.ts';
import type { TenantStatus } from './tenant-status.ts';

export { TENANT_STATUSES, type TenantStatus } from './tenant-status.ts';

/** One line of a tenant's lifecycle history (a step finished, or an operation ended). */
export interface HistoryEntry {
  operation: Operation;
  execution: string;
  step: string;
  outcome: 'succeeded' | 'failed' | 'compensated' | 'skipped';
  at: string;
  durationMs?: number;
  reason?: string;
}

/** Held while a lifecycle operation runs: at most one per tenant at a time. */
export interface TenantLock {
  execution: string;
  operation: Operation;
  since: string;
}

/** How a request reaches the tenant: written as the tenant map's routing entry. */
export interface TenantRouting {
  /** `pooled` (the shared service), `silo` (the tenant's own service). */
  mode: 'pooled' | 'silo';
  clusterName: string;
  serviceName: string;
  targetGroupArn: string;
  /** Requests carrying this header value on the shared listener go to the tenant. */
  tenantHeader: string;
  /** The DNS name of the load balancer shard the tenant's requests go to (records before shards: none). */
  loadBalancerDns?: string;
}

/**
 * A tier migration under way, as the record shows it: the placement being built (`to`, before the
 * switch) or being left (`from`, after it), and what of that placement exists. Its resources are the
 * tenant's as much as `resources` are: nothing either names is an orphan.
 */
export interface MigrationRecord {
  direction: 'to' | 'from';
  placement: Placement;
  resources: TenantResources;
}

/** The tenant map item: the record of which resources belong to the tenant and where it is placed. */
export interface TenantRecord {
  tenantId: string;
  /** The SBT registration the tenant was onboarded from (absent when onboarded by hand without one). */
  tenantRegistrationId?: string;
  tenantName: string;
  /**
   * The onboarding event's `email` (a tier with a user pool of its own makes its admin user from it):
   * what a retry of a failed onboarding sends again.
   */
  email?: string;
  /**
   * Where the tenant is placed, resolved from the tier catalogue by onboarding and only ever changed
   * by onboarding. Absent only for a record no onboarding ever made (an offboarding of an unknown id).
   */
  placement?: Placement;
  lifecycleStatus: TenantStatus;
  /** Serving traffic (false after deactivate). */
  active: boolean;
  lock?: TenantLock;
  resources: TenantResources;
  /** Set while a migration builds its target or removes its source (see {@link MigrationRecord}). */
  migration?: MigrationRecord;
  routing?: TenantRouting;
  /**
   * The release the tenant's own service runs, set by an update; absent: the initial release (what
   * onboarding or a migration registered from the shared stack's image). The revision is
   * `resources.taskDefinition.arn`.
   */
  release?: TenantRelease;
  lastError?: { operation: Operation; step: string; reason: string; at: string };
  history: HistoryEntry[];
  /** Incremented on every write: optimistic concurrency for writers without the lock. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

/**
 * True when `execution` finished its `operation`: its final step succeeded and it let go of the
 * tenant. After that nothing may undo it: a failure reported afterwards is only the report's.
 */
export const operationFinished = (record: TenantRecord, execution: string, operation: Operation): boolean =>
  record.lock?.execution !== execution &&
  record.history.some(
    (entry) =>
      entry.execution === execution &&
      entry.step === OPERATION_TABLE[operation].finalStep &&
      entry.outcome === 'succeeded',
  );

/**
 * Whether `execution` got its operation past the point of no return (its commit step succeeded):
 * a migration that died after its commit has moved the tenant, whatever is left to tidy up.
 */
export const operationCommitted = (record: TenantRecord, execution: string, operation: Operation): boolean =>
  record.history.some(
    (entry) =>
      entry.execution === execution &&
      entry.step === OPERATION_TABLE[operation].commitStep &&
      entry.outcome === 'succeeded',
  );

/** Whether the record's migration entry still names resources of its other placement. */
export const namesMigrationLeftover = (record: Pick<TenantRecord, 'migration'>): boolean =>
  record.migration !== undefined && !hasNoResources(record.migration.resources);

/** Every resource the record names: its placement's, and a migration's other side. */
export const namedResources = (record: Pick<TenantRecord, 'resources' | 'migration'>): TenantResources[] =>
  record.migration ? [record.resources, record.migration.resources] : [record.resources];
