/**
 * The fault matrix: every step of every saga × transient and throttle (once, and past the Retry
 * budget), fatal, and crash, on the committed ASL over the simulated cloud and dynalite.
 *
 * Documented outcomes:
 * - within the budget, and after a crash, the operation succeeds with exactly the resources of a
 *   clean run (a retried step converges: no second revision, target group, rule, service, cluster);
 * - a final step (ActivateTenant, RemoveTenant, SetActivation) crashing past the budget after its
 *   write went through: the operation is done, and the control plane hears success (ConfirmCommitted);
 *   before the write: a failure, as below;
 * - past the budget, as for fatal: one failure status event, and
 *   - onboarding: nothing of the tenant left; the map says FAILED with the step (no record at all
 *     when the failure came before the tenant was reserved);
 *   - offboarding, activate, deactivate failing before the lock: the record is untouched;
 *   - after the lock: FAILED with the step; an offboarding's leftovers removed by the watcher's
 *     cleanup, an activation change's resources all still named; the control plane's retry
 *     (offboarding again; onboarding again after a failed activation) works;
 * - the failure path's own steps (compensations, MarkFailed, NotifyFailure), each under every fault
 *   plan after a forward step failed for good: still one failure event, FAILED, never locked, and
 *   nothing left of an onboarding or offboarding once the cleanup ran;
 * - a migration: before its commit (CommitMigration) any failure puts the tenant back where it was,
 *   ACTIVE, nothing of the target left, one failure event; from the commit on it ends on the target,
 *   ACTIVE, with one success event, the source removed (by the watcher's cleanup if need be);
 * - in every case the tenant map never contradicts the status event sent.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATION_TABLE, type Operation } from '../../src/domain/operations.ts';
import { resourceArns } from '../../src/domain/resources.ts';
import { SAGA_MACHINE_IDS, type StepName } from '../../src/domain/saga.ts';
import type { TenantStatus } from '../../src/domain/tenant-record.ts';
import type { FaultSpec, ReplayResult } from '../../src/local/index.ts';
import { testConfig } from '../support/fake-ports.ts';
import { count } from '../support/reliability/counters.ts';
import type { InvariantReport } from '../support/reliability/invariants.ts';
import {
  COMPENSATION_CASES,
  type CompensationCase,
  FAULT_PLANS,
  type FaultPlan,
  faultSpec,
  INJECTED_NAMES,
  MIGRATION_COMMITTED,
  SAGA_CASES,
  type SagaCase,
  taskStates,
  within,
} from '../support/reliability/matrix.ts';
import {
  lifecycleEvent,
  NEXT_TIER,
  newTenant,
  openFrom,
  openWorld,
  type Snapshot,
  snapshotOf,
  TEST_RELEASE,
  type TestTenant,
  TIER_RESOURCES,
  typesOf,
  type World,
} from '../support/reliability/world.ts';

const contract = testConfig().contract;

const DONE: Record<Operation, TenantStatus> = {
  onboard: 'ACTIVE',
  offboard: 'DELETED',
  activate: 'ACTIVE',
  deactivate: 'INACTIVE',
  migrate: 'ACTIVE',
  update: 'ACTIVE',
};
const BEFORE: Record<Operation, TenantStatus | undefined> = {
  onboard: undefined,
  offboard: 'ACTIVE',
  activate: 'INACTIVE',
  deactivate: 'ACTIVE',
  migrate: 'ACTIVE',
  update: 'ACTIVE',
};
/** Steps that run before the saga holds the tenant's lock: a failure there leaves the map alone. */
const BEFORE_LOCK: readonly StepName[] = ['ValidateRequest', 'ReserveTenant', 'LockTenant'];
/** Update steps before anything runs the new revision: failing there, the tenant stays as it was. */
const UPDATE_BEFORE_DEPLOY: readonly StepName[] = [
  'ValidateRequest',
  'LockTenant',
  'PlanUpdate',
  'RegisterRelease',
];
/** Update steps that only tidy revisions up: failing for good, they leave one for reconcile. */
const TIDYING: readonly StepName[] = ['RetireRevisions', 'DeregisterRelease'];
const SCENARIO_LIMIT_MS = 10_000;

