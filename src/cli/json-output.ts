/**
 * The shapes of the CLI's `--json` output, declared once: the tests hold real output against them,
 * and `docs/cli-json.schema.json` (a JSON Schema, committed, checked by a test) is generated from them.
 */
import { z } from 'zod';
import { tenantRecordSchema } from '../adapters/aws/dynamo-tenant-record.ts';
import { DRIFT_KIND_NAMES, type DriftKind, REPAIR_OUTCOMES } from '../app/reconcile.ts';
import { jsonSchemaOf } from '../domain/own-record.ts';
import { RESOURCE_KINDS, type ResourceKind } from '../domain/resources.ts';
import { MACHINE_IDS, type MachineId } from '../domain/saga.ts';
import { LOCAL_EXECUTION_STATUSES } from '../local/runtime/registry.ts';
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

/** `status --json`: the tenant's record as the tenant map holds it; `list --json`: an array of them. */
export const tenantRecordJsonSchema = tenantRecordSchema;
export const tenantListSchema = z.array(tenantRecordSchema);

/** `inventory --json`: every resource, and whether it is the simulated cloud's. */
export const inventorySchema = z.strictObject({
  simulated: z.boolean(),
  description: z.string(),
  resources: z.array(
    z.strictObject({
      service: z.string(),
      type: z.string(),
      id: z.string(),
      arn: z.string(),
      tenantId: z.string().optional(),
      tier: z.string().optional().describe('the tier tag, or `shared` for the shared stack'),
      status: z.string(),
    }),
  ),
});

const machine = z.enum(MACHINE_IDS as [MachineId, ...MachineId[]]);

/** One line of `executions --json`: an execution run in process. */
export const executionEntrySchema = z.strictObject({
  name: z.string(),
  machine,
  status: z.enum(LOCAL_EXECUTION_STATUSES),
  operation: z.string().nullable(),
  tenantId: z.string().nullable(),
  step: z.string().nullable().describe('the last step it ran'),
  startedAt: z.string(),
  stoppedAt: z.string().nullable(),
  error: z.string().nullable(),
});

/** `executions --target aws --json`: the deployed stage's executions and those run here. */
export const awsExecutionsSchema = z.strictObject({
  deployed: z.array(
    z.strictObject({
      machine,
      name: z.string(),
      status: z.string(),
      startedAt: z.string(),
      stoppedAt: z.string().optional(),
    }),
  ),
  inProcess: z.array(executionEntrySchema),
});

const tenantReasons = z.array(z.strictObject({ tenantId: z.string(), reason: z.string() }));

/** `update --tier … --json`: the rollout's plan (`--dry-run`) or outcome. */
export const rolloutReportSchema = z.strictObject({
  tier: z.string(),
  release: z.string().describe('the release version'),
  pooled: z
    .literal(true)
    .optional()
    .describe("a pooled tier's: the pooled service takes the release, for every tenant in it"),
  status: z
    .enum(['planned', 'running', 'completed', 'halted'])
    .describe('running: started on a deployed stage and not followed to its end (--no-wait, Ctrl-C)'),
  reason: z.string().optional().describe('why the rollout halted (or, running, where it runs)'),
  waves: z.array(
    z.strictObject({
      tenants: z.array(z.string()),
      updated: z.array(z.string()),
      failed: tenantReasons,
      rolledBack: z.array(z.string()),
      skipped: z.array(z.string()).describe('held by another operation when their turn came'),
    }),
  ),
  alreadyOn: z.array(z.string()).describe('on the release before the rollout (passed over)'),
  notUpdated: tenantReasons,
  updated: z.number().int().min(0),
  rolledBack: z.number().int().min(0),
});

/** `releases --json`: the tenants of each tier and release. */
export const releasesSchema = z.array(
  z.strictObject({
    tier: z.string(),
    release: z.string(),
    pooled: z
      .literal(true)
      .optional()
      .describe("the pooled service's release, which every pooled tenant runs"),
    tenants: z.array(z.string()),
  }),
);

/** `shards --json`: every load balancer shard; `shards add --json`: the run and the shard it added. */
export const shardViewSchema = z.strictObject({
  number: z.number().int().min(1).describe("1-based, as the stack's Shard<N> and the added shards' names"),
  source: z.enum(['stack', 'added']),
  status: z.enum(['ACTIVE', 'CREATING']).describe('CREATING: the shard machine is still making it'),
  dnsName: z.string().optional(),
  listenerArn: z.string().optional(),
  used: z.number().int().min(0).describe("tenants' slots claimed on it"),
  capacity: z.number().int().min(1),
});
export const shardsSchema = z.array(shardViewSchema);
export const shardRunSchema = z.strictObject({
  execution: z.string(),
  status: z.string().describe('how the shard machine execution ended'),
  outcome: z.enum(['adding', 'not-needed', 'added']).optional(),
  note: z.string().optional().describe('why nothing was added'),
  shard: z.string().optional().describe("the added load balancer's name"),
  failure: z.string().optional(),
  shards: shardsSchema,
});

/** `follow <execution> --target aws --json`: how a deployed execution ended. */
export const followResultSchema = z.strictObject({
  execution: z.string(),
  machine: z.string().describe('the state machine it ran on (onboarding, rollout, shard, …)'),
  status: z.enum(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']),
  error: z.string().optional(),
  cause: z.string().optional(),
  statusEvent: z
    .strictObject({ source: z.string(), 'detail-type': z.string(), detail: z.unknown() })
    .nullable()
    .describe('the status event its steps sent the control plane (null: none, e.g. it died)'),
});

/** The JSON Schema document of every `--json` output. */
export const cliJsonSchema = () => ({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'tenantflow CLI --json output',
  $defs: {
    replayResult: jsonSchemaOf(replayResultSchema),
    reconcileReport: jsonSchemaOf(reconcileReportSchema),
    tenantRecord: jsonSchemaOf(tenantRecordJsonSchema),
    tenantList: jsonSchemaOf(tenantListSchema),
    inventory: jsonSchemaOf(inventorySchema),
    executionEntry: jsonSchemaOf(executionEntrySchema),
    awsExecutions: jsonSchemaOf(awsExecutionsSchema),
    rolloutReport: jsonSchemaOf(rolloutReportSchema),
    releases: jsonSchemaOf(releasesSchema),
    shards: jsonSchemaOf(shardsSchema),
    shardRun: jsonSchemaOf(shardRunSchema),
    followResult: jsonSchemaOf(followResultSchema),
  },
});
