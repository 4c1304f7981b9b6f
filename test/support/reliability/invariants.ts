/**
 * The invariants of ../shared/design.md, checked after every reliability scenario from what an
 * observer can see: the cloud's inventory, the tenant map, the status events the control plane
 * received, and the lifecycle requests that were sent.
 */
import type { ContractConfig } from '../../../events/contract.ts';
import { OPERATION_TABLE, OPERATIONS, type Operation } from '../../../src/domain/operations.ts';
import { resourceArns, type TenantResources } from '../../../src/domain/resources.ts';
import { namedResources, type TenantRecord, type TenantStatus } from '../../../src/domain/tenant-record.ts';

/** One resource of the (simulated) cloud, as its inventory lists it. */
export interface InventoryEntry {
  type: string;
  id: string;
  arn: string;
  tenantId?: string;
  tier?: string;
}

/** A status event as the bus received it. */
export interface SeenStatusEvent {
  detailType: string;
  detail: unknown;
}

/** A lifecycle request that was delivered (once or more: redeliveries share the `eventId`). */
export interface SentRequest {
  eventId: string;
  operation?: Operation;
  tenantId?: string;
  tenantRegistrationId?: string;
  /** False when the request identified no registration to answer (no status event is possible). */
  answerable: boolean;
}

export interface Finding {
  kind:
    | 'orphan'
    | 'missing-resource'
    | 'missing-event'
    | 'extra-event'
    | 'shared-priority'
    | 'held-lock'
    /** Seen by the world as requests are delivered: a tenant's placement changed outside onboarding. */
    | 'placement-changed'
    /** The independent checker (raw-cloud.ts): appeared, and nothing accounts for it. */
    | 'unrecorded'
    /** The independent checker: gone, and no tenant's at the start. */
    | 'vanished';
  detail: string;
}

export interface InvariantReport {
  orphans: number;
  missingResources: number;
  missingEvents: number;
  extraEvents: number;
  sharedPriorities: number;
  heldLocks: number;
  /** Same-type status events sent again for a request whose sender was killed (see `mayRepeat`). */
  resent: number;
  findings: Finding[];
}

/** Statuses whose record may own resources once no operation runs. */
const OWNING: readonly TenantStatus[] = ['ACTIVE', 'INACTIVE'];
/** Statuses of a tenant some operation is working on (its resources are in flux). */
const IN_FLIGHT: readonly TenantStatus[] = [
  'PROVISIONING',
  'ACTIVATING',
  'DEACTIVATING',
  'DEPROVISIONING',
  'MIGRATING',
  'UPDATING',
];

/** Every ARN a record names (the identities the inventory lists): its own, and a migration's other side. */
const namedArns = (record: Pick<TenantRecord, 'resources' | 'migration'>): string[] =>
  namedResources(record).flatMap((resources: TenantResources) => resourceArns(resources));

/**
 * The answer a status event is, by result name (`provision`, `deprovision`, …): onboarding and
 * migration both answer with `provision*`, so requests and events are matched on that.
 */
const resultOf = (contract: ContractConfig, detailType: string): string | undefined => {
  const op = OPERATIONS.find(
    (o) => contract.outbound[o].success === detailType || contract.outbound[o].failure === detailType,
  );
  return op === undefined ? undefined : OPERATION_TABLE[op].result;
};

const registrationOf = (detail: unknown): string | undefined => {
  if (typeof detail !== 'object' || detail === null || !('tenantRegistrationId' in detail)) return undefined;
  return typeof detail.tenantRegistrationId === 'string' ? detail.tenantRegistrationId : undefined;
};

