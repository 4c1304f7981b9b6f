import { z } from 'zod';
import {
  buildStatusEvent,
  cleanupExecutionName,
  type OutboundEvent,
  parseLifecycleInput,
} from '../../events/index.ts';
import type { TenantFlowConfig } from '../config.ts';
import { OPERATION_TABLE, OPERATIONS, type Operation } from '../domain/operations.ts';
import {
  CLEANUP_ATTEMPTS,
  type Cleanup,
  registrationToAnswer,
  type TenantRequest,
} from '../domain/request.ts';
import { hasNoResources } from '../domain/resources.ts';
import { haltedReport, rolloutSummaryKey } from '../domain/rollout.ts';
import { DEAD_STATUSES, ROLLOUT_MACHINE, SHARD_MACHINE } from '../domain/saga.ts';
import { successTenantData, tenantConfigSettings } from '../domain/tenant-config.ts';
import {
  namesMigrationLeftover,
  operationCommitted,
  operationFinished,
  type TenantRecord,
} from '../domain/tenant-record.ts';
import type { TenantStatus } from '../domain/tenant-status.ts';
import type { EventPublisher, StatusLedger, TenantMap, WorkflowStarter } from '../ports/index.ts';
import { claimStatusEvent, publishClaimed, sendOnce } from '../steps/send-once.ts';
import { rolloutSummaryEvent } from './rollout.ts';

/** The `detail` of a Step Functions "Execution Status Change" event, as far as the watcher reads it. */
export const executionStatusChangeSchema = z.object({
  executionArn: z.string(),
  stateMachineArn: z.string(),
  name: z.string().min(1),
  status: z.string(),
  input: z.string().nullish(),
  error: z.string().nullish(),
  cause: z.string().nullish(),
});
export type ExecutionStatusChange = z.infer<typeof executionStatusChangeSchema>;

export type WatchResult =
  | { outcome: 'ignored'; reason: string }
  /** A dead rollout: its summary event, sent now or by its own last step before. */
  | {
      outcome: 'rollout-reported';
      execution: string;
      summary: 'sent' | 'already-sent';
      statusEvent: OutboundEvent;
    }
  | {
      /**
       * `notified`: this delivery sent the terminal status event; `already-notified`: the saga (or an
       * earlier delivery) had; `unanswerable`: the request names no registration to answer.
       */
      outcome: 'notified' | 'already-notified' | 'unanswerable';
      execution: string;
      tenantId: string;
      statusEvent?: OutboundEvent;
      releasedLock: boolean;
      /** The status the tenant was left in when its lock was released (before any cleanup ran). */
      releasedAs?: TenantStatus;
      /** The cleanup execution started to remove what the dead one left, if one was needed. */
      cleanup?: string;
    };

export interface WatchDeps {
  config: TenantFlowConfig;
  tenants: TenantMap;
  ledger: StatusLedger;
  events: EventPublisher;
  /** Starts the cleanup offboarding after an execution that died midway. */
  starter: WorkflowStarter;
  now: () => Date;
}

const parseInput = (input: string | null | undefined): unknown => {
  if (!input) return undefined;
  try {
    return JSON.parse(input);
  } catch {
    return undefined;
  }
};

/**
 * A rollout that died (stopped, timed out, or failed without its last step's report): its summary
 * event, halted with the reason, unless its own last step had sent it. The counts are not known
 * here (each tenant's record says where it stands); its update executions end on their own.
 */
const reportDeadRollout = async (change: ExecutionStatusChange, deps: WatchDeps): Promise<WatchResult> => {
  const why = [change.error, change.cause].filter(Boolean).join(': ') || 'no error reported';
  const report = haltedReport(
    parseInput(change.input),
    `the rollout execution ${change.status.toLowerCase()} (${why}); updates it had started end on their own`,
  );
  const event = rolloutSummaryEvent(deps.config.contract.applicationPlaneSource, report);
  const sent = await sendOnce(deps, rolloutSummaryKey(change.name), WATCHER_OWNER, event);
  return { outcome: 'rollout-reported', execution: change.name, summary: sent, statusEvent: event };
};

/** The watcher's identity in the status ledger. */
const WATCHER_OWNER = 'watcher';

/** The success event the tenant map supports for a finished operation. */
const successEvent = (
  config: TenantFlowConfig,
  operation: Operation,
  registration: string,
  record: TenantRecord,
): OutboundEvent => {
  const tenantData = successTenantData(
    operation,
    record.placement,
    record.routing,
    record.resources,
    tenantConfigSettings(config),
  );
  return buildStatusEvent({
    contract: config.contract,
    operation,
    outcome: 'success',
    tenantRegistrationId: registration,
    ...(tenantData ? { tenantData } : {}),
  });
};