/** A world whose tenant is ready for `c` (ACTIVE; INACTIVE before an activate), closed and kept. */
export const prepare = async (c: SagaCase): Promise<{ snapshot: Snapshot; tenant: TestTenant }> => {
  const tenant = { ...newTenant(c.tier), ...(c.target ? { target: c.target } : {}) };
  const world = await openWorld();
  const setup = [
    lifecycleEvent('onboard', tenant),
    ...(c.operation === 'activate' ? [lifecycleEvent('deactivate', tenant)] : []),
  ];
  const results = await world.send(setup);
  if (results.some((r) => r.outcome !== 'succeeded'))
    throw new Error(`setup of ${c.label} failed: ${JSON.stringify(results)}`);
  return { snapshot: await snapshotOf(world, world.requests), tenant };
};

/** What a scenario left behind, read once the operation ended. */
export interface Observed {
  world: World;
  tenant: TestTenant;
  label: string;
  outcome: string | undefined;
  error: string | undefined;
  sent: string | undefined;
  status: TenantStatus | undefined;
  lastError: { operation: string; step: string } | undefined;
  left: string[];
  unnamed: string[];
}

const observe = async (
  world: World,
  tenant: TestTenant,
  label: string,
  result: ReplayResult | undefined,
): Promise<Observed> => {
  const record = await world.runtime.tenant(tenant.tenantId);
  const named = new Set(resourceArns(record?.resources ?? {}));
  const mine = world.runtime.inventory().filter((item) => item.tenantId === tenant.tenantId);
  return {
    world,
    tenant,
    label,
    outcome: result?.outcome,
    error: result?.error,
    sent: result?.statusEvent?.['detail-type'],
    status: record?.lifecycleStatus,
    lastError: record?.lastError
      ? { operation: record.lastError.operation, step: record.lastError.step }
      : undefined,
    left: typesOf(world, tenant.tenantId),
    unnamed: mine.filter((item) => !named.has(item.arn)).map((item) => `${item.type} ${item.id}`),
  };
};

const assessSuccess = (c: SagaCase, seen: Observed): void => {
  expect({ outcome: seen.outcome, error: seen.error, sent: seen.sent }).toEqual({
    outcome: 'succeeded',
    error: undefined,
    sent: contract.outbound[c.operation].success,
  });
  expect(seen.status).toBe(DONE[c.operation]);
  expect(seen.left).toEqual(c.operation === 'offboard' ? [] : TIER_RESOURCES[c.tier]);
};

const assessFailure = async (c: SagaCase, step: StepName, seen: Observed): Promise<void> => {
  expect({ outcome: seen.outcome, sent: seen.sent }).toEqual({
    outcome: 'failed',
    sent: contract.outbound[c.operation].failure,
  });
  // The control plane was told "failed": the map must not say the operation went through.
  expect(seen.status).not.toBe(DONE[c.operation]);
  // A step that takes the lock may have taken it before it died for good (a crash after its write):
  // then MarkFailed let go of it, and the tenant is FAILED like after any later step.
  const untouched = BEFORE_LOCK.includes(step) && seen.status === BEFORE[c.operation];
  if (c.operation === 'onboard') {
    expect(seen.left).toEqual([]);
    if (!untouched)
      expect({ status: seen.status, lastError: seen.lastError }).toEqual({
        status: 'FAILED',
        lastError: { operation: 'onboard', step },
      });
    return;
  }
  if (untouched) return;
  expect({ status: seen.status, lastError: seen.lastError }).toEqual({
    status: 'FAILED',
    lastError: { operation: c.operation, step },
  });
  // A failed offboarding is cleaned up after by the watcher; an activation change keeps its resources.
  if (OPERATION_TABLE[c.operation].cleanupBy === 'offboard') expect(seen.left).toEqual([]);
  expect(seen.unnamed).toEqual([]);
  // The control plane's retry: offboarding again, or onboarding again after a failed (de)activation.
  const retry = c.operation === 'offboard' ? 'offboard' : 'onboard';
  const [again] = await within(
    seen.world.send([lifecycleEvent(retry, seen.tenant, randomUUID())]),
    SCENARIO_LIMIT_MS,
    `${seen.label}, retry`,
  );
  expect({ outcome: again?.outcome, error: again?.error }).toEqual({
    outcome: 'succeeded',
    error: undefined,
  });
};

/**
 * After a forward step failed for good and a fault hit a step of the failure path: one failure
 * event, the tenant FAILED with the trigger's failure, never locked, and (onboarding, offboarding)
 * nothing left once the watcher's cleanup ran; an activation change keeps the tenant's resources,
 * all named, for the control plane's retry.
 */
