/**
 * The shapes of the CLI's `--json` output, declared once: the tests hold real output against them,
 * and `docs/cli-json.schema.json` (a JSON Schema, committed, checked by a test) is generated from them.
 */
import { z } from 'zod';
import { DRIFT_KIND_NAMES, type DriftKind, REPAIR_OUTCOMES } from '../app/reconcile.ts';
import { RESOURCE_KINDS, type ResourceKind } from '../domain/resources.ts';
import { REPLAY_OUTCOMES } from './args.ts';

/** One line of `replay --json` (and `retry`/`migrate --json`): what became of one event. */
export const replayResultSchema = z.strictObject({
  source: z.string().optional().describe('the file the event came from; `[i]` for an element of an array'),
  eventId: z.string().nullable(),
  detailType: z.string().nullable(),
  tenantId: z.string().nullable(),
  tenantRegistrationId: z.string().nullable(),
  outcome: z.enum(REPLAY_OUTCOMES),
  execution: z.string().nullable(),
  statusEvent: z
    .object({ source: z.string(), 'detail-type': z.string(), detail: z.unknown() })
    .nullable()
    .describe('the status event the control plane received for this request, as the bus got it'),
  error: z.string().optional(),
});

const driftSchema = z.strictObject({
  tenantId: z.string(),
  kind: z.enum(DRIFT_KIND_NAMES as [DriftKind, ...DriftKind[]]),
  resource: z.enum(RESOURCE_KINDS as [ResourceKind, ...ResourceKind[]]),
  arn: z.string(),
  detail: z.string(),
  repair: z.enum(REPAIR_OUTCOMES).optional(),
  error: z.string().optional(),
});
const counts = z.record(z.string(), z.number().int().min(0));

/** `reconcile --json`: the whole report on one line. */
export const reconcileReportSchema = z.strictObject({
  checked: z.number().int().min(0),
  skipped: z.array(z.object({ tenantId: z.string(), reason: z.string() })),
  drifts: z.array(driftSchema),
  found: counts,
  repaired: counts,
});

/** The JSON Schema document of every `--json` output. */
export const cliJsonSchema = () => ({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'tenantflow CLI --json output',
  $defs: {
    replayResult: z.toJSONSchema(replayResultSchema),
    reconcileReport: z.toJSONSchema(reconcileReportSchema),
  },
});