const resourceFindings = (
  inventory: readonly InventoryEntry[],
  records: readonly TenantRecord[],
  foreign: ReadonlySet<string>,
): Finding[] => {
  const findings: Finding[] = [];
  const byTenant = new Map(records.map((record) => [record.tenantId, record]));
  const live = new Set(inventory.map((item) => item.arn));
  for (const item of inventory.filter((entry) => entry.tenantId !== undefined)) {
    const record = byTenant.get(item.tenantId ?? '');
    const where = `${item.type} ${item.id} (tenant ${item.tenantId})`;
    if (!record) findings.push({ kind: 'orphan', detail: `${where}: no tenant record` });
    else if (IN_FLIGHT.includes(record.lifecycleStatus) && record.lock) continue;
    else if (!OWNING.includes(record.lifecycleStatus))
      findings.push({ kind: 'orphan', detail: `${where}: tenant is ${record.lifecycleStatus}` });
    else if (!namedArns(record).includes(item.arn))
      findings.push({ kind: 'orphan', detail: `${where}: not named by the tenant's record` });
  }
  // Not only what carries a tenant's tag: a resource that is neither the shared stack's (nor a shard
  // the orchestrator added) nor tagged for a tenant was made without tenantflow's tags, or adopted.
  for (const item of inventory.filter(
    (entry) => entry.tenantId === undefined && entry.tier !== 'shared' && !foreign.has(entry.arn),
  ))
    findings.push({
      kind: 'orphan',
      detail: `${item.type} ${item.id}: tagged for no tenant and not the shared infrastructure's`,
    });
  for (const record of records.filter((r) => OWNING.includes(r.lifecycleStatus))) {
    for (const arn of namedArns(record).filter((a) => !live.has(a))) {
      findings.push({
        kind: 'missing-resource',
        detail: `${record.tenantId} (${record.lifecycleStatus}) names ${arn}, which does not exist`,
      });
    }
  }
  // Priorities are unique per listener (each load balancer shard has its own).
  const priorities = new Map<string, string[]>();
  for (const record of records) {
    const rule = record.resources.listenerRule;
    if (rule?.priority === undefined) continue;
    const key = `${rule.priority} on ${rule.listenerArn}`;
    priorities.set(key, [...(priorities.get(key) ?? []), record.tenantId]);
  }
  for (const [key, tenants] of priorities) {
    if (tenants.length > 1)
      findings.push({
        kind: 'shared-priority',
        detail: `priority ${key} recorded by ${tenants.join(', ')}`,
      });
  }
  // A rule's ARN is `…:listener-rule/app/<lb>/<id>/<listener>/<rule>`: its listener is all but the last part.
  const rulePriorities = inventory
    .filter((i) => i.type === 'listener-rule')
    .map((i) => `${i.id} on ${i.arn.slice(0, i.arn.lastIndexOf('/'))}`);
  const dupes = rulePriorities.filter((id, index) => rulePriorities.indexOf(id) !== index);
  for (const id of new Set(dupes))
    findings.push({ kind: 'shared-priority', detail: `two listener rules at ${id}` });
  for (const record of records.filter((r) => r.lock)) {
    findings.push({
      kind: 'held-lock',
      detail: `${record.tenantId} still locked by ${record.lock?.execution} (${record.lifecycleStatus})`,
    });
  }
  return findings;
};