const assessCompensated = async (c: CompensationCase, step: StepName, seen: Observed): Promise<void> => {
  expect({ outcome: seen.outcome, sent: seen.sent }).toEqual({
    outcome: 'failed',
    sent: contract.outbound[c.operation].failure,
  });
  expect(seen.status).toBe('FAILED');
  expect(seen.lastError?.operation).toBe(c.operation);
  // A MarkFailed that fails leaves the record to the watcher, which names the last step it finds.
  if (step !== 'MarkFailed') expect(seen.lastError?.step).toBe(c.trigger);
  if (OPERATION_TABLE[c.operation].cleanupBy === 'offboard') {
    expect(seen.left).toEqual([]);
    return;
  }
  expect(seen.left).toEqual(TIER_RESOURCES[c.tier]);
  expect(seen.unnamed).toEqual([]);
  const [again] = await within(
    seen.world.send([lifecycleEvent('onboard', seen.tenant, randomUUID())]),
    SCENARIO_LIMIT_MS,
    `${seen.label}, retry`,
  );
  expect({ outcome: again?.outcome, error: again?.error }).toEqual({
    outcome: 'succeeded',
    error: undefined,
  });
};

/** What a migration in the matrix ends with: on its target (done) or where it was (given up). */
const assessMigration = async (
  c: SagaCase,
  on: 'target' | 'original',
  outcome: 'succeeded' | 'failed',
  seen: Observed,
): Promise<void> => {
  const tier = on === 'target' ? (c.target ?? NEXT_TIER[c.tier]) : c.tier;
  expect({ outcome: seen.outcome, sent: seen.sent }).toEqual({
    outcome,
    sent: contract.outbound.migrate[outcome === 'succeeded' ? 'success' : 'failure'],
  });
  const record = await seen.world.runtime.tenant(seen.tenant.tenantId);
  expect({
    status: record?.lifecycleStatus,
    tier: record?.placement?.tier,
    migration: record?.migration,
  }).toEqual({
    status: 'ACTIVE',
    tier,
    migration: undefined,
  });
  // The tenant is served throughout: whatever happened, its requests reach a healthy group.
  const route = seen.world.runtime.route(seen.tenant.tenantId);
  expect(route.targetGroups.length).toBeGreaterThan(0);
  for (const group of route.targetGroups) expect(group.healthy).toBeGreaterThan(0);
  expect(seen.left).toEqual(TIER_RESOURCES[tier]);
  expect(seen.unnamed).toEqual([]);
};

/**
 * What a release update in the matrix ends with: served throughout on exactly one working release,
 * which the record names. On the new release when it got through (`'new'`), on the one before when it
 * gave up (`'previous'`), or either (a failure path that could not put the service back ends FAILED on
 * the new one). An update answers nobody. A revision a failed tidy-up left behind is an orphan that
 * reconcile reports and its repair removes; only task definitions may be left so.
 */
