import { z } from 'zod';
import { buildStatusEvent, parseLifecycleInput } from '../../events/index.ts';
import type { TenantFlowConfig } from '../config.ts';
import { OPERATIONS, type Operation } from '../domain/request.ts';
import type { TenantRecord } from '../domain/tenant-record.ts';
import type { EventPublisher, OutboundEvent, StatusLedger, TenantMap } from '../ports/index.ts';
import { DEAD_STATUSES, type StepName } from '../saga-contract.ts';
import { tenantConfigOf } from '../steps/index.ts';
import { claimStatusEvent, publishClaimed } from '../steps/send-once.ts';

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
  | { outcome: 'already-notified'; execution: string }
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

/** The step that ends each operation's work, releasing the tenant with its new status. */
const FINAL_WORK_STEP: Record<Operation, StepName> = {
  onboard: 'ActivateTenant',
  offboard: 'RemoveTenant',
  activate: 'SetActivation',
  deactivate: 'SetActivation',
};

/** True when `execution` finished its work (released the tenant after its last step). */
const operationFinished = (record: TenantRecord, execution: string, operation: Operation): boolean =>
  record.lock?.execution !== execution &&
  record.history.some(
    (entry) =>
      entry.execution === execution &&
      entry.step === FINAL_WORK_STEP[operation] &&
      entry.outcome === 'succeeded',
  );

/** The watcher's identity in the status ledger. */
const WATCHER_OWNER = 'watcher';

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
    defaultTier: deps.config.defaultTier,
    accepts: OPERATIONS,
  });
  const operation = request.ok ? request.request.operation : request.operation;
  const tenantId = request.ok ? request.request.tenantId : request.tenantId;
  const registrationId = request.ok ? request.request.tenantRegistrationId : request.tenantRegistrationId;
  if (!operation || !registrationId || !tenantId) {
    return { outcome: 'ignored', reason: 'the execution input names no tenant registration to report to' };
  }

  const record = await deps.tenants.get(tenantId);
  const finished = record !== undefined && operationFinished(record, change.name, operation);
  const outcome = finished ? 'success' : 'failure';
  const statusDetailType = deps.config.contract.outbound[operation][outcome];
  const at = deps.now().toISOString();
  // A live claim of the saga's notify step (it may still be sending) is a RetryableError: the event
  // is delivered to the watcher again once that claim is settled or has expired.
  if ((await claimStatusEvent(deps, change.name, WATCHER_OWNER, statusDetailType)) === 'sent') {
    return { outcome: 'already-notified', execution: change.name };
  }

  if (finished) {
    // The work is done and recorded; only the saga's own report died (NotifySuccess failing past its
    // retries). The control plane hears what the tenant map says, not that the execution failed.
    const statusEvent = buildStatusEvent({
      contract: deps.config.contract,
      operation,
      outcome: 'success',
      tenantRegistrationId: registrationId,
      ...(operation === 'onboard' && record.routing
        ? {
            tenantData: {
              tenantConfig: tenantConfigOf(
                record.tier,
                record.routing,
                record.resources.listenerRulePriority,
                deps.config,
              ),
            },
          }
        : {}),
    });
    await publishClaimed(deps, change.name, WATCHER_OWNER, statusEvent);
    return { outcome: 'notified', execution: change.name, tenantId, statusEvent, releasedLock: false };
  }

  const lastStep = record?.history.filter((entry) => entry.execution === change.name).at(-1)?.step;
  const why = [change.error, change.cause].filter(Boolean).join(': ') || 'no error reported';
  const reason = `execution ${change.status.toLowerCase()} (${why})${lastStep ? `; last completed step ${lastStep}` : ''}`;
  const step = lastStep ?? 'Execution';

  let releasedLock = false;
  if (record?.lock?.execution === change.name) {
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

  const statusEvent = buildStatusEvent({
    contract: deps.config.contract,
    operation,
    outcome: 'failure',
    tenantRegistrationId: registrationId,
    failure: { step, reason },
  });
  await publishClaimed(deps, change.name, WATCHER_OWNER, statusEvent);
  return { outcome: 'notified', execution: change.name, tenantId, statusEvent, releasedLock };
};
