import type { Placement } from '../domain/catalogue.ts';
import type { Operation } from '../domain/operations.ts';
import type { TenantRelease } from '../domain/release.ts';
import type { TenantResources } from '../domain/resources.ts';
import type { GrownShard } from '../domain/shards.ts';
import type {
  HistoryEntry,
  MigrationRecord,
  TenantRecord,
  TenantRouting,
  TenantStatus,
} from '../domain/tenant-record.ts';

/** What a saga asks for when it takes the tenant's lock. */
export interface AcquireRequest {
  tenantId: string;
  operation: Operation;
  execution: string;
  /** Status written while the lock is held (PROVISIONING, DEPROVISIONING, …). */
  status: TenantStatus;
  /** Statuses (of an existing record) from which this operation may start; `'absent'` = no record yet. */
  allowedFrom: ReadonlyArray<TenantStatus | 'absent'>;
  at: string;
  /**
   * Onboarding writes the name and registration onto the record; any other operation leaves the
   * record's as they are, writing these only onto a record it creates (an unknown tenant).
   */
  tenantName: string;
  tenantRegistrationId?: string;
  /** Onboarding only: the event's `email`, written onto the record (removed when the event has none). */
  email?: string;
  /** Onboarding only (required there): the placement it provisions, written onto the record. */
  placement?: Placement;
  /**
   * Take the tenant only while its record is at this version (nothing changed since it was read):
   * a cleanup must never act on a tenant someone has worked on since. `ConflictError` otherwise.
   */
  expectedVersion?: number;
}

/** The end of an operation: the lock is released in the same conditional write. */
export interface ReleaseRequest {
  tenantId: string;
  execution: string;
  status: TenantStatus;
  active: boolean;
  resources: TenantResources;
  routing?: TenantRouting | null;
  lastError?: TenantRecord['lastError'] | null;
  /** A migration's record: set, removed (`null`) or left alone (absent). */
  migration?: MigrationRecord | null;
  /** A new placement (a migration's end, an update's sizes); left alone when absent. */
  placement?: Placement;
  /** The release the tenant runs now: set, removed (`null`: the initial one) or left alone (absent). */
  release?: TenantRelease | null;
  history: HistoryEntry[];
  at: string;
}

/** What a repair by reconciliation writes (see {@link TenantMap.repairResources}). */
export interface RepairRequest {
  tenantId: string;
  expectedVersion: number;
  resources: TenantResources;
  /** `null`: the record's migration leftover is gone; absent: left alone. */
  migration?: null;
  history: HistoryEntry[];
  at: string;
}

/** What a migration step writes while it holds the lock (absent fields are left alone). */
export interface MigrationChange {
  /** The migration record: set, or removed (`null`). */
  migration?: MigrationRecord | null;
  /** The resources of the migration's other side only (the record must have a migration). */
  migrationResources?: TenantResources;
  placement?: Placement;
  resources?: TenantResources;
  routing?: TenantRouting | null;
  /** The release the tenant runs (at the switch: the target's; `null`: the initial one). */
  release?: TenantRelease | null;
}

/**
 * The tenant map (DynamoDB): conditional writes only. `acquire` raises `TenantLockedError` when
 * another execution holds the lock and `ConflictError` when the status does not allow the operation,
 * or (onboarding) when another tenant's id differs from this one only in case; taking a lock the same
 * execution already holds succeeds (a retried step).
 */
