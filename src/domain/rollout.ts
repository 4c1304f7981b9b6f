/**
 * A fleet rollout's plan: which tenants take a release in which wave. A wave spec lists how far the
 * rollout has got after each wave, as a number of tenants (`1`: a canary of one) or a share of the
 * fleet (`10%`), cumulatively: `1,10%,50%,100%` updates one tenant, then up to a tenth of the fleet,
 * then half, then all. Also what starts a rollout, its plan and its report. Pure.
 */
import { type Catalogue, ownsService, resolveTier, tierNames } from './catalogue.ts';
import { ValidationError } from './errors.ts';
import { OPERATION_TABLE, takesFailedAfter } from './operations.ts';
import { parseRelease, type Release } from './release.ts';
import type { TenantRecord } from './tenant-record.ts';

/** How far the rollout has got after a wave: a number of tenants, or a share of the fleet. */
export type WaveTarget = { count: number } | { percent: number };

/** A canary of one tenant, then a tenth of the fleet, half of it, all of it. */
export const DEFAULT_WAVES = '1,10%,50%,100%';

/**
 * Reads a wave spec (`1,10%,50%,100%`). Targets must grow; a spec that does not end at 100% gets a
 * last wave for the rest. Throws a `ValidationError` naming `field` and the bad part.
 */
export const parseWaves = (text: string, field = 'wave'): WaveTarget[] => {
  const parts = text.split(',').map((part) => part.trim());
  if (parts.length === 0 || parts.some((part) => part === '')) {
    throw new ValidationError(
      field,
      `"${text}": give comma-separated counts or percentages, e.g. ${DEFAULT_WAVES}`,
    );
  }
  const targets: WaveTarget[] = parts.map((part) => {
    const percent = /^(\d{1,3}(?:\.\d+)?)%$/.exec(part);
    if (percent) {
      const value = Number(percent[1]);
      if (value <= 0 || value > 100)
        throw new ValidationError(field, `"${part}": a share is above 0% and at most 100%`);
      return { percent: value };
    }
    if (/^\d{1,7}$/.test(part) && Number(part) > 0) return { count: Number(part) };
    throw new ValidationError(field, `"${part}": not a number of tenants (1) or a share of the fleet (10%)`);
  });
  const last = targets.at(-1);
  if (!last || !('percent' in last) || last.percent !== 100) targets.push({ percent: 100 });
  return targets;
};

/** How many tenants of a fleet of `size` a target reaches. */
const reach = (target: WaveTarget, size: number): number =>
  'count' in target ? Math.min(target.count, size) : Math.ceil((target.percent / 100) * size);

/**
 * The waves over `tenants` (taken in the order given): each wave the tenants from where the previous
 * one stopped up to its target. A target that adds nobody (`10%` of a small fleet after a canary of
 * one) is passed over, so no wave is empty; the last wave ends the fleet.
 */
export const planWaves = <T>(tenants: readonly T[], targets: readonly WaveTarget[]): T[][] => {
  const waves: T[][] = [];
  let done = 0;
  for (const target of targets) {
    const upTo = Math.max(done, reach(target, tenants.length));
    if (upTo > done) waves.push(tenants.slice(done, upTo));
    done = upTo;
  }
  if (done < tenants.length) waves.push(tenants.slice(done));
  return waves;
};

/** The spec as it was meant, for output: `1, 10%, 50%, 100%`. */
export const describeWaves = (targets: readonly WaveTarget[]): string =>
  targets.map((target) => ('count' in target ? String(target.count) : `${target.percent}%`)).join(', ');

/**
 * The detail-type of a rollout request on SBT's bus (tenantflow's own, from its operator source: SBT
 * defines none for updates); its detail is a {@link RolloutRequest}.
 */
export const ROLLOUT_REQUEST = 'tenantflow_rolloutRequest';

/** A rollout's bake between two waves, unless the request says otherwise. */
export const DEFAULT_BAKE_SECONDS = 300;
/** Update executions a rollout runs at once, unless the request says otherwise. */
export const DEFAULT_ROLLOUT_CONCURRENCY = 10;
/**
 * At most this many updates at once: each takes three calls from ECS's task-definition bucket (burst
 * 20, then 1/s, ../shared/aws-limits.md), so more only queues throttled retries.
 */
export const MAX_ROLLOUT_CONCURRENCY = 20;
/** A bake longer than a day would outlast the rollout machine's time bound. */
export const MAX_BAKE_SECONDS = 86_400;

/**
 * What starts a rollout: the tier, the release, and how (waves, bake, concurrency). The input of the
 * rollout state machine (console), the detail of a `tenantflow_rolloutRequest` event, the CLI's flags.
 */
export interface RolloutRequest {
  tier: string;
  release: Release;
  /** The wave spec as given (`1,10%,50%,100%`). */
  waves: string;
  bakeSeconds: number;
  concurrency: number;
}

const wholeNumber = (raw: unknown, field: string, fallback: number, min: number, max: number): number => {
  if (raw === undefined) return fallback;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < min || raw > max)
    throw new ValidationError(field, `must be a whole number from ${min} to ${max}`);
  return raw;
};

/**
 * Reads a rollout request from untrusted input (`{ tier, release, waves?, bakeSeconds?, concurrency? }`),
 * the tier resolved against the catalogue. Throws a `ValidationError` naming the field (`<prefix>.<field>`).
 */