/** The watcher's own entry in a tenant's history: it released a lock the dead execution held. */
const WATCHER_STEP = 'ExecutionWatcher';

/**
 * The cleanup a dead execution needs, if any: one that took the tenant (it is the last to have
 * touched the record, now unlocked) and left it FAILED with resources on the record, or died before
 * its own compensation ran (the watcher released its lock: something may exist that no record names
 * yet), or (a migration) left part of its other placement named on the record. A cleanup that
 * itself died is tried again, up to `CLEANUP_ATTEMPTS`; one that FAILED is left to the operator
 * (`tenantflow retry`, or `reconcile --repair` for a migration's leftovers), or the same fault would loop.
 */
const cleanupNeeded = (
  request: TenantRequest,
  status: string,
  execution: string,
  record: TenantRecord | undefined,
): Cleanup | undefined => {
  if (OPERATION_TABLE[request.operation].cleanupBy === null) return undefined;
  const previous = request.cleanup;
  if (previous && (status === 'FAILED' || previous.attempt >= CLEANUP_ATTEMPTS)) return undefined;
  if (!record || record.lock) return undefined;
  const last = record.history.at(-1);
  if (last?.execution !== execution) return undefined;
  // A migration that gave up may leave the tenant ACTIVE where it was, with some of its target left.
  const unfinishedMigration = namesMigrationLeftover(record);
  if (record.lifecycleStatus !== 'FAILED' && !unfinishedMigration) return undefined;
  if (hasNoResources(record.resources) && !unfinishedMigration && last.step !== WATCHER_STEP)
    return undefined;
  return { of: previous?.of ?? execution, attempt: (previous?.attempt ?? 0) + 1, version: record.version };
};

/**
 * Starts the cleanup (idempotent: same dead execution and attempt, same name and input): an
 * offboarding after a dead onboarding or offboarding, a migration (rolling back, or forward when it
 * had committed) after a dead migration.
 */
const startCleanup = async (
  deps: WatchDeps,
  record: TenantRecord,
  cleanup: Cleanup,
  by: Operation,
): Promise<string> => {
  const name = cleanupExecutionName(cleanup);
  // A migration's request names a tier; its cleanup plans from the record, so the record's tier does.
  const tier = OPERATION_TABLE[by].tier === 'target' ? record.placement?.tier : undefined;
  const input = {
    operation: by,
    tenantId: record.tenantId,
    tenantName: record.tenantName,
    ...(tier ? { tier } : {}),
    cleanup,
  };
  await deps.starter.start(OPERATION_TABLE[by].machine, name, input);
  return name;
};

/**
 * The one recovery path for an execution that died (failed, timed out, aborted; locally also one
 * whose process was killed) before its saga could finish:
 * 1. the lock goes first: a tenant is never left locked by the dead (FAILED, with what it names);
 * 2. the one terminal status event, unless the saga already sent it: the failure, or, when the
 *    tenant map shows the work finished and only the report died, the success;
 * 3. a cleanup execution when the dead onboarding or offboarding left something behind, so the
 *    tenant ends FAILED with nothing left (see `cleanupNeeded`).
 * The status ledger, the conditional release and the cleanup's deterministic name make every step
 * a no-op on a redelivery.
 */