export interface TenantMap {
  get(tenantId: string): Promise<TenantRecord | undefined>;
  list(): Promise<TenantRecord[]>;
  acquire(request: AcquireRequest): Promise<TenantRecord>;
  /** Records resources while the lock is held (conditional on `execution` holding it). */
  recordResources(
    tenantId: string,
    execution: string,
    resources: TenantResources,
    history: HistoryEntry[],
  ): Promise<void>;
  /** Records a migration's progress while the lock is held (conditional on `execution` holding it). */
  recordMigration(
    tenantId: string,
    execution: string,
    change: MigrationChange,
    history: HistoryEntry[],
  ): Promise<void>;
  /**
   * Reconciliation's write: the resources of a tenant no operation holds (and a migration's leftover
   * removed, with `migration: null`), only while the record is unlocked and still at
   * `expectedVersion`; returns the record as written. `ConflictError` when it changed meanwhile.
   */
  repairResources(request: RepairRequest): Promise<TenantRecord>;
  /** Ends the operation and releases the lock. `ConflictError` if `execution` does not hold it. */
  release(request: ReleaseRequest): Promise<TenantRecord>;
  /**
   * Releases a lock held by an execution that died (watcher). No-op when `execution` does not
   * hold the lock; returns the record as written, or `undefined` when nothing was changed.
   */
  releaseDead(request: ReleaseRequest): Promise<TenantRecord | undefined>;
}

/** One listener-rule priority claimed by a tenant. */
export interface PriorityClaim {
  priority: number;
  tenantId: string;
}

/** Atomic allocator of listener-rule priorities, kept in DynamoDB (never a hash). */
export interface PriorityRegistry {
  list(listenerArn: string): Promise<PriorityClaim[]>;
  /** True when claimed for `tenantId` (or it already held it); false when another tenant holds it. */
  claim(listenerArn: string, priority: number, tenantId: string): Promise<boolean>;
  /** Frees the priority if `tenantId` holds it. */
  release(listenerArn: string, priority: number, tenantId: string): Promise<void>;
}

/**
 * The load balancer shards the orchestrator added (src/domain/shards.ts), one item each. A shard
 * execution reserves the next index before it creates anything, so two executions never build the
 * same shard, and only the reserving execution completes or releases it.
 */
export interface ShardRegistry {
  /** Every grown shard, by index. */
  list(): Promise<GrownShard[]>;
  /**
   * Reserves `index` for `execution` (CREATING). `'reserved'` also when it already holds it;
   * `'taken'` when another execution reserved that index, or it is ACTIVE.
   */
  reserve(index: number, execution: string): Promise<'reserved' | 'taken'>;
  /**
   * Hands a CREATING reservation over to `execution` (a new run taking up a dead one's shard);
   * false when it is no longer CREATING under `from`.
   */
  takeOver(index: number, from: string, execution: string): Promise<boolean>;
  /** Marks the reservation ACTIVE with its load balancer; false when `execution` does not hold it. */
  activate(
    index: number,
    execution: string,
    shard: { loadBalancerArn: string; listenerArn: string; dnsName: string },
  ): Promise<boolean>;
  /** Deletes the reservation if `execution` holds it and it is still CREATING (nothing otherwise). */
  release(index: number, execution: string): Promise<void>;
}

/**
 * Exactly-once bookkeeping of terminal status events, keyed by execution (or by rejected event): the
 * saga's notify steps, the execution watcher and the ingress all go through it, so the control plane
 * hears back once. A claim belongs to an `owner` and is leased: while a live claim is held by another
 * owner the answer is `'busy'` (try again later); an expired one may be taken over (its sender died).
 * The same owner always gets its own claim back, so a sequential retry of a crashed sender can send.
 */
export interface StatusLedger {
  /** `'claimed'`: this owner may send now; `'sent'`: it already went out; `'busy'`: another owner is sending. */
  claim(key: string, detailType: string, at: string, owner: string): Promise<'claimed' | 'sent' | 'busy'>;
  /** Marks the event of `key` settled: sent, or (`note`) deliberately not sent for that reason. */
  markSent(key: string, at: string, note?: string): Promise<void>;
  /** Gives this owner's claim back after a failed send, so a retry may send. */
  abandon(key: string, owner: string): Promise<void>;
  /**
   * Records that execution `name` was started by a delivery: `'first'` for the first delivery to
   * record it, `'again'` for a redelivery (StartExecution answers both the same while it runs).
   */
  recordStart(name: string, at: string): Promise<'first' | 'again'>;
}
