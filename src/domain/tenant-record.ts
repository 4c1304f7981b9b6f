import type { Operation } from './request.ts';
import type { TenantResources } from './resources.ts';
import type { Tier } from './tier.ts';

/** Where a tenant stands. `DELETED` is the tombstone left by offboarding. */
export const TENANT_STATUSES = [
  'PROVISIONING',
  'ACTIVE',
  'INACTIVE',
  'ACTIVATING',
  'DEACTIVATING',
  'DEPROVISIONING',
  'FAILED',
  'DELETED',
] as const;
export type TenantStatus = (typeof TENANT_STATUSES)[number];

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
  /** `pooled` for basic (shared service), `silo` for advanced and premium. */
  mode: 'pooled' | 'silo';
  clusterName: string;
  serviceName: string;
  targetGroupArn: string;
  /** Requests carrying this header value on the shared listener go to the tenant. */
  tenantHeader: string;
}

/** The tenant map item: the record of which resources belong to which tenant. */
export interface TenantRecord {
  tenantId: string;
  tenantRegistrationId: string;
  tenantName: string;
  tier: Tier;
  lifecycleStatus: TenantStatus;
  /** Serving traffic (false after deactivate). */
  active: boolean;
  lock?: TenantLock;
  resources: TenantResources;
  routing?: TenantRouting;
  lastError?: { operation: Operation; step: string; reason: string; at: string };
  history: HistoryEntry[];
  /** Incremented on every write: optimistic concurrency for writers without the lock. */
  version: number;
  createdAt: string;
  updatedAt: string;
}