const assessUpdate = async (
  c: SagaCase,
  on: 'new' | 'previous' | 'either',
  step: StepName,
  plan: FaultPlan,
  seen: Observed,
): Promise<void> => {
  count('updates');
  expect(seen.sent).toBeUndefined();
  const { world, tenant } = seen;
  const served = (): void => {
    const route = world.runtime.route(tenant.tenantId);
    expect(route.targetGroups.length).toBeGreaterThan(0);
    for (const group of route.targetGroups) expect(group.healthy).toBeGreaterThan(0);
  };
  served();
  let record = await world.runtime.tenant(tenant.tenantId);
  expect(record?.lock).toBeUndefined();
  const onNew = record?.release?.version === TEST_RELEASE.version;
  // A NotifySuccess that fails for good ends the execution failed, the update done all the same.
  const outcome = step === 'NotifySuccess' ? seen.outcome : on === 'new' ? 'succeeded' : 'failed';
  if (on === 'new' || on === 'previous') {
    expect({ outcome: seen.outcome, status: seen.status, onNew }).toEqual({
      outcome,
      status: 'ACTIVE',
      onNew: on === 'new',
    });
  } else {
    expect(seen.outcome).toBe('failed');
    // Back where it was, or (the way back failed) FAILED on whichever release the service runs.
    expect(seen.status === 'ACTIVE' ? !onNew : seen.status === 'FAILED').toBe(true);
  }
  // Refused before the lock was taken, nothing was written; once taken, the reason is recorded.
  if (seen.outcome === 'failed' && !BEFORE_LOCK.includes(step) && step !== 'NotifySuccess')
    expect(seen.lastError?.operation).toBe('update');
  // The record names the revision the service runs (reconcile reports a `revision` drift otherwise)
  // and everything that exists: nothing to report.
  // A tidying step that failed for good leaves one revision no record names: reconcile reports it as
  // an orphan and its repair removes it. Nothing else may be left over.
  const strays = TIDYING.includes(step) && !plan.succeeds ? seen.unnamed : [];
  expect(seen.unnamed).toEqual(strays);
  expect(strays.length).toBeLessThanOrEqual(1);
  const report = await world.runtime.reconcile({ repair: true, tenantId: tenant.tenantId });
  expect(report.drifts.map((drift) => `${drift.kind} ${drift.resource}`)).toEqual(
    strays.map(() => 'orphan taskDefinition'),
  );
  expect(report.repaired.orphan).toBe(strays.length);
  count('strayRevisions', strays.length);
  expect(typesOf(world, tenant.tenantId)).toEqual(TIER_RESOURCES[c.tier]);
  if (record?.lifecycleStatus === 'FAILED') {
    // Left on the new release when the way back failed: the sender's next update takes it from there.
    const [again] = await within(
      world.send([lifecycleEvent('update', tenant, randomUUID())]),
      SCENARIO_LIMIT_MS,
      `${seen.label}, update again`,
    );
    expect({ outcome: again?.outcome, error: again?.error }).toEqual({
      outcome: 'succeeded',
      error: undefined,
    });
    record = await world.runtime.tenant(tenant.tenantId);
    expect({ status: record?.lifecycleStatus, release: record?.release }).toEqual({
      status: 'ACTIVE',
      release: TEST_RELEASE,
    });
    served();
  }
  if (record?.release?.version === TEST_RELEASE.version) count('updatedToNew');
};

/**
 * What a saga case must end with after `plan` hit `step` (forward steps): done when the plan is
 * within the budgets, else failed as the step decides, and the map always agreeing with the event.
 */
export const assessSaga = (c: SagaCase, step: StepName, plan: FaultPlan, seen: Observed): Promise<void> => {
  // A NotifySuccess that fails for good leaves the work done: the execution fails, and the
  // watcher reports the success the tenant map records (one event, a success).
  // An operation's final step ends it with one write: a crash after that write leaves the
  // operation done although the step failed, and the control plane hears that (success); a
  // crash before it is a failure. Either way the status event must agree with the map.
  const commitStep = step === OPERATION_TABLE[c.operation].finalStep && plan.kind === 'crash';
  if (c.operation === 'update') {
    // Through, or (a final step that crashed after its write) through as the record shows.
    // Tidying after the commit goes on to success whatever happens to it.
    const through = plan.succeeds || step === 'NotifySuccess' || step === 'RetireRevisions';
    if (through || (commitStep && seen.outcome === 'succeeded'))
      return assessUpdate(c, 'new', step, plan, seen);
    return assessUpdate(c, UPDATE_BEFORE_DEPLOY.includes(step) ? 'previous' : 'either', step, plan, seen);
  }
  if (c.operation === 'migrate') {
    if (plan.succeeds || step === 'NotifySuccess') return assessMigration(c, 'target', 'succeeded', seen);
    if (!MIGRATION_COMMITTED.includes(step)) {
      // A step that takes the lock may fail before taking it: then nothing changed at all.
      return assessMigration(c, 'original', 'failed', seen);
    }
    // Past the commit: the tenant ends on its target and SBT hears so; a source that would not
    // go is removed by the watcher's cleanup.
    return assessMigration(c, 'target', 'succeeded', seen);
  }
  return plan.succeeds || step === 'NotifySuccess' || (commitStep && seen.outcome === 'succeeded')
    ? Promise.resolve(assessSuccess(c, seen))
    : assessFailure(c, step, seen);
};

/**
 * Every Task state of every saga is in the matrix: a forward step of a saga case, or a failure-path
 * one (the rollout machine's are covered by rollout-faults.ts).
 */
