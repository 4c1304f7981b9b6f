/**
 * Reconciliation: every tenant record held against what really runs, found by tenantflow's tags
 * (not only by the names the records hold). Report-only unless asked to repair; a repair converges
 * level-triggered (run it again and it does what is still needed), never touches a resource without
 * tenantflow's tags, and leaves alone every tenant another operation holds.
 */
import { companionsOf, desiredCountOf, ownsService } from '../domain/catalogue.ts';
import { FatalError, NotReadyError } from '../domain/errors.ts';
import { CONTAINER_NAME, MANAGED_BY, TAG_KEYS, type Tag } from '../domain/naming.ts';
import { withoutSizes } from '../domain/release.ts';
import {
  arnsOf,
  kindOfArn,
  kindOfType,
  RESOURCE_KIND_SPECS,
  RESOURCE_KINDS,
  type ResourceKind,
  removalRank,
  type TenantResources,
} from '../domain/resources.ts';
import type { SagaState } from '../domain/saga-state.ts';
import type { TenantRecord } from '../domain/tenant-record.ts';
import type { HealthCheck, ListenerRuleInfo } from '../ports/load-balancer.ts';
import type { ResourceDiscovery, TaggedResource } from '../ports/resource-discovery.ts';
import type { TenantMap } from '../ports/tenant-map.ts';
import { inviteAdmin } from '../steps/identity.ts';
import { creationSteps, namedExists, RESOURCE_OPERATIONS } from '../steps/resource-operations.ts';
import { sameCheck, targetGroupHealth } from '../steps/target-group.ts';
import type { StepContext, StepDeps } from '../steps/types.ts';

/** The kinds of drift, listed once: the report, the metrics and the docs derive from this list. */
export const DRIFT_KINDS = {
  missing: 'a resource the record names does not exist',
  orphan: 'a resource with tenantflow tags that no record names',
  'desired-count': 'a service at another desired count than its activation state wants',
  revision: 'a service on another task definition revision than the recorded one',
  attachment:
    "a service attached to another target group than the recorded one (the tenant's rule forwards to a group no task registers in)",
  forward: "the tenant's listener rule forwarding to another target group than the recorded one",
  tags: "a resource whose tags disagree with its record (report only: tenantflow's role may not retag)",
  'tier-tag':
    "the tenant's listener rule tagged with another tier than its record's (a migration before rules were handed over with their tag): retagged",
  leftover: "part of a migration's other placement the record still names, with no migration running",
  'health-check':
    "the tenant's target group checking its targets otherwise than its tier says (path, timings, thresholds, codes, or a port other than the targets' own): set back",
  unhealthy:
    "an active tenant's target group whose every target fails its health check although its service is attached and running (its requests get 503): reported, the cause being the tenant's application or its check",
} as const;
export type DriftKind = keyof typeof DRIFT_KINDS;
export const DRIFT_KIND_NAMES = Object.keys(DRIFT_KINDS) as readonly DriftKind[];

/** A health check in one line: `/health on traffic-port every 5 s (timeout 4 s), healthy after 2, unhealthy after 2, codes 200-399`. */
const checkText = (check: HealthCheck, port: string, drain: number | undefined): string =>
  `${check.path} on ${port} every ${check.intervalSeconds} s (timeout ${check.timeoutSeconds} s), healthy after ${check.healthyThreshold}, unhealthy after ${check.unhealthyThreshold}, codes ${check.matcher}${drain === undefined ? '' : `, draining ${drain} s`}`;

/**
 * What became of a drift under `--repair`: `pending` when AWS is not ready for it yet (a deleted
 * service still draining, say): a later run does it.
 */
export const REPAIR_OUTCOMES = ['repaired', 'pending', 'failed', 'report-only'] as const;
export type RepairOutcome = (typeof REPAIR_OUTCOMES)[number];

export interface Drift {
  tenantId: string;
  kind: DriftKind;
  /** The resource kind, e.g. `service`. */
  resource: ResourceKind;
  arn: string;
  detail: string;
  repair?: RepairOutcome;
  /** Why a repair failed. */
  error?: string;
}