const eventFindings = (
  contract: ContractConfig,
  events: readonly SeenStatusEvent[],
  requests: readonly SentRequest[],
  mayRepeat: ReadonlyMap<string, number>,
): { findings: Finding[]; resent: number } => {
  const expected = new Map<string, number>();
  const distinct = new Map<string, SentRequest>();
  for (const request of requests) distinct.set(request.eventId, request);
  for (const request of distinct.values()) {
    if (!request.answerable || !request.operation || !request.tenantRegistrationId) continue;
    const key = `${OPERATION_TABLE[request.operation].result}/${request.tenantRegistrationId}`;
    expected.set(key, (expected.get(key) ?? 0) + 1);
  }
  const actual = new Map<string, number>();
  const kinds = new Map<string, Set<string>>();
  let resent = 0;
  const repeats = new Map<string, number>();
  for (const event of events) {
    const key = `${resultOf(contract, event.detailType) ?? `?${event.detailType}`}/${registrationOf(event.detail) ?? '?'}`;
    const seenKinds = kinds.get(key) ?? new Set<string>();
    // The same answer again, for a request whose sender died between EventBridge and its ledger
    // write: at-least-once by design (nothing can tell whether that PutEvents went out). A success
    // is the same answer only with the same tenantConfig: a migration's success follows the
    // onboarding's with the same result and registration, but places the tenant elsewhere.
    const kind = `${event.detailType} ${tenantConfigOf(event.detail) ?? ''}`;
    // At most as many repeats as the harness saw kills inside a publish of that request: one more is
    // an extra event like any other.
    const repeated = repeats.get(key) ?? 0;
    if (seenKinds.has(kind) && repeated < (mayRepeat.get(key) ?? 0)) {
      repeats.set(key, repeated + 1);
      resent += 1;
      continue;
    }
    kinds.set(key, seenKinds.add(kind));
    actual.set(key, (actual.get(key) ?? 0) + 1);
  }
  const findings: Finding[] = [];
  for (const key of new Set([...expected.keys(), ...actual.keys()])) {
    const want = expected.get(key) ?? 0;
    const got = actual.get(key) ?? 0;
    for (let i = got; i < want; i += 1)
      findings.push({ kind: 'missing-event', detail: `${key}: ${got} of ${want} status events` });
    for (let i = want; i < got; i += 1)
      findings.push({ kind: 'extra-event', detail: `${key}: ${got} status events, ${want} expected` });
  }
  return { findings, resent };
};

/**
 * Checks the reliability invariants once no operation runs:
 * - every tenant-tagged resource belongs to a tenant whose record is ACTIVE or INACTIVE and names it
 *   (or to a tenant an operation is still working on); anything else is an orphan;
 * - every resource an ACTIVE or INACTIVE record names exists;
 * - no two tenants on one listener-rule priority; no lock left held;
 * - every answerable lifecycle request (counted once per event id) got exactly one terminal status
 *   event, matched by operation and registration id.
 */
const tenantConfigOf = (detail: unknown): string | undefined => {
  const data = (detail as { jobOutput?: { tenantData?: { tenantConfig?: unknown } } } | undefined)?.jobOutput
    ?.tenantData?.tenantConfig;
  return typeof data === 'string' ? data : undefined;
};

export const checkInvariants = (input: {
  contract: ContractConfig;
  inventory: readonly InventoryEntry[];
  records: readonly TenantRecord[];
  events: readonly SeenStatusEvent[];
  requests: readonly SentRequest[];
  /**
   * `<result>/<registration>` of requests whose sender was killed inside a publish (the harness saw the
   * answer out and its sender not done with it), with how many such kills: the same answer may come
   * once more per kill, no more.
   */
  mayRepeat?: ReadonlyMap<string, number>;
  /** ARNs of resources a test made as someone else would (untagged by tenantflow): they must stay, untouched. */
  foreign?: ReadonlySet<string>;
}): InvariantReport => {
  const events = eventFindings(input.contract, input.events, input.requests, input.mayRepeat ?? new Map());
  const foreign = input.foreign ?? new Set<string>();
  const findings = [...resourceFindings(input.inventory, input.records, foreign), ...events.findings];
  const live = new Set(input.inventory.map((item) => item.arn));
  for (const arn of foreign)
    if (!live.has(arn)) findings.push({ kind: 'orphan', detail: `${arn}: someone else's resource is gone` });
  const countOf = (kind: Finding['kind']) => findings.filter((f) => f.kind === kind).length;
  return {
    orphans: countOf('orphan'),
    missingResources: countOf('missing-resource'),
    missingEvents: countOf('missing-event'),
    extraEvents: countOf('extra-event'),
    sharedPriorities: countOf('shared-priority'),
    heldLocks: countOf('held-lock'),
    resent: events.resent,
    findings,
  };
};
