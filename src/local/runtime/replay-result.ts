import { z } from 'zod';
import type { IngestResult } from '../../app/ingest.ts';
import type { TenantFlowConfig } from '../../config.ts';
import { describeCaught } from '../../domain/reasons.ts';
import type { ExecutionEnd } from '../engines/index.ts';

/** The status event that went back to the control plane for a request, as EventBridge received it. */
export interface ReplayStatusEvent {
  source: string;
  'detail-type': string;
  detail: unknown;
}

/** What became of one replayed event. */
export interface ReplayResult {
  eventId: string | null;
  detailType: string | null;
  tenantId: string | null;
  tenantRegistrationId: string | null;
  /**
   * `deferred`: refused without a status event because the request's registration is answered for
   * by another execution (one working on it, or the one that already onboarded it). `started`: started
   * on a deployed stage and not followed to its end (`--no-wait`, or the command detached).
   */
  outcome: 'succeeded' | 'failed' | 'rejected' | 'duplicate' | 'deferred' | 'started';
  execution: string | null;
  statusEvent: ReplayStatusEvent | null;
  error?: string;
}

/** An event the simulated EventBridge received. */
export interface PublishedEvent {
  source: string;
  detailType: string;
  detail: unknown;
}

const envelopeSchema = z.object({ id: z.string().optional(), 'detail-type': z.string().optional() });
const registrationSchema = z.object({ tenantRegistrationId: z.string() });
const failureSchema = z.object({
  jobOutput: z.object({ tenantRegistrationData: z.object({ failureReason: z.string() }) }),
});
const endStateSchema = z.object({
  failure: z.object({ step: z.string(), error: z.object({ Error: z.string(), Cause: z.string() }) }),
});

/** The status event among those published while the request ran: the one for its registration. */
export const statusEventFor = (
  published: readonly PublishedEvent[],
  registrationId: string | undefined,
): ReplayStatusEvent | null => {
  const mine = published.filter((event) => {
    const parsed = registrationSchema.safeParse(event.detail);
    return parsed.success && parsed.data.tenantRegistrationId === registrationId;
  });
  const chosen = mine.at(-1);
  return chosen ? { source: chosen.source, 'detail-type': chosen.detailType, detail: chosen.detail } : null;
};

const isSuccess = (config: TenantFlowConfig, detailType: string): boolean =>
  Object.values(config.contract.outbound).some((names) => names.success === detailType);

/** Builds the replay result of one event from what the ingress returned and how the execution ended. */
export const replayResult = (input: {
  raw: unknown;
  config: TenantFlowConfig;
  ingest: IngestResult;
  end: ExecutionEnd | undefined;
  statusEvent: ReplayStatusEvent | null;
}): ReplayResult => {
  const envelope = envelopeSchema.safeParse(input.raw);
  const { ingest, statusEvent } = input;
  const base = {
    eventId: envelope.success ? (envelope.data.id ?? null) : null,
    detailType: envelope.success ? (envelope.data['detail-type'] ?? null) : null,
    tenantId: ingest.tenantId ?? null,
    tenantRegistrationId: ingest.tenantRegistrationId ?? null,
    statusEvent,
  };
  if (ingest.outcome === 'rejected') {
    return { ...base, outcome: 'rejected', execution: null, error: ingest.error.message };
  }
  if (ingest.outcome === 'duplicate') return { ...base, outcome: 'duplicate', execution: ingest.execution };
  // What the control plane heard decides: when only the saga's own report died, the watcher sends
  // the success the tenant map supports, and the request did succeed. A request that answers nobody
  // (started without a registration) succeeded when its execution did.
  const succeeded =
    statusEvent !== null
      ? isSuccess(input.config, statusEvent['detail-type'])
      : input.end?.status === 'SUCCEEDED';
  if (succeeded) return { ...base, outcome: 'succeeded', execution: ingest.execution };
  const ended = endStateSchema.safeParse(input.end?.output);
  if (statusEvent === null && ended.success && ended.data.failure.error.Error === 'RegistrationBusyError') {
    const why = describeCaught(ended.data.failure.error);
    return {
      ...base,
      outcome: 'deferred',
      execution: ingest.execution,
      error: `${ended.data.failure.step}: ${why}`,
    };
  }
  const reason = failureSchema.safeParse(statusEvent?.detail);
  // Without a status event to read the reason from, the saga's end state says where and why.
  const error = reason.success
    ? reason.data.jobOutput.tenantRegistrationData.failureReason
    : ended.success
      ? `${ended.data.failure.step}: ${describeCaught(ended.data.failure.error)}`
      : [input.end?.status, input.end?.error, input.end?.cause].filter(Boolean).join(': ') ||
        'no status event';
  return { ...base, outcome: 'failed', execution: ingest.execution, error };
};
