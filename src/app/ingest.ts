import { createHash, randomUUID } from 'node:crypto';
import {
  buildStatusEvent,
  executionName,
  type OutboundEvent,
  parseLifecycleInput,
} from '../../events/index.ts';
import type { TenantFlowConfig } from '../config.ts';
import { OPERATION_TABLE, OPERATIONS, type Operation } from '../domain/operations.ts';
import type { MachineId } from '../domain/saga.ts';
import type { EventPublisher, StatusLedger, WorkflowStarter } from '../ports/index.ts';
import { sendOnce } from '../steps/send-once.ts';

/** What became of one inbound event. */
export type IngestResult =
  | {
      outcome: 'started' | 'duplicate';
      operation: Operation;
      machine: MachineId;
      execution: string;
      executionArn: string;
      tenantId: string;
      tenantRegistrationId?: string;
    }
  | {
      outcome: 'rejected';
      operation?: Operation;
      tenantId?: string;
      tenantRegistrationId?: string;
      /** The failure status event sent back, when a registration id could be identified. */
      statusEvent?: OutboundEvent;
      error: { field: string; message: string };
    };

export interface IngestDeps {
  config: TenantFlowConfig;
  starter: WorkflowStarter;
  events: EventPublisher;
  ledger: StatusLedger;
  now: () => Date;
}

const rejectionKey = (raw: unknown): string =>
  `reject-${createHash('sha256')
    .update(JSON.stringify(raw) ?? 'undefined')
    .digest('hex')
    .slice(0, 24)}`;

/**
 * Validates an inbound SBT event (or a plain request) and starts the saga that carries it out.
 * A redelivered event maps to the same execution name, so it starts nothing new, and is reported as a
 * duplicate whether Step Functions refuses the name (the execution ended) or answers with the running
 * one. An unusable event is answered at once with a failure status event where a registration id is
 * known (once, however often it is redelivered). Never throws for bad input; AWS faults propagate
 * (the caller retries).
 */
export const ingestEvent = async (raw: unknown, deps: IngestDeps): Promise<IngestResult> => {
  const parsed = parseLifecycleInput(raw, {
    contract: deps.config.contract,
    catalogue: deps.config.catalogue,
    accepts: OPERATIONS,
  });
  if (parsed.ok) {
    const { request } = parsed;
    const machine = OPERATION_TABLE[request.operation].machine;
    const execution = executionName(request, JSON.stringify(raw));
    const started = await deps.starter.start(machine, execution, raw);
    // StartExecution answers a redelivery like the first start while the execution runs: the ledger
    // remembers which delivery came first (recorded after the start, so a crash in between only
    // means the redelivery reports the start instead).
    const outcome =
      started.outcome === 'started' &&
      (await deps.ledger.recordStart(execution, deps.now().toISOString())) === 'first'
        ? 'started'
        : 'duplicate';
    return {
      outcome,
      operation: request.operation,
      machine,
      execution,
      executionArn: started.executionArn,
      tenantId: request.tenantId,
      ...(request.tenantRegistrationId ? { tenantRegistrationId: request.tenantRegistrationId } : {}),
    };
  }
  const { error, operation, tenantId, tenantRegistrationId } = parsed;
  const rejected: IngestResult = {
    outcome: 'rejected',
    ...(operation ? { operation } : {}),
    ...(tenantId ? { tenantId } : {}),
    ...(tenantRegistrationId ? { tenantRegistrationId } : {}),
    error: { field: error.field, message: error.message },
  };
  if (!operation || !tenantRegistrationId) return rejected;
  const statusEvent = buildStatusEvent({
    contract: deps.config.contract,
    operation,
    outcome: 'failure',
    tenantRegistrationId,
    failure: { step: 'ValidateRequest', reason: error.message },
  });
  // Each delivery is its own sender: a concurrent duplicate is told to come back (a RetryableError,
  // so EventBridge delivers again later) instead of sending the same answer a second time.
  await sendOnce(deps, rejectionKey(raw), randomUUID(), statusEvent);
  return { ...rejected, statusEvent };
};