export interface ReconcileReport {
  /** Tenants whose records were checked. */
  checked: number;
  /** Tenants left alone: another operation holds them. */
  skipped: Array<{ tenantId: string; reason: string }>;
  drifts: Drift[];
  found: Record<DriftKind, number>;
  repaired: Record<DriftKind, number>;
}

export interface ReconcileDeps extends StepDeps {
  discovery: ResourceDiscovery;
}

export interface ReconcileOptions {
  repair: boolean;
  /** Only this tenant (its record, and resources tagged with its id). */
  tenantId?: string;
  /** One line per repair step as it ends. */
  onStep?: (line: string) => void;
}

const tagValue = (tags: readonly Tag[], key: string): string | undefined =>
  tags.find((tag) => tag.key === key)?.value;

const countBy = (drifts: readonly Drift[], keep: (drift: Drift) => boolean): Record<DriftKind, number> =>
  Object.fromEntries(
    DRIFT_KIND_NAMES.map((kind) => [kind, drifts.filter((d) => d.kind === kind && keep(d)).length]),
  ) as Record<DriftKind, number>;

/**
 * The tenant map as a repair writes it: each step's checkpoint becomes a write conditional on the
 * record being unlocked and at the version the repair last saw (an operation that starts meanwhile
 * makes the repair stop, not overwrite it).
 */
const repairingMap = (tenants: TenantMap, record: TenantRecord, now: () => Date): TenantMap => {
  let version = record.version;
  const refuse = async (): Promise<never> => {
    throw new FatalError('a repair only records resources: no lock is taken or released');
  };
  return {
    get: (id) => tenants.get(id),
    list: () => tenants.list(),
    repairResources: (request) => tenants.repairResources(request),
    async recordResources(tenantId, _execution, resources, history) {
      const written = await tenants.repairResources({
        tenantId,
        expectedVersion: version,
        resources,
        history,
        at: now().toISOString(),
      });
      version = written.version;
    },
    acquire: refuse,
    recordMigration: refuse,
    release: refuse,
    releaseDead: refuse,
  };
};

interface TenantFindings {
  drifts: Drift[];
}