const describeCoverage = (): void => {
  it.each(SAGA_MACHINE_IDS)('covers every Task state of the %s machine', (machine) => {
    const covered = new Set(
      [...SAGA_CASES, ...COMPENSATION_CASES]
        .filter((c) => OPERATION_TABLE[c.operation].machine === machine)
        .flatMap((c) => c.steps),
    );
    expect(taskStates(machine).filter((step) => !covered.has(step))).toEqual([]);
  });
};

/** Runs one scenario of the matrix: `faults` on a fresh world (or a copy of the prepared one). */
export const runScenario = async (
  c: SagaCase,
  base: { snapshot: Snapshot; tenant: TestTenant } | undefined,
  faults: FaultSpec[],
  label: string,
  assess: (seen: Observed) => Promise<void>,
  /** How many times the request's status event may go out again (a kill inside its publish). */
  resends = 0,
): Promise<void> => {
  if (c.needsTenant && !base) throw new Error(`no prepared tenant for ${c.label}`);
  count('scenarios');
  const world = base ? await openFrom(base.snapshot, faults) : await openWorld(faults);
  const tenant = base?.tenant ?? newTenant(c.tier);
  let report: (InvariantReport & { fresh: unknown[] }) | undefined;
  try {
    const [result] = await within(
      world.send([lifecycleEvent(c.operation, tenant, randomUUID())]),
      SCENARIO_LIMIT_MS,
      label,
    );
    count(
      'faults',
      world.progress.filter(
        (p) =>
          faults.some((fault) => fault.step === p.step) &&
          p.error !== undefined &&
          INJECTED_NAMES.includes(p.error),
      ).length,
    );
    const seen = await observe(world, tenant, label, result);
    // The fault's step must really have run, or the scenario proves nothing about it.
    const faulted = faults.at(-1)?.step;
    expect(world.progress.some((p) => p.step === faulted)).toBe(true);
    try {
      await assess(seen);
    } finally {
      report = await world.check(
        resends > 0
          ? {
              mayRepeat: new Map([
                [`${OPERATION_TABLE[c.operation].result}/${tenant.tenantRegistrationId}`, resends],
              ]),
            }
          : {},
      );
    }
    expect(report.fresh).toEqual([]);
  } finally {
    await within(world.close(), 2_000, `${label}, close`).catch(() => {});
  }
};

export const describeFaultMatrix = (): void => {
  describe('fault matrix coverage', describeCoverage);
  describe.each(COMPENSATION_CASES)('fault matrix: $label', (c) => {
    let base: { snapshot: Snapshot; tenant: TestTenant } | undefined;
    beforeAll(async () => {
      base = c.needsTenant ? await prepare(c) : undefined;
    });
    afterAll(() => {
      base = undefined;
    });
    for (const step of c.steps) {
      it.each(FAULT_PLANS)(`${step}: $label`, async (plan) => {
        const faults = [{ step: c.trigger, kind: 'fatal' as const, count: 1 }, faultSpec(step, plan)];
        await runScenario(c, base, faults, `${c.label} ${step} ${plan.label}`, (seen) => {
          // A failure path that cannot put the service back leaves the tenant FAILED on the new release.
          if (c.operation === 'update')
            return assessUpdate(c, plan.succeeds ? 'previous' : 'either', step, plan, seen);
          if (c.operation !== 'migrate') return assessCompensated(c, step, seen);
          // Before the commit a migration goes back; after it (FinishMigration failing before its
          // write) only forward: SBT hears the success (from the saga, or else the watcher, which
          // frees the tenant and removes what is left of the source).
          return c.trigger === 'FinishMigration'
            ? assessMigration(c, 'target', 'succeeded', seen)
            : assessMigration(c, 'original', 'failed', seen);
        });
      });
    }
  });

  describe.each(SAGA_CASES)('fault matrix: $label', (c) => {
    let base: { snapshot: Snapshot; tenant: TestTenant } | undefined;
    beforeAll(async () => {
      base = c.needsTenant ? await prepare(c) : undefined;
    });
    afterAll(() => {
      base = undefined;
    });
    for (const step of c.steps) {
      it.each(FAULT_PLANS)(`${step}: $label`, async (plan) => {
        await runScenario(c, base, [faultSpec(step, plan)], `${c.label} ${step} ${plan.label}`, (seen) =>
          assessSaga(c, step, plan, seen),
        );
      });
    }
  });
};
