/**
 * A fleet rollout: a release to every tenant of a tier that runs its own service, in waves (see
 * src/domain/rollout.ts), each tenant through its own update saga. A wave passes its gate when every
 * tenant of it is on the release (healthy: the update saga waits for that); then the rollout bakes
 * and goes on. A wave that fails its gate is rolled back (each of its tenants the rollout moved goes
 * back to the release it ran) and the rollout halts with the reason; running it again resumes it
 * (tenants on the release already are passed over). A tenant another operation holds is passed over
 * and tried again at the end.
 */
import { ownsService } from '../domain/catalogue.ts';
import { OPERATION_TABLE, takesFailedAfter } from '../domain/operations.ts';
import type { Release } from '../domain/release.ts';
import { planWaves, type WaveTarget } from '../domain/rollout.ts';
import type { TenantRecord } from '../domain/tenant-record.ts';
import type { OutboundEvent } from '../ports/event-publisher.ts';

/** How one tenant's update ended. */
export interface UpdateEnd {
  outcome: 'succeeded' | 'failed' | 'rejected' | 'duplicate' | 'deferred' | 'aborted';
  error?: string;
}

export interface RolloutDeps {
  tenants(): Promise<TenantRecord[]>;
  tenant(tenantId: string): Promise<TenantRecord | undefined>;
  /** Runs one tenant's update saga to its end. */
  update(tenantId: string, release: Release): Promise<UpdateEnd>;
  /** The release a tenant of `tier` runs when its record names none. */
  initialRelease(tier: string): Promise<Release>;
  sleep(ms: number): Promise<void>;
  /** Puts the rollout's summary event on the bus (see {@link rolloutSummaryEvent}). */
  publish(event: OutboundEvent): Promise<void>;
}

/** The detail-type of a rollout's summary event (tenantflow's own: SBT defines none, and ignores it). */
export const ROLLOUT_SUMMARY = 'tenantflow_rolloutSummary';

/**
 * The summary event a rollout that ran ends with, from the application plane's source: counts, and
 * the ids of tenants that failed, were rolled back or were not updated (bounded, so that the event
 * stays far below EventBridge's 256 KB).
 */
