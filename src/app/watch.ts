import { z } from 'zod';
import { buildStatusEvent, type OutboundEvent, parseLifecycleInput } from '../../events/index.ts';
import type { TenantFlowConfig } from '../config.ts';
import { OPERATION_TABLE, OPERATIONS, type Operation } from '../domain/operations.ts';
import { registrationToAnswer } from '../domain/request.ts';
import { DEAD_STATUSES } from '../domain/saga.ts';
import { tenantConfigOf } from '../domain/tenant-config.ts';
import type { TenantRecord } from '../domain/tenant-record.ts';
import type { EventPublisher, StatusLedger, TenantMap } from '../ports/index.ts';
import { claimStatusEvent, publishClaimed } from './send-once.ts';

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
  | { outcome: 'already-notified'; execution: string; releasedLock: boolean }
  | {
      outcome: 'notified';
      execution: string;
      tenantId: string;
      statusEvent: OutboundEvent;
      releasedLock: boolean;
    };

export interface WatchDeps {
  config: TenantFlowConfig;
  tenants: TenantMap;
  ledger: StatusLedger;
  events: EventPublisher;
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

/** True when `execution` finished its work (released the tenant after its last step). */
const operationFinished = (record: TenantRecord, execution: string, operation: Operation): boolean =>
  record.lock?.execution !== execution &&
  record.history.some(
    (entry) =>
      entry.execution === execution &&
      entry.step === OPERATION_TABLE[operation].finalStep &&
      entry.outcome === 'succeeded',
  );

/** The watcher's identity in the status ledger. */
const WATCHER_OWNER = 'watcher';

/** The success event the tenant map supports for a finished operation. */
const successEvent = (
  config: TenantFlowConfig,
  operation: Operation,
  registration: string,
  record: TenantRecord,
): OutboundEvent => {
  const tenantData =
    operation === 'onboard' && record.routing && record.placement
      ? {
          tenantConfig: tenantConfigOf(
            record.placement.tier,
            record.routing,
            record.resources,
            config.tenantHeaderName,
          ),
        }
      : undefined;
  return buildStatusEvent({
    contract: config.contract,
    operation,
    outcome: 'success',
    tenantRegistrationId: registration,
    ...(tenantData ? { tenantData } : {}),
  });
};

/**
 * Reports an execution that died (failed, timed out or was aborted) before its saga could send its
 * terminal status event: marks the tenant FAILED (releasing the dead execution's lock) and sends
 * the failure event, or, when the tenant map shows the work finished and only the report died, the
 * success event. The status ledger makes this a no-op when the saga already reported.
 */
export const handleExecutionStatusChange = async (detail: unknown, deps: WatchDeps): Promise<WatchResult> => {
  const parsed = executionStatusChangeSchema.safeParse(detail);
  if (!parsed.success)
    return { outcome: 'ignored', reason: `unreadable detail: ${parsed.error.issues[0]?.message}` };
  const change = parsed.data;
  if (!(DEAD_STATUSES as readonly string[]).includes(change.status)) {
    return { outcome: 'ignored', reason: `status ${change.status} is not terminal-without-report` };
  }
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
  const at = deps.now().toISOString();

  // The lock goes first, whatever happens to the report: a tenant never stays locked by the dead.
  const lastStep = record?.history.filter((entry) => entry.execution === change.name).at(-1)?.step;
  const why = [change.error, change.cause].filter(Boolean).join(': ') || 'no error reported';
  const reason = `execution ${change.status.toLowerCase()} (${why})${lastStep ? `; last completed step ${lastStep}` : ''}`;
  const step = lastStep ?? 'Execution';
  let releasedLock = false;
  if (!finished && record?.lock?.execution === change.name) {
    const written = await deps.tenants.releaseDead({
      tenantId,
      execution: change.name,
      status: 'FAILED',
      active: false,
      resources: record.resources,
      lastError: { operation, step, reason, at },
      history: [
        { operation, execution: change.name, step: 'ExecutionWatcher', outcome: 'failed', at, reason },
      ],
      at,
    });
    releasedLock = written !== undefined;
  }
  if (!registrationId) {
    return { outcome: 'ignored', reason: 'the request names no registration to report to' };
  }

  const outcome = finished ? 'success' : 'failure';
  // A live claim of the saga's notify step (it may still be sending) is a RetryableError: the event
  // is delivered to the watcher again once that claim is settled or has expired.
  const claimed = await claimStatusEvent(
    deps,
    change.name,
    WATCHER_OWNER,
    deps.config.contract.outbound[operation][outcome],
  );
  if (claimed === 'sent') return { outcome: 'already-notified', execution: change.name, releasedLock };

  // Finished: the work is done and recorded; only the saga's own report died (NotifySuccess failing
  // past its retries). The control plane hears what the tenant map says, not that the execution failed.
  const statusEvent =
    finished && record
      ? successEvent(deps.config, operation, registrationId, record)
      : buildStatusEvent({
          contract: deps.config.contract,
          operation,
          outcome: 'failure',
          tenantRegistrationId: registrationId,
          failure: { step, reason },
        });
  await publishClaimed(deps, change.name, WATCHER_OWNER, statusEvent);
  return { outcome: 'notified', execution: change.name, tenantId, statusEvent, releasedLock };
};
