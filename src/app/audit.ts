import { OPERATION_TABLE } from '../domain/operations.ts';
import { MACHINE_TIMEOUT_SECONDS } from '../domain/saga.ts';
import type { TenantRecord } from '../domain/tenant-record.ts';

/**
 * How long past its machine's own time bound a lock may stay before it counts as stuck: the
 * watcher releases the lock of a timed-out execution within seconds; EventBridge's retries of a
 * failing watcher take longer, and a lock older than this means even those have not worked.
 */
export const STALE_LOCK_MARGIN_SECONDS = 15 * 60;

/** A tenant held by an execution for longer than that execution can run. */
export interface StaleLock {
  tenantId: string;
  execution: string;
  operation: string;
  since: string;
  heldSeconds: number;
  boundSeconds: number;
}

/** The locks of `records` held past their machine's time bound (plus the margin) at `now`. */
export const staleLocks = (records: readonly TenantRecord[], now: Date): StaleLock[] =>
  records.flatMap((record) => {
    const lock = record.lock;
    if (!lock) return [];
    const boundSeconds =
      MACHINE_TIMEOUT_SECONDS[OPERATION_TABLE[lock.operation].machine] + STALE_LOCK_MARGIN_SECONDS;
    const heldSeconds = Math.floor((now.getTime() - Date.parse(lock.since)) / 1000);
    if (!(heldSeconds > boundSeconds)) return [];
    return [
      {
        tenantId: record.tenantId,
        execution: lock.execution,
        operation: lock.operation,
        since: lock.since,
        heldSeconds,
        boundSeconds,
      },
    ];
  });