export const handleExecutionStatusChange = async (detail: unknown, deps: WatchDeps): Promise<WatchResult> => {
  const parsed = executionStatusChangeSchema.safeParse(detail);
  if (!parsed.success)
    return { outcome: 'ignored', reason: `unreadable detail: ${parsed.error.issues[0]?.message}` };
  const change = parsed.data;
  if (!(DEAD_STATUSES as readonly string[]).includes(change.status)) {
    return { outcome: 'ignored', reason: `status ${change.status} is not terminal-without-report` };
  }
  if (change.stateMachineArn.endsWith(`-${ROLLOUT_MACHINE}`)) return reportDeadRollout(change, deps);
  // A dead shard execution answers nobody; the next one takes over the shard it left reserved.
  if (change.stateMachineArn.endsWith(`-${SHARD_MACHINE}`))
    return { outcome: 'ignored', reason: 'a shard execution: the next one takes over what it left' };
  const request = parseLifecycleInput(parseInput(change.input), {
    contract: deps.config.contract,
    catalogue: deps.config.catalogue,
    accepts: OPERATIONS,
  });
  const operation = request.ok ? request.request.operation : request.operation;
  const tenantId = request.ok ? request.request.tenantId : request.tenantId;
  if (!operation || !tenantId) {
    return { outcome: 'ignored', reason: 'the execution input names no tenant' };
  }
  const record = await deps.tenants.get(tenantId);
  const registrationId = request.ok
    ? registrationToAnswer(request.request, record?.tenantRegistrationId)
    : request.tenantRegistrationId;
  const finished = record !== undefined && operationFinished(record, change.name, operation);
  // Past its commit (a migration that died while removing its source), the request took effect:
  // the tenant is serving where the record says, and the control plane hears that.
  const committed = finished || (record !== undefined && operationCommitted(record, change.name, operation));
  const at = deps.now().toISOString();

  // 1. The lock, whatever happens to the report.
  const lastStep = record?.history.filter((entry) => entry.execution === change.name).at(-1)?.step;
  const why = [change.error, change.cause].filter(Boolean).join(': ') || 'no error reported';
  const reason = `execution ${change.status.toLowerCase()} (${why})${lastStep ? `; last completed step ${lastStep}` : ''}`;
  const step = lastStep ?? 'Execution';
  let releasedLock = false;
  let releasedAs: TenantStatus | undefined;
  let current = record;
  if (!finished && record?.lock?.execution === change.name) {
    const leftNothing = record.migration !== undefined && !namesMigrationLeftover(record);
    const written = await deps.tenants.releaseDead({
      tenantId,
      execution: change.name,
      resources: record.resources,
      ...(committed
        ? {
            status: record.active ? 'ACTIVE' : 'INACTIVE',
            active: record.active,
            // What is left of the migration's source is the cleanup's (below); nothing left, nothing named.
            ...(leftNothing ? { migration: null } : {}),
          }
        : {
            status: 'FAILED',
            active: OPERATION_TABLE[operation].keepsServing && record.active,
            // A dead cleanup keeps the failure it was cleaning up after as the tenant's last error.
            ...(request.ok && request.request.cleanup ? {} : { lastError: { operation, step, reason, at } }),
          }),
      history: [{ operation, execution: change.name, step: WATCHER_STEP, outcome: 'failed', at, reason }],
      at,
    });
    releasedLock = written !== undefined;
    if (written) {
      current = written;
      releasedAs = written.lifecycleStatus;
    }
  }

  // 2. The one terminal status event.
  const outcome = committed ? 'success' : 'failure';
  let report: { outcome: 'notified' | 'already-notified' | 'unanswerable'; statusEvent?: OutboundEvent };
  if (!registrationId) {
    report = { outcome: 'unanswerable' };
  } else {
    // A live claim of the saga's notify step (it may still be sending) is a RetryableError: the event
    // is delivered to the watcher again once that claim is settled or has expired.
    const claimed = await claimStatusEvent(
      deps,
      change.name,
      WATCHER_OWNER,
      deps.config.contract.outbound[operation][outcome],
    );
    if (claimed === 'sent') {
      report = { outcome: 'already-notified' };
    } else {
      // Finished: the work is done and recorded; only the saga's own report died (NotifySuccess
      // failing past its retries). The control plane hears what the tenant map says.
      const statusEvent =
        committed && record
          ? successEvent(deps.config, operation, registrationId, record)
          : buildStatusEvent({
              contract: deps.config.contract,
              operation,
              outcome: 'failure',
              tenantRegistrationId: registrationId,
              failure: { step, reason },
            });
      await publishClaimed(deps, change.name, WATCHER_OWNER, statusEvent);
      report = { outcome: 'notified', statusEvent };
    }
  }

  // 3. What the dead execution left behind.
  // A finished migration may still name part of its source it could not remove: that is cleaned up too.
  const leftSource = current !== undefined && namesMigrationLeftover(current);
  const cleanup =
    request.ok && (!committed || leftSource)
      ? cleanupNeeded(request.request, change.status, change.name, current)
      : undefined;
  const by = request.ok ? OPERATION_TABLE[request.request.operation].cleanupBy : null;
  const started = cleanup && current && by ? await startCleanup(deps, current, cleanup, by) : undefined;
  return {
    ...report,
    execution: change.name,
    tenantId,
    releasedLock,
    ...(releasedAs ? { releasedAs } : {}),
    ...(started ? { cleanup: started } : {}),
  };
};