/** The drift of one unlocked record: what it names that is missing, wrong, or left over. */
const inspect = async (
  deps: ReconcileDeps,
  record: TenantRecord,
  found: ReadonlyMap<string, TaggedResource>,
  rulesOf: (listenerArn: string) => Promise<readonly ListenerRuleInfo[]>,
): Promise<TenantFindings> => {
  const drifts: Drift[] = [];
  const { tenantId } = record;
  const drift = (kind: DriftKind, resource: ResourceKind, arn: string, detail: string) =>
    drifts.push({ tenantId, kind, resource, arn, detail });
  const live = record.lifecycleStatus === 'ACTIVE' || record.lifecycleStatus === 'INACTIVE';
  if (live) {
    for (const kind of RESOURCE_KINDS) {
      const named = record.resources[kind];
      if (!named) continue;
      const arns = arnsOf(kind, named);
      if (!(await namedExists(deps, kind, named))) {
        drift('missing', kind, arns[0] ?? kind, 'does not exist');
        continue;
      }
      for (const arn of arns) {
        const tags = found.get(arn)?.tags;
        if (!tags) continue;
        const owner = tagValue(tags, TAG_KEYS.tenantId);
        const tier = tagValue(tags, TAG_KEYS.tier);
        if (owner !== tenantId) drift('tags', kind, arn, `tagged for tenant ${owner ?? '(none)'}`);
        else if (record.placement && tier !== record.placement.tier)
          drift(
            kind === 'listenerRule' ? 'tier-tag' : 'tags',
            kind,
            arn,
            `tier tag ${tier ?? '(none)'}, record says ${record.placement.tier}`,
          );
      }
    }
    for (const [name, companion] of Object.entries(record.resources.companions?.services ?? {})) {
      const wantedSize = companionsOf(record.placement).find((c) => c.name === name)?.desiredCount;
      const info = await deps.ecs.describeService(companion.cluster, companion.name);
      if (info?.status !== 'ACTIVE' || wantedSize === undefined) continue;
      const wanted = record.active ? wantedSize : 0;
      if (info.desiredCount !== wanted)
        drift(
          'desired-count',
          'companions',
          companion.arn,
          `companion ${name}: desired count ${info.desiredCount}, ${record.active ? 'active' : 'inactive'} tenant wants ${wanted}`,
        );
      if (info.taskDefinition !== companion.taskDefinitionArn)
        drift(
          'revision',
          'companions',
          companion.arn,
          `companion ${name}: runs ${info.taskDefinition}, recorded ${companion.taskDefinitionArn}`,
        );
    }
    const service = record.resources.service;
    // The service runs tasks into the recorded group: then the group must have a target that passes.
    let serving = false;
    if (service && ownsService(record.placement)) {
      const info = await deps.ecs.describeService(service.cluster, service.name);
      if (info?.status === 'ACTIVE') {
        const wanted = desiredCountOf(record.placement, record.active);
        if (info.desiredCount !== wanted)
          drift(
            'desired-count',
            'service',
            service.arn,
            `desired count ${info.desiredCount}, ${record.active ? 'active' : 'inactive'} tenant wants ${wanted}`,
          );
        const recorded = record.resources.taskDefinition?.arn;
        if (recorded && info.taskDefinition !== recorded)
          drift('revision', 'service', service.arn, `runs ${info.taskDefinition}, recorded ${recorded}`);
        const group = record.resources.targetGroup?.arn;
        if (group && !info.targetGroupArns.includes(group))
          drift(
            'attachment',
            'service',
            service.arn,
            `attached to ${info.targetGroupArns.join(', ') || 'no target group'}, recorded group ${group}`,
          );
        serving = group !== undefined && info.targetGroupArns.includes(group) && info.desiredCount > 0;
      }
    }
    // The route's first link: the tenant's rule sends its requests to the recorded group alone.
    const rule = record.resources.listenerRule;
    const group = record.resources.targetGroup?.arn;
    if (rule && group && ownsService(record.placement)) {
      const live = (await rulesOf(rule.listenerArn)).find((candidate) => candidate.arn === rule.arn);
      if (live && (live.targetGroupArns.length !== 1 || live.targetGroupArns[0] !== group))
        drift(
          'forward',
          'listenerRule',
          rule.arn,
          `forwards to ${live.targetGroupArns.join(', ') || 'no target group'}, recorded group ${group}`,
        );
    }
    // The route's last links: the group checks its targets as the tier says, and one of them passes.
    const recordedGroup = record.resources.targetGroup;
    if (recordedGroup && ownsService(record.placement)) {
      const info = await deps.elb.findTargetGroup(recordedGroup.name);
      if (info?.arn === recordedGroup.arn) {
        const wanted = targetGroupHealth(record.placement);
        // The drain is an attribute of its own (how long a target let go of keeps its requests).
        const drain = await deps.elb.drainSeconds(info.arn);
        if (
          !sameCheck(info.healthCheck, wanted) ||
          info.healthCheckPort !== 'traffic-port' ||
          (drain !== undefined && drain !== wanted.deregistrationDelaySeconds)
        )
          drift(
            'health-check',
            'targetGroup',
            info.arn,
            `checks ${checkText(info.healthCheck, info.healthCheckPort, drain)}, tier ${record.placement.tier} says ${checkText(wanted, 'traffic-port', wanted.deregistrationDelaySeconds)}`,
          );
        if (serving) {
          const health = await deps.elb.targetHealth(info.arn);
          if (health.total > 0 && health.states.every((state) => state === 'unhealthy'))
            drift(
              'unhealthy',
              'targetGroup',
              info.arn,
              `none of its ${health.total} target${health.total === 1 ? '' : 's'} passes its health check`,
            );
        }
      }
    }
  }
  for (const kind of RESOURCE_KINDS) {
    const left = record.migration?.resources[kind];
    if (!left) continue;
    // A companion is removed as what it is made of (its service, its revision), each by its ARN.
    for (const arn of arnsOf(kind, left))
      drift(
        'leftover',
        kind === 'companions' ? (kindOfArn(arn) ?? kind) : kind,
        arn,
        `${kind} of the ${record.migration?.placement.tier} placement a migration left`,
      );
  }
  return { drifts };
};

