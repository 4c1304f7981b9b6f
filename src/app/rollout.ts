/**
 * What a fleet rollout says about itself: the summary event it ends with, and its progress as events
 * (for the CLI's lines), read off the states its machine goes through (state-machines/rollout.ts,
 * src/steps/rollout.ts).
 */
import type { RolloutReport } from '../domain/rollout.ts';
import type { RolloutState } from '../domain/rollout-state.ts';
import type { OutboundEvent } from '../ports/event-publisher.ts';

export type { RolloutReport, WaveReport } from '../domain/rollout.ts';

/** The detail-type of a rollout's summary event (tenantflow's own: SBT defines none, and ignores it). */
export const ROLLOUT_SUMMARY = 'tenantflow_rolloutSummary';

/**
 * The summary event a rollout ends with, from the application plane's source: counts, and the ids
 * of tenants that failed, were rolled back or were not updated (bounded, so that the event stays far
 * below EventBridge's 256 KB).
 */
export const rolloutSummaryEvent = (source: string, report: RolloutReport): OutboundEvent => {
  const cap = (ids: string[]) => ids.slice(0, 100);
  return {
    source,
    detailType: ROLLOUT_SUMMARY,
    detail: {
      tier: report.tier,
      release: report.release,
      ...(report.pooled ? { pooled: true } : {}),
      status: report.status,
      ...(report.reason ? { reason: report.reason } : {}),
      waves: report.waves.length,
      wavesRun: report.waves.filter((wave) => wave.updated.length + wave.failed.length > 0).length,
      updated: report.updated,
      rolledBack: report.rolledBack,
      alreadyOn: report.alreadyOn.length,
      notUpdated: report.notUpdated.length,
      failedTenants: cap(report.waves.flatMap((wave) => wave.failed.map((item) => item.tenantId))),
      rolledBackTenants: cap(report.waves.flatMap((wave) => wave.rolledBack)),
      notUpdatedTenants: cap(report.notUpdated.map((item) => item.tenantId)),
    },
  };
};

/** Progress, as it happens. */
export type RolloutEvent =
  | { kind: 'wave'; wave: number; of: number; tenants: string[] }
  | {
      kind: 'tenant';
      wave: number;
      tenantId: string;
      outcome: 'updated' | 'failed' | 'skipped' | 'not updated';
      detail?: string;
    }
  | { kind: 'bake'; wave: number; seconds: number }
  | { kind: 'rollback'; wave: number; tenantId: string; outcome: 'rolled back' | 'failed'; detail?: string }
  | { kind: 'retry-skipped'; tenants: string[] }
  | {
      kind: 'pool';
      service: string;
      outcome: 'deploying' | 'updated' | 'failed' | 'rolling back' | 'rolled back' | 'rollback failed';
      detail?: string;
    };

const POOL_OUTCOMES = {
  deploying: 'deploying',
  updated: 'updated',
  failed: 'failed',
  'rolling-back': 'rolling back',
  'rolled-back': 'rolled back',
  'rollback-failed': 'rollback failed',
} as const;

const TENANT_OUTCOMES = {
  updated: 'updated',
  failed: 'failed',
  skipped: 'skipped',
  'not-updated': 'not updated',
} as const;

const ROLLBACK_OUTCOMES = { 'rolled-back': 'rolled back', 'rollback-failed': 'failed' } as const;

/**
 * What happened between two successive states of one rollout (`previous` undefined: the first):
 * a wave begun, a tenant's outcome, a bake begun, a tenant rolled back. Pure.
 */
export const rolloutEvents = (previous: RolloutState | undefined, next: RolloutState): RolloutEvent[] => {
  const events: RolloutEvent[] = [];
  const { progress } = next;
  const wave = progress.wave + 1;
  const newWave =
    !previous || previous.progress.wave !== progress.wave || previous.progress.retrying !== progress.retrying;
  const { pool } = progress;
  if (newWave && (progress.tenants.length > 0 || pool) && progress.phase === 'running') {
    const tenants = pool
      ? (next.report.waves[progress.wave]?.tenants ?? [])
      : progress.tenants.map((tenant) => tenant.tenantId);
    events.push(
      progress.retrying
        ? { kind: 'retry-skipped', tenants }
        : { kind: 'wave', wave, of: next.report.waves.length, tenants },
    );
  }
  const before = new Map(
    newWave ? [] : (previous?.progress.tenants ?? []).map((tenant) => [tenant.tenantId, tenant.state]),
  );
  for (const tenant of progress.tenants) {
    if (before.get(tenant.tenantId) === tenant.state) continue;
    const detail = tenant.reason ? { detail: tenant.reason } : {};
    if (tenant.state in TENANT_OUTCOMES) {
      const outcome = TENANT_OUTCOMES[tenant.state as keyof typeof TENANT_OUTCOMES];
      events.push({ kind: 'tenant', wave, tenantId: tenant.tenantId, outcome, ...detail });
    } else if (tenant.state in ROLLBACK_OUTCOMES) {
      const outcome = ROLLBACK_OUTCOMES[tenant.state as keyof typeof ROLLBACK_OUTCOMES];
      events.push({ kind: 'rollback', wave, tenantId: tenant.tenantId, outcome, ...detail });
    }
  }
  if (pool && pool.state !== 'pending' && pool.state !== previous?.progress.pool?.state) {
    const detail = pool.rollbackFailure ?? (pool.state === 'failed' ? pool.reason : undefined);
    const outcome = POOL_OUTCOMES[pool.state];
    events.push({ kind: 'pool', service: pool.service, outcome, ...(detail ? { detail } : {}) });
  }
  if (progress.phase === 'baking' && previous?.progress.phase !== 'baking')
    events.push({ kind: 'bake', wave, seconds: next.request.bakeSeconds });
  return events;
};
