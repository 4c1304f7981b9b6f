/**
 * The rollout machine's state (the JSON document its ASL calls `$`): the request, the report so far,
 * and where the current wave stands, tenant by tenant. Each step of the machine reads it whole and
 * returns the next one (src/steps/rollout.ts). Pure.
 */
import { z } from 'zod';
import { tenantReleaseSchema } from './release.ts';

/**
 * Where one tenant of the current wave stands. Forward: `pending` → `running` (its update execution
 * started) → `updated` | `failed`; `skipped` (another operation held it: tried again at the end) or
 * `not-updated` (it cannot take a release now). Rolling the wave back: `updated` → `back-pending` →
 * `rolling-back` → `rolled-back` | `rollback-failed`.
 */
export const TENANT_PROGRESS = [
  'pending',
  'running',
  'updated',
  'failed',
  'skipped',
  'not-updated',
  'back-pending',
  'rolling-back',
  'rolled-back',
  'rollback-failed',
] as const;
export type TenantProgressState = (typeof TENANT_PROGRESS)[number];

const tenantProgressSchema = z.object({
  tenantId: z.string(),
  state: z.enum(TENANT_PROGRESS),
  /** The update execution of its current state (forward, or back). */
  execution: z.string().optional(),
  /** The release it ran when its wave began: what rolling the wave back puts it on. */
  before: tenantReleaseSchema.optional(),
  reason: z.string().optional(),
});
export type TenantProgress = z.infer<typeof tenantProgressSchema>;

/**
 * Where the pooled service of a pooled tier stands in its rollout (the tier's one "wave"): `pending` →
 * `deploying` (UpdateService onto the release's revision) → `updated` | `failed` (the circuit breaker
 * rolled it back, or it never became healthy); rolling back: `rolling-back` → `rolled-back` |
 * `rollback-failed`.
 */
export const POOL_PROGRESS = [
  'pending',
  'deploying',
  'updated',
  'failed',
  'rolling-back',
  'rolled-back',
  'rollback-failed',
] as const;
export type PoolProgressState = (typeof POOL_PROGRESS)[number];

const poolProgressSchema = z.object({
  state: z.enum(POOL_PROGRESS),
  cluster: z.string(),
  service: z.string(),
  targetGroupArn: z.string(),
  /** The revision the service ran when the rollout began: what rolling back puts it on. */
  previous: z.string().optional(),
  /** The release's revision. */
  revisionArn: z.string().optional(),
  /** Looks at the deployment so far (a deployment never healthy fails after `health.maxAttempts`). */
  looks: z.number().int().min(0),
  /** Why its deployment failed. */
  reason: z.string().optional(),
  /** Why going back failed. */
  rollbackFailure: z.string().optional(),
});
export type PoolProgress = z.infer<typeof poolProgressSchema>;

const rolloutRequestSchema = z.object({
  tier: z.string(),
  release: tenantReleaseSchema,
  waves: z.string(),
  bakeSeconds: z.number().int().min(0),
  concurrency: z.number().int().min(1),
  alarm: z.string().optional(),
});

const waveReportSchema = z.object({
  tenants: z.array(z.string()),
  updated: z.array(z.string()),
  failed: z.array(z.object({ tenantId: z.string(), reason: z.string() })),
  rolledBack: z.array(z.string()),
  skipped: z.array(z.string()),
});

export const rolloutReportSchema = z.object({
  tier: z.string(),
  release: z.string(),
  pooled: z.literal(true).optional(),
  status: z.enum(['planned', 'running', 'completed', 'halted']),
  reason: z.string().optional(),
  waves: z.array(waveReportSchema),
  alreadyOn: z.array(z.string()),
  notUpdated: z.array(z.object({ tenantId: z.string(), reason: z.string() })),
  updated: z.number().int(),
  rolledBack: z.number().int(),
});

/** The phases of a rollout, as the machine's choices read them (`progress.phase`). */
export const ROLLOUT_PHASES = ['running', 'baking', 'rolling-back', 'done'] as const;

export const rolloutStateSchema = z.looseObject({
  request: rolloutRequestSchema,
  /** The rollout's execution name: the seed of its update executions' names. */
  rolloutId: z.string(),
  report: rolloutReportSchema,
  progress: z.object({
    phase: z.enum(ROLLOUT_PHASES),
    /** The current wave (0-based); the retry of passed-over tenants comes after the last. */
    wave: z.number().int().min(0),
    /** The current wave retries the tenants another operation held when their turn came. */
    retrying: z.boolean(),
    /** Every tenant of the current wave (or of its rollback) has an outcome. */
    settled: z.boolean(),
    /** The wave settled with no tenant failed: its gate passed. */
    passed: z.boolean(),
    /** Polls of the bake still to wait before the next wave. */
    bakePollsLeft: z.number().int().min(0).optional(),
    /** What the request's alarm said at the bake's latest look (OK, INSUFFICIENT_DATA). */
    alarmSeen: z.string().optional(),
    /** The request's alarm was found in ALARM after this wave (its state and reason): roll it back. */
    alarm: z.string().optional(),
    tenants: z.array(tenantProgressSchema),
    /** A pooled tier: its pooled service, which every tenant of the tier runs (then `tenants` is empty). */
    pool: poolProgressSchema.optional(),
    /** Tenants passed over (held by another operation), for the retry at the end. */
    deferred: z.array(z.string()),
  }),
});
export type RolloutState = z.infer<typeof rolloutStateSchema>;