export const rolloutSummaryEvent = (source: string, report: RolloutReport): OutboundEvent => {
  const cap = (ids: string[]) => ids.slice(0, 100);
  return {
    source,
    detailType: ROLLOUT_SUMMARY,
    detail: {
      tier: report.tier,
      release: report.release,
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

export interface RolloutOptions {
  tier: string;
  release: Release;
  waves: readonly WaveTarget[];
  /** Between two waves, once a wave passed its gate. */
  bakeMs: number;
  /** Updates running at once within a wave. */
  concurrency: number;
  /** Plan only: who gets the release in which wave. */
  dryRun: boolean;
  /** The source of the summary event (the application plane's). */
  source: string;
  onEvent?: (event: RolloutEvent) => void;
}

/** Progress, as it happens. */
export type RolloutEvent =
  | { kind: 'wave'; wave: number; of: number; tenants: string[] }
  | {
      kind: 'tenant';
      wave: number;
      tenantId: string;
      outcome: 'updated' | 'failed' | 'skipped';
      detail?: string;
    }
  | { kind: 'bake'; wave: number; ms: number }
  | { kind: 'rollback'; wave: number; tenantId: string; outcome: 'rolled back' | 'failed'; detail?: string }
  | { kind: 'retry-skipped'; tenants: string[] };

export interface WaveReport {
  tenants: string[];
  updated: string[];
  failed: Array<{ tenantId: string; reason: string }>;
  rolledBack: string[];
  /** Held by another operation when its turn came (tried again at the end). */
  skipped: string[];
}

export interface RolloutReport {
  tier: string;
  release: string;
  status: 'planned' | 'completed' | 'halted';
  /** Why the rollout halted. */
  reason?: string;
  waves: WaveReport[];
  /** Tenants on the release already (a resumed rollout passes them over). */
  alreadyOn: string[];
  /** Tenants still held by another operation at the end, or that cannot take a release now. */
  notUpdated: Array<{ tenantId: string; reason: string }>;
  updated: number;
  rolledBack: number;
}

/** The release in one canonical form (a record read back from DynamoDB may order its keys otherwise). */
const canonical = (release: Release): string =>
  JSON.stringify([
    release.version,
    release.image,
    release.cpu ?? null,
    release.memory ?? null,
    Object.entries(release.environment ?? {}).sort(([a], [b]) => a.localeCompare(b)),
  ]);

const sameRelease = (a: Release | undefined, b: Release): boolean =>
  a !== undefined && canonical(a) === canonical(b);

/** Why a tenant cannot take a release now (`undefined`: it can). */
const notUpdatable = (record: TenantRecord): string | undefined => {
  const status = record.lifecycleStatus;
  const allowed: ReadonlyArray<string> = OPERATION_TABLE.update.lock.allowedFrom;
  if (
    status === 'FAILED' ? takesFailedAfter('update', record.lastError?.operation) : allowed.includes(status)
  )
    return undefined;
  return `${record.lifecycleStatus}${record.lastError ? ` after ${record.lastError.operation}` : ''}: onboard or offboard it first`;
};

/** Runs `work` over `items`, at most `limit` at a time, results in the order of `items`. */
const pooled = async <T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> => {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
};

/**
 * Plans and (unless a dry run) runs a rollout, then puts its summary event on the bus; never throws
 * for a tenant's failure, only reports it.
 */
export const runRollout = async (deps: RolloutDeps, options: RolloutOptions): Promise<RolloutReport> => {
  const report = await rollout(deps, options);
  if (!options.dryRun) await deps.publish(rolloutSummaryEvent(options.source, report));
  return report;
};

const rollout = async (deps: RolloutDeps, options: RolloutOptions): Promise<RolloutReport> => {
  const { tier, release } = options;
  const fleet = (await deps.tenants())
    .filter((record) => record.placement?.tier === tier && record.lifecycleStatus !== 'DELETED')
    .sort((a, b) => a.tenantId.localeCompare(b.tenantId));
  const report: RolloutReport = {
    tier,
    release: release.version,
    status: options.dryRun ? 'planned' : 'completed',
    waves: [],
    alreadyOn: [],
    notUpdated: [],
    updated: 0,
    rolledBack: 0,
  };
  const candidates: TenantRecord[] = [];
  for (const record of fleet) {
    if (!ownsService(record.placement)) {
      report.notUpdated.push({ tenantId: record.tenantId, reason: 'runs in the pooled service' });
    } else if (sameRelease(record.release, release) && record.lifecycleStatus !== 'FAILED') {
      report.alreadyOn.push(record.tenantId);
    } else {
      const why = record.lock ? undefined : notUpdatable(record);
      if (why) report.notUpdated.push({ tenantId: record.tenantId, reason: why });
      else candidates.push(record);
    }
  }
  const waves = planWaves(candidates, options.waves);
  report.waves = waves.map((wave) => ({
    tenants: wave.map((record) => record.tenantId),
    updated: [],
    failed: [],
    rolledBack: [],
    skipped: [],
  }));
  if (options.dryRun) return report;

  const deferred: TenantRecord[] = [];
  for (const [index, wave] of waves.entries()) {
    const waveReport = report.waves[index] as WaveReport;
    const number = index + 1;
    options.onEvent?.({ kind: 'wave', wave: number, of: waves.length, tenants: waveReport.tenants });
    // What each tenant ran before: what the rollback puts it back on.
    const before = new Map<string, Release>();
    const ends = await pooled(wave, options.concurrency, async (planned) => {
      const record = await deps.tenant(planned.tenantId);
      if (!record || record.lock) {
        waveReport.skipped.push(planned.tenantId);
        deferred.push(planned);
        const detail = record?.lock ? `held by ${record.lock.execution} (${record.lock.operation})` : 'gone';
        options.onEvent?.({
          kind: 'tenant',
          wave: number,
          tenantId: planned.tenantId,
          outcome: 'skipped',
          detail,
        });
        return undefined;
      }
      before.set(record.tenantId, record.release ?? (await deps.initialRelease(tier)));
      const end = await deps.update(record.tenantId, release);
      const ok = end.outcome === 'succeeded';
      if (ok) waveReport.updated.push(record.tenantId);
      else waveReport.failed.push({ tenantId: record.tenantId, reason: end.error ?? end.outcome });
      options.onEvent?.({
        kind: 'tenant',
        wave: number,
        tenantId: record.tenantId,
        outcome: ok ? 'updated' : 'failed',
        ...(end.error ? { detail: end.error } : {}),
      });
      return end;
    });
    report.updated += waveReport.updated.length;
    if (ends.every((end) => end === undefined || end.outcome === 'succeeded')) {
      if (index < waves.length - 1 && options.bakeMs > 0) {
        options.onEvent?.({ kind: 'bake', wave: number, ms: options.bakeMs });
        await deps.sleep(options.bakeMs);
      }
      continue;
    }
    // The gate failed: this wave's tenants go back; earlier waves stay on the release.
    const rollbackFailures: string[] = [];
    await pooled(waveReport.updated, options.concurrency, async (tenantId) => {
      const previous = before.get(tenantId);
      if (!previous) return;
      const end = await deps.update(tenantId, previous);
      if (end.outcome === 'succeeded') waveReport.rolledBack.push(tenantId);
      else rollbackFailures.push(`${tenantId} (${end.error ?? end.outcome})`);
      options.onEvent?.({
        kind: 'rollback',
        wave: number,
        tenantId,
        outcome: end.outcome === 'succeeded' ? 'rolled back' : 'failed',
        ...(end.error ? { detail: end.error } : {}),
      });
    });
    report.rolledBack += waveReport.rolledBack.length;
    report.updated -= waveReport.rolledBack.length;
    const first = waveReport.failed[0];
    report.status = 'halted';
    report.reason =
      `wave ${number} of ${waves.length}: ${waveReport.failed.length} of ${wave.length} tenants failed` +
      (first ? ` (${first.tenantId}: ${first.reason})` : '') +
      `; the wave was rolled back${rollbackFailures.length ? `, except ${rollbackFailures.join(', ')}` : ''}`;
    return report;
  }

  if (deferred.length > 0) {
    options.onEvent?.({ kind: 'retry-skipped', tenants: deferred.map((record) => record.tenantId) });
    for (const planned of deferred) {
      const record = await deps.tenant(planned.tenantId);
      const why = !record
        ? 'gone'
        : record.lock
          ? `still held by ${record.lock.execution}`
          : notUpdatable(record);
      if (why || !record) {
        report.notUpdated.push({ tenantId: planned.tenantId, reason: why ?? 'gone' });
        continue;
      }
      const end = await deps.update(record.tenantId, release);
      if (end.outcome === 'succeeded') report.updated += 1;
      else report.notUpdated.push({ tenantId: record.tenantId, reason: end.error ?? end.outcome });
    }
  }
  return report;
};
