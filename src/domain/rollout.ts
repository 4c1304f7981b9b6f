/**
 * A fleet rollout: what starts one (a rollout request), its plan over a tier's records, and its report
 * (the waves themselves: waves.ts, re-exported here). Pure.
 */
import { type Catalogue, ownsService, resolveTier, tierNames } from './catalogue.ts';
import { ValidationError } from './errors.ts';
import { OPERATION_TABLE, takesFailedAfter } from './operations.ts';
import { parseRelease, type Release } from './release.ts';
import type { TenantRecord } from './tenant-record.ts';
import { DEFAULT_WAVES, parseWaves, planWaves } from './waves.ts';

export * from './waves.ts';

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
  /**
   * A CloudWatch alarm (metric or composite) watched through each bake and at the end: in ALARM, the
   * wave is rolled back and the rollout halts.
   */
  alarm?: string;
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
  const known = ['tier', 'release', 'waves', 'bakeSeconds', 'concurrency', 'alarm'];
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
  if (input.alarm !== undefined && (typeof input.alarm !== 'string' || !/^\S.{0,254}$/.test(input.alarm)))
    throw new ValidationError(at('alarm'), 'must be the name of a CloudWatch alarm (1-255 characters)');
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
    ...(typeof input.alarm === 'string' ? { alarm: input.alarm } : {}),
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
  /**
   * A pooled tier's rollout: the pooled service is what takes the release, in one wave whose tenants
   * are every tenant running in it (they take it together).
   */
  pooled?: true;
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
 * reported as on it already or not updatable. A tenant held by another operation is planned: its turn
 * decides. A pooled tier (`pooled`) is one wave, the pooled service, which every tenant running in it
 * takes at once (whatever their lifecycle: the service serves them all). Pure.
 */
export const planRollout = (
  records: readonly TenantRecord[],
  request: RolloutRequest,
  pooled = false,
): RolloutReport => {
  const fleet = records
    .filter((record) => record.lifecycleStatus !== 'DELETED')
    .filter((record) => (pooled ? !ownsService(record.placement) : record.placement?.tier === request.tier))
    .sort((a, b) => a.tenantId.localeCompare(b.tenantId));
  const report: RolloutReport = {
    tier: request.tier,
    release: request.release.version,
    status: 'planned',
    ...(pooled ? { pooled: true as const } : {}),
    waves: [],
    alreadyOn: [],
    notUpdated: [],
    updated: 0,
    rolledBack: 0,
  };
  if (pooled) {
    const tenants = fleet.filter((record) => record.placement).map((record) => record.tenantId);
    report.waves = [{ tenants, updated: [], failed: [], rolledBack: [], skipped: [] }];
    return report;
  }
  const candidates: string[] = [];
  for (const record of fleet) {
    if (!ownsService(record.placement)) {
      // Not in the tier's catalogue row any more (a tier turned pooled): its service is its own still.
      report.notUpdated.push({ tenantId: record.tenantId, reason: 'has no service of its own' });
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