/** Runs one repair, logging it; the drift says how it went. */
const attempt = async (drift: Drift, work: () => Promise<void>, onStep?: (line: string) => void) => {
  try {
    await work();
    drift.repair = 'repaired';
    onStep?.(`  ${drift.tenantId} ${drift.kind} ${drift.resource} ✓ repaired`);
  } catch (error) {
    drift.repair = error instanceof NotReadyError ? 'pending' : 'failed';
    drift.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    onStep?.(`  ${drift.tenantId} ${drift.kind} ${drift.resource} ✗ ${drift.error}`);
  }
};

/** Repairs one tenant's drift, in an order that converges: recreate, rescale and redeploy, then remove. */
const repairTenant = async (
  deps: ReconcileDeps,
  tenantId: string,
  record: TenantRecord | undefined,
  drifts: Drift[],
  execution: string,
  onStep?: (line: string) => void,
): Promise<void> => {
  let current = record;
  const missing = drifts.filter((d) => d.kind === 'missing');
  if (current && missing.length > 0) {
    const record = current;
    const run = async () => {
      const tenants = repairingMap(deps.tenants, record, deps.now);
      const stepDeps: StepDeps = { ...deps, tenants };
      const ctx: StepContext = { machine: 'onboarding', execution };
      let state: SagaState = {
        request: {
          operation: 'onboard',
          tenantId,
          tenantName: record.tenantName,
          ...(record.placement ? { tier: record.placement.tier } : {}),
          // What a kind's creation reads of the onboarding's event the record kept (its address).
          attributes: record.email ? { email: record.email } : {},
        },
        execution,
        ...(record.placement ? { placement: record.placement } : {}),
        // Made again as the tenant runs it: its release, not the placement's first image.
        ...(record.release ? { release: withoutSizes(record.release) } : {}),
        resources: await withoutMissing(deps, record.resources),
      };
      for (const [kind, step] of creationSteps(record)) {
        state = await step(state, stepDeps, ctx);
        onStep?.(`  ${tenantId} ${RESOURCE_KIND_SPECS[kind].createStep} ✓`);
      }
      // A pool made again has a new admin user: the tenant is running, so the invitation goes now.
      const invited = await inviteAdmin(state, stepDeps, ctx);
      if (invited !== state) onStep?.(`  ${tenantId} InviteAdmin ✓`);
      state = invited;
      // Made at the placement's size: an inactive tenant is scaled back to zero.
      const service = state.resources.service;
      if (service && ownsService(record.placement) && !record.active)
        await deps.ecs.updateService(service.cluster, service.name, {
          desiredCount: desiredCountOf(record.placement, record.active),
        });
    };
    const first = missing[0] as Drift;
    await attempt(first, run, onStep);
    for (const drift of missing.slice(1)) {
      drift.repair = first.repair ?? 'failed';
      if (first.error) drift.error = first.error;
    }
    current = await deps.tenants.get(tenantId);
  }
  for (const drift of drifts) {
    if (drift.kind === 'tags' || drift.kind === 'unhealthy') drift.repair = 'report-only';
    // The tenant's rule pointed back at its group, or retagged with its tier; a rule gone meanwhile
    // is the next run's `missing`.
    const group = current?.resources.targetGroup?.arn;
    const tier = current?.placement?.tier;
    const onRule =
      drift.kind === 'forward' && group
        ? () => deps.elb.forwardListenerRule(drift.arn, group)
        : drift.kind === 'tier-tag' && tier
          ? () => deps.elb.tagResource(drift.arn, [{ key: TAG_KEYS.tier, value: tier }])
          : undefined;
    if (onRule) {
      await attempt(
        drift,
        async () => {
          if ((await onRule()) === 'absent')
            throw new NotReadyError(`rule ${drift.arn} is gone: the next run recreates it`);
        },
        onStep,
      );
      continue;
    }
    if (drift.kind === 'health-check') {
      const placement = current?.placement;
      if (!placement || !ownsService(placement)) continue;
      await attempt(
        drift,
        () => deps.elb.configureTargetGroup(drift.arn, targetGroupHealth(placement)),
        onStep,
      );
      continue;
    }
    if (drift.kind === 'attachment') {
      const service = current?.resources.service;
      if (!service || !group) continue;
      await attempt(
        drift,
        async () => {
          const { containerPort } = await deps.infra.get();
          await deps.ecs.updateService(service.cluster, service.name, {
            loadBalancer: { targetGroupArn: group, containerName: CONTAINER_NAME, containerPort },
          });
        },
        onStep,
      );
      continue;
    }
    if (drift.kind !== 'desired-count' && drift.kind !== 'revision') continue;
    if (drift.resource === 'companions') {
      const companion = Object.entries(current?.resources.companions?.services ?? {}).find(
        ([, made]) => made.arn === drift.arn,
      );
      const size = companionsOf(current?.placement).find((c) => c.name === companion?.[0])?.desiredCount;
      if (!current || !companion || size === undefined) continue;
      const [, made] = companion;
      const change =
        drift.kind === 'desired-count'
          ? { desiredCount: current.active ? size : 0 }
          : { taskDefinitionArn: made.taskDefinitionArn };
      await attempt(
        drift,
        async () => void (await deps.ecs.updateService(made.cluster, made.name, change)),
        onStep,
      );
      continue;
    }
    const service = current?.resources.service;
    if (!current || !service || !ownsService(current.placement)) continue;
    const change =
      drift.kind === 'desired-count'
        ? { desiredCount: desiredCountOf(current.placement, current.active) }
        : current.resources.taskDefinition
          ? { taskDefinitionArn: current.resources.taskDefinition.arn }
          : {};
    await attempt(
      drift,
      async () => {
        await deps.ecs.updateService(service.cluster, service.name, change);
      },
      onStep,
    );
  }
  // Last, what is left over: the service runs the recorded revision again before a stray one goes.
  const removals = drifts
    .filter((d) => d.kind === 'orphan' || d.kind === 'leftover')
    .sort((a, b) => removalRank(a.resource) - removalRank(b.resource));
  for (const drift of removals)
    await attempt(
      drift,
      () => RESOURCE_OPERATIONS[drift.resource].removeByArn(deps, drift.arn, tenantId),
      onStep,
    );
  const leftovers = drifts.filter((d) => d.kind === 'leftover');
  const recorded = current;
  if (recorded?.migration && leftovers.length > 0 && leftovers.every((d) => d.repair === 'repaired')) {
    // The record stops naming them; should an operation have taken the tenant meanwhile, the next
    // run finds them gone and writes this then.
    const forget = deps.tenants.repairResources({
      tenantId,
      expectedVersion: recorded.version,
      resources: recorded.resources,
      migration: null,
      history: [
        {
          operation: 'migrate',
          execution,
          step: 'RemoveMigrationSource',
          outcome: 'succeeded',
          at: deps.now().toISOString(),
          reason: 'reconcile removed what an earlier migration left',
        },
      ],
      at: deps.now().toISOString(),
    });
    await forget.catch((error: unknown) => {
      for (const drift of leftovers) {
        drift.repair = 'pending';
        drift.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
    });
  }
};

/** The record's resources without those that do not exist (so the creation steps make them anew). */
const withoutMissing = async (deps: ReconcileDeps, resources: TenantResources): Promise<TenantResources> => {
  const kept: TenantResources = {};
  for (const kind of RESOURCE_KINDS) {
    if (!resources[kind]) continue;
    if (await namedExists(deps, kind, resources[kind])) Object.assign(kept, { [kind]: resources[kind] });
  }
  return kept;
};

/**
 * Compares every record (or one tenant's) with the resources tenantflow's tags find, and repairs
 * what differs when asked. Returns the drift found, what became of each, and the tenants skipped.
 */
export const reconcile = async (deps: ReconcileDeps, options: ReconcileOptions): Promise<ReconcileReport> => {
  const wanted = options.tenantId;
  const records = wanted
    ? [await deps.tenants.get(wanted)].filter((r): r is TenantRecord => r !== undefined)
    : await deps.tenants.list();
  const everyRecord = wanted ? await deps.tenants.list() : records;
  const tagged = (await deps.discovery.tagged(TAG_KEYS.managedBy, MANAGED_BY)).filter(
    (resource) => !wanted || tagValue(resource.tags, TAG_KEYS.tenantId) === wanted,
  );
  const found = new Map(tagged.map((resource) => [resource.arn, resource]));
  const named = new Set(
    everyRecord.flatMap((record) =>
      [record.resources, record.migration?.resources ?? {}].flatMap((resources) =>
        RESOURCE_KINDS.flatMap((kind) => {
          const resource = resources[kind];
          return resource ? arnsOf(kind, resource) : [];
        }),
      ),
    ),
  );
  const byTenant = new Map(everyRecord.map((record) => [record.tenantId, record]));
  const skipped: ReconcileReport['skipped'] = [];
  const held = (tenantId: string) => byTenant.get(tenantId)?.lock !== undefined;
  for (const record of records)
    if (record.lock)
      skipped.push({
        tenantId: record.tenantId,
        reason: `held by ${record.lock.execution} (${record.lifecycleStatus})`,
      });

  const drifts: Drift[] = [];
  // Each listener's rules read once a run, however many tenants it serves.
  const listed = new Map<string, Promise<ListenerRuleInfo[]>>();
  const rulesOf = (listenerArn: string) => {
    let rules = listed.get(listenerArn);
    if (!rules) {
      rules = deps.elb.listListenerRules(listenerArn);
      listed.set(listenerArn, rules);
    }
    return rules;
  };
  for (const record of records) {
    if (record.lock) continue;
    drifts.push(...(await inspect(deps, record, found, rulesOf)).drifts);
  }
  for (const resource of tagged) {
    const tenantId = tagValue(resource.tags, TAG_KEYS.tenantId);
    // Never anything without a tenant's tag (the shared stack's), nor what a running operation makes.
    if (!tenantId || named.has(resource.arn) || held(tenantId)) continue;
    const kind = kindOfType(resource.type);
    if (!(await RESOURCE_OPERATIONS[kind].existsByArn(deps, resource.arn))) continue;
    drifts.push({
      tenantId,
      kind: 'orphan',
      resource: kind,
      arn: resource.arn,
      detail: `tagged for ${tenantId}, named by no record${byTenant.has(tenantId) ? '' : ' (the tenant has none)'}`,
    });
  }

  if (options.repair) {
    const execution = `reconcile-${deps
      .now()
      .toISOString()
      .replace(/[^0-9]/g, '')
      .slice(0, 14)}`;
    const tenants = [...new Set(drifts.map((d) => d.tenantId))];
    for (const tenantId of tenants) {
      const mine = drifts.filter((d) => d.tenantId === tenantId);
      // Looked at again just before: an operation that started since holds it now.
      const record = await deps.tenants.get(tenantId);
      if (record?.lock) {
        skipped.push({ tenantId, reason: `held by ${record.lock.execution} (${record.lifecycleStatus})` });
        continue;
      }
      await repairTenant(deps, tenantId, record, mine, execution, options.onStep);
    }
  }
  const result: ReconcileReport = {
    checked: records.length,
    skipped,
    drifts,
    found: countBy(drifts, () => true),
    repaired: countBy(drifts, (d) => d.repair === 'repaired'),
  };
  deps.log.info('reconciled', {
    checked: result.checked,
    skipped: skipped.length,
    found: result.found,
    repaired: result.repaired,
  });
  return result;
};
