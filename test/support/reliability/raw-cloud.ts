/**
 * The independent checker (issue 29 item 2): what the simulated cloud holds, read raw from its state
 * (every slice of every simulated service), diffed against what it held when the world opened,
 * whatever the tags say. It never goes through tenantflow's inventory, tagging or reconcile code: a
 * resource that appeared and no record (nor the shared stack's own resources) names is a finding,
 * tagged or not; so is one that vanished and was no tenant's at the start.
 */
import { join } from 'node:path';
import type { TenantRecord } from '../../../src/domain/tenant-record.ts';
import { SimulatedCloud } from '../../../src/local/sim/index.ts';
import { SLICE_NAMES } from '../../../src/local/sim/state.ts';

/** One resource as the raw state has it: its slice and every ARN its item mentions (what it uses). */
export interface RawResource {
  slice: string;
  arn: string;
  /** Other ARNs inside the item (a service's task definition and target groups, a rule's groups…). */
  uses: string[];
}

/** The live resources of the cloud, by ARN, and the ARNs the tenant records named, at one moment. */
export interface RawBaseline {
  live: ReadonlyMap<string, RawResource>;
  named: ReadonlySet<string>;
}

export interface RawFinding {
  kind: 'unrecorded' | 'vanished';
  detail: string;
}

/** Every string in a JSON value that is an ARN. */
const arnsIn = (value: unknown, into: Set<string> = new Set()): Set<string> => {
  if (typeof value === 'string') {
    if (value.startsWith('arn:')) into.add(value);
  } else if (Array.isArray(value)) for (const item of value) arnsIn(item, into);
  else if (value !== null && typeof value === 'object')
    for (const item of Object.values(value)) arnsIn(item, into);
  return into;
};

/**
 * Whether an item of the raw state still exists as AWS would list it: not deregistered (a task
 * definition INACTIVE), not deleted (a service from its DeleteService on, a cluster INACTIVE). Items
 * removed from their slice are gone anyway.
 */
const isLive = (item: Record<string, unknown>, now: number): boolean => {
  if (typeof item.status === 'string' && item.status !== 'ACTIVE') return false;
  if (typeof item.deletedAt === 'number' && item.deletedAt <= now) return false;
  return true;
};

/**
 * The live resources of the simulated cloud in `stateDir` (its state file, written through by the
 * runtime): the items of every slice that carry an ARN. A service's tasks and an event's records are
 * not resources of their own (they live and die with their service, or are messages).
 */
export const rawResources = (stateDir: string, now = Date.now()): Map<string, RawResource> => {
  const cloud = new SimulatedCloud({ stateFile: join(stateDir, 'cloud.json'), drainMs: 0 });
  const live = new Map<string, RawResource>();
  for (const slice of SLICE_NAMES) {
    for (const item of cloud.read(slice) as unknown as Array<Record<string, unknown>>) {
      const arn = item.arn;
      if (typeof arn !== 'string' || !isLive(item, now)) continue;
      const { tasks: _tasks, ...rest } = item;
      const uses = [...arnsIn(rest)].filter((other) => other !== arn);
      live.set(arn, { slice, arn, uses });
    }
  }
  return live;
};

/**
 * Every ARN the records name (their resources, a migration's other side, whatever else they keep). A
 * DELETED tenant's record names only what outlives it (its tables' backups).
 */
export const namedBy = (records: readonly TenantRecord[]): Set<string> => {
  const named = new Set<string>();
  for (const record of records) arnsIn({ resources: record.resources, migration: record.migration }, named);
  return named;
};

/**
 * What appeared since `baseline` that nobody accounts for, and what vanished that was no tenant's.
 * Accounted for: named by a record now; in use by a resource that was there at the start or is
 * accounted for (the pooled service's new revision, a rule's target group); a load balancer shard the
 * shard registry lists (`shards`); or made by the test as someone else would (`foreign`).
 * A resource may vanish when a record named it at the start (an offboarding, a repair, a migration),
 * or when it is a task definition a resource there at the start ran (a pooled revision retired).
 */
export const rawFindings = (input: {
  baseline: RawBaseline;
  now: ReadonlyMap<string, RawResource>;
  records: readonly TenantRecord[];
  /** The shard registry's entries: an added shard's load balancer and listener are accounted for. */
  shards: ReadonlyArray<{ loadBalancerArn?: string | undefined; listenerArn?: string | undefined }>;
  foreign?: ReadonlySet<string>;
}): RawFinding[] => {
  const { baseline, now } = input;
  const accounted = new Set<string>([...namedBy(input.records), ...(input.foreign ?? [])]);
  for (const shard of input.shards)
    for (const arn of [shard.loadBalancerArn, shard.listenerArn]) if (arn) accounted.add(arn);
  // What is in use by something there from the start or accounted for, to a fixed point.
  const inUse = (resource: RawResource | undefined): string[] => resource?.uses ?? [];
  const queue = [...baseline.live.keys(), ...accounted].filter((arn) => now.has(arn));
  const seen = new Set(queue);
  while (queue.length > 0) {
    const arn = queue.pop() as string;
    accounted.add(arn);
    for (const used of inUse(now.get(arn)))
      if (!seen.has(used)) {
        seen.add(used);
        queue.push(used);
      }
  }
  // A backup of a table a record named at the start or names now: offboarding keeps those on purpose,
  // and one a failed record write left unnamed is named by the next DeleteTables (src/steps/tables.ts).
  const tablesNamed = new Set([...baseline.named, ...accounted]);
  const backupOfNamed = (resource: RawResource): boolean =>
    resource.slice === 'backups' && resource.uses.some((used) => tablesNamed.has(used));
  const findings: RawFinding[] = [];
  for (const [arn, resource] of now)
    if (!baseline.live.has(arn) && !accounted.has(arn) && !backupOfNamed(resource))
      findings.push({
        kind: 'unrecorded',
        detail: `${resource.slice} ${arn}: appeared, and nothing accounts for it`,
      });
  // A revision the pooled service (there from the start) ran may be retired: revisions come and go.
  const usedAtStart = new Set(
    [...baseline.live.values()]
      .flatMap((resource) => resource.uses)
      .filter((arn) => baseline.live.get(arn)?.slice === 'taskDefinitions'),
  );
  for (const [arn, resource] of baseline.live)
    if (!now.has(arn) && !baseline.named.has(arn) && !usedAtStart.has(arn))
      findings.push({
        kind: 'vanished',
        detail: `${resource.slice} ${arn}: gone, and no tenant's at the start`,
      });
  return findings;
};
