import type { Operation } from '../domain/request.ts';
import type { TenantResources } from '../domain/resources.ts';
import type { HistoryEntry, TenantRecord, TenantRouting, TenantStatus } from '../domain/tenant-record.ts';
import type { Tier } from '../domain/tier.ts';

/** What a saga asks for when it takes the tenant's lock. */
export interface AcquireRequest {
  tenantId: string;
  tenantRegistrationId: string;
  tenantName: string;
  tier: Tier;
  operation: Operation;
  execution: string;
  /** Status written while the lock is held (PROVISIONING, DEPROVISIONING, …). */
  status: TenantStatus;
  /** Statuses (of an existing record) from which this operation may start; `'absent'` = no record yet. */
  allowedFrom: ReadonlyArray<TenantStatus | 'absent'>;
  at: string;
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
  history: HistoryEntry[];
  at: string;
}

/**
 * The tenant map (DynamoDB): conditional writes only. `acquire` raises `ConflictError` when
 * another execution holds the lock or the status does not allow the operation; taking a lock the
 * same execution already holds succeeds (a retried step).
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
 * Exactly-once bookkeeping of terminal status events, keyed by execution: the saga's notify step
 * and the execution watcher both go through it, so the control plane hears back once.
 */
export interface StatusLedger {
  /** `'claimed'` when this caller may send; `'sent'` when it already went out. */
  claim(execution: string, detailType: string, at: string): Promise<'claimed' | 'sent'>;
  markSent(execution: string, at: string): Promise<void>;
  /** Gives a claim back after a failed send, so a retry may send. */
  abandon(execution: string): Promise<void>;
}