export const parseRolloutRequest = (raw: unknown, catalogue: Catalogue, prefix = ''): RolloutRequest => {
  const at = (field: string) => `${prefix}${field}`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ValidationError(prefix.replace(/\.$/, '') || 'input', 'must be an object { tier, release, … }');
  const input = raw as Record<string, unknown>;
  const known = ['tier', 'release', 'waves', 'bakeSeconds', 'concurrency'];
  const unknown = Object.keys(input).find((key) => !known.includes(key));
  if (unknown)
    throw new ValidationError(at(unknown), `is not a field of a rollout request (${known.join(', ')})`);
  if (typeof input.tier !== 'string' || input.tier === '')
    throw new ValidationError(at('tier'), `is required: one of ${tierNames(catalogue)}`);
  const tier = resolveTier(catalogue, input.tier);
  if (!tier)
    throw new ValidationError(
      at('tier'),
      `"${input.tier}" is not a tier of the catalogue (${tierNames(catalogue)})`,
    );
  const release = parseRelease(input.release, at('release'));
  if (input.waves !== undefined && typeof input.waves !== 'string')
    throw new ValidationError(at('waves'), `must be a wave spec such as "${DEFAULT_WAVES}"`);
  const waves = input.waves ?? DEFAULT_WAVES;
  parseWaves(waves, at('waves'));
  return {
    tier,
    release,
    waves,
    bakeSeconds: wholeNumber(input.bakeSeconds, at('bakeSeconds'), DEFAULT_BAKE_SECONDS, 0, MAX_BAKE_SECONDS),
    concurrency: wholeNumber(
      input.concurrency,
      at('concurrency'),
      DEFAULT_ROLLOUT_CONCURRENCY,
      1,
      MAX_ROLLOUT_CONCURRENCY,
    ),
  };
};

/** One wave as it ran. */
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
  status: 'planned' | 'running' | 'completed' | 'halted';
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

/** Whether two releases are the same release (same version, image, sizes and environment). */
export const sameRelease = (a: Release | undefined, b: Release): boolean =>
  a !== undefined && canonical(a) === canonical(b);

/** Why a tenant cannot take a release now (`undefined`: it can). */
export const notUpdatable = (record: TenantRecord): string | undefined => {
  const status = record.lifecycleStatus;
  const allowed: ReadonlyArray<string> = OPERATION_TABLE.update.lock.allowedFrom;
  if (
    status === 'FAILED' ? takesFailedAfter('update', record.lastError?.operation) : allowed.includes(status)
  )
    return undefined;
  return `${record.lifecycleStatus}${record.lastError ? ` after ${record.lastError.operation}` : ''}: onboard or offboard it first`;
};

/**
 * Who a rollout of `request` updates, in which wave, from the tier's records (any order): tenants of the
 * tier that run their own service and are not on the release yet, by tenant id; the others are
 * reported as on it already or not updatable (pooled tenants run the tier's service). A tenant held by
 * another operation is planned: its turn decides. Pure.
 */
export const planRollout = (records: readonly TenantRecord[], request: RolloutRequest): RolloutReport => {
  const fleet = records
    .filter((record) => record.placement?.tier === request.tier && record.lifecycleStatus !== 'DELETED')
    .sort((a, b) => a.tenantId.localeCompare(b.tenantId));
  const report: RolloutReport = {
    tier: request.tier,
    release: request.release.version,
    status: 'planned',
    waves: [],
    alreadyOn: [],
    notUpdated: [],
    updated: 0,
    rolledBack: 0,
  };
  const candidates: string[] = [];
  for (const record of fleet) {
    if (!ownsService(record.placement)) {
      report.notUpdated.push({ tenantId: record.tenantId, reason: 'runs in the pooled service' });
    } else if (sameRelease(record.release, request.release) && record.lifecycleStatus !== 'FAILED') {
      report.alreadyOn.push(record.tenantId);
    } else {
      const why = record.lock ? undefined : notUpdatable(record);
      if (why) report.notUpdated.push({ tenantId: record.tenantId, reason: why });
      else candidates.push(record.tenantId);
    }
  }
  report.waves = planWaves(candidates, parseWaves(request.waves)).map((tenants) => ({
    tenants,
    updated: [],
    failed: [],
    rolledBack: [],
    skipped: [],
  }));
  return report;
};

/** The ledger key of a rollout's summary event: sent once, by its last step or by the watcher. */
export const rolloutSummaryKey = (rolloutId: string): string => `rollout-${rolloutId}`;

/**
 * The report of a rollout that halted before it had a plan (its input was not a rollout request), or
 * that died (what it had done is on the tenants' records): tier and release as far as `input` names them.
 */
export const haltedReport = (input: unknown, reason: string): RolloutReport => {
  const raw = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  const release =
    typeof raw.release === 'object' && raw.release !== null ? (raw.release as Record<string, unknown>) : {};
  return {
    tier: typeof raw.tier === 'string' ? raw.tier : '',
    release: typeof release.version === 'string' ? release.version : '',
    status: 'halted',
    reason,
    waves: [],
    alreadyOn: [],
    notUpdated: [],
    updated: 0,
    rolledBack: 0,
  };
};
