import type { OutboundEvent } from './outbound-event.ts';
import type { RolloutReport } from './rollout.ts';

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
