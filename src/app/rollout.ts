import type { RolloutState } from '../domain/rollout-state.ts';
import { DELAY_SECONDS } from '../domain/saga.ts';

export type { RolloutReport, WaveReport } from '../domain/rollout.ts';
export { ROLLOUT_SUMMARY, rolloutSummaryEvent } from '../domain/rollout-summary.ts';

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
  /** One look of the bake at the clock (and the alarm): `elapsed` of `seconds`, in the machine's seconds. */
  | {
      kind: 'bake-poll';
      wave: number;
      elapsed: number;
      seconds: number;
      alarm?: { name: string; state: string };
    }
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
  if (progress.phase === 'baking' && progress.bakePollsLeft !== undefined) {
    const { bakeSeconds, alarm } = next.request;
    const polls = Math.ceil(bakeSeconds / DELAY_SECONDS.rolloutPoll);
    // This look came after (polls − left − 1) waits of the machine's poll.
    const elapsed = (polls - progress.bakePollsLeft - 1) * DELAY_SECONDS.rolloutPoll;
    events.push({
      kind: 'bake-poll',
      wave,
      elapsed,
      seconds: bakeSeconds,
      ...(alarm !== undefined && progress.alarmSeen
        ? { alarm: { name: alarm, state: progress.alarmSeen } }
        : {}),
    });
  }
  return events;
};
