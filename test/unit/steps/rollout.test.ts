/**
 * The rollout machine's steps on the fakes: which update executions they start (names, inputs, how
 * many at once), what they read back, and what a step run again after a crash does.
 */

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FatalError, ValidationError } from '../../../src/domain/errors.ts';
import type { RolloutState } from '../../../src/domain/rollout-state.ts';
import { projectPath } from '../../../src/project-root.ts';
import { dispatchStep } from '../../../src/steps/index.ts';
import { createFakes, FAKE_INFRA, testConfig } from '../../support/fake-ports.ts';
import { placement } from './fixtures.ts';

const RELEASE = { version: '2.0.0', image: 'public.ecr.aws/example/app:2.0.0' };
const ROLLOUT = 'rollout-advanced-1';

/** Fakes with `n` ACTIVE advanced tenants (a0, a1, …) on the initial release, and one basic tenant. */
const fleet = (n: number) => {
  const fakes = createFakes();
  for (let i = 0; i < n; i += 1)
    fakes.tenants.seed({ tenantId: `a${i}`, lifecycleStatus: 'ACTIVE', placement: placement('advanced') });
  fakes.tenants.seed({ tenantId: 'b0', lifecycleStatus: 'ACTIVE', placement: placement('basic') });
  return fakes;
};

const step = async (fakes: ReturnType<typeof createFakes>, name: string, state: unknown) =>
  (await dispatchStep(
    { step: name as 'RunWave', machine: 'rollout', execution: ROLLOUT, state },
    fakes.deps,
  )) as RolloutState;

const plan = (fakes: ReturnType<typeof createFakes>, input: Record<string, unknown> = {}) =>
  step(fakes, 'PlanRollout', {
    tier: 'advanced',
    release: RELEASE,
    waves: '1,100%',
    bakeSeconds: 0,
    concurrency: 2,
    ...input,
  });

describe('PlanRollout', () => {
  it('plans the waves from the tier’s records, each first-wave tenant with the release it runs', async () => {
    // Prepare
    const fakes = fleet(3);

    // Act
    const state = await plan(fakes);

    // Assess: the pooled tenant is reported, the canary first; the initial release is the stack's image.
    expect(state.report.waves.map((wave) => wave.tenants)).toEqual([['a0'], ['a1', 'a2']]);
    expect(state.report.notUpdated).toEqual([]);
    expect(state.progress).toMatchObject({ phase: 'running', wave: 0, retrying: false });
    expect(state.progress.tenants).toEqual([
      {
        tenantId: 'a0',
        state: 'pending',
        before: { version: 'initial', image: FAKE_INFRA.tenantImage, cpu: '256', memory: '512' },
      },
    ]);
    expect(fakes.starter.started).toEqual([]);
  });

  it('names the field of a bad request (a FatalError: the machine goes straight to its report)', async () => {
    // Prepare
    const fakes = fleet(1);

    // Act
    const attempts = [
      plan(fakes, { tier: 'gold' }),
      plan(fakes, { concurrency: 500 }),
      plan(fakes, { release: { version: '2', image: 'bad image' } }),
      plan(fakes, { waves: '0' }),
      plan(fakes, { colour: 'blue' }),
    ];

    // Assess
    const errors = await Promise.all(attempts.map((attempt) => attempt.catch((error: unknown) => error)));
    expect(errors.every((error) => error instanceof ValidationError && error instanceof FatalError)).toBe(
      true,
    );
    expect(errors.map((error) => (error as ValidationError).field)).toEqual([
      'tier',
      'concurrency',
      'release.image',
      'waves',
      'colour',
    ]);
  });
});

describe('RunWave', () => {
  it('starts at most `concurrency` updates, named after the rollout, the wave and the tenant', async () => {
    // Prepare
    const fakes = fleet(5);
    const planned = await plan(fakes, { waves: '100%' });

    // Act
    const first = await step(fakes, 'RunWave', planned);

    // Assess
    expect(fakes.starter.started.map((s) => [s.machine, (s.input as { tenantId: string }).tenantId])).toEqual(
      [
        ['update', 'a0'],
        ['update', 'a1'],
      ],
    );
    expect(fakes.starter.started[0]?.input).toEqual({
      operation: 'update',
      tenantId: 'a0',
      release: RELEASE,
    });
    expect(fakes.starter.started[0]?.name).toMatch(/^update-a0-[0-9a-f]{8}$/);
    expect(first.progress.tenants.map((t) => t.state)).toEqual([
      'running',
      'running',
      'pending',
      'pending',
      'pending',
    ]);
    expect(first.progress.settled).toBe(false);
  });

  it('run again on the same state (a crashed invocation), starts the same executions, nothing new', async () => {
    // Prepare
    const fakes = fleet(3);
    const planned = await plan(fakes, { waves: '100%' });
    await step(fakes, 'RunWave', structuredClone(planned));

    // Act
    await step(fakes, 'RunWave', structuredClone(planned));

    // Assess: the same two names, each started once (Step Functions answers a known name with its execution).
    expect(fakes.starter.callsOf('start').map(([, name]) => name)).toHaveLength(4);
    expect(new Set(fakes.starter.started.map((s) => s.name)).size).toBe(2);
    expect(fakes.starter.started).toHaveLength(2);
  });

  it('reads the ends: a success is updated, a failure carries its failed step; the gate fails', async () => {
    // Prepare
    const fakes = fleet(2);
    let state = await step(fakes, 'RunWave', await plan(fakes, { waves: '100%' }));
    const [a0, a1] = fakes.starter.started;
    fakes.starter.finish(a0?.name ?? '');
    fakes.starter.finish(a1?.name ?? '', { status: 'FAILED', error: 'TenantLifecycleFailed' });
    fakes.tenants.seed({
      tenantId: 'a1',
      lifecycleStatus: 'ACTIVE',
      placement: placement('advanced'),
      lastError: {
        operation: 'update',
        step: 'WaitForDeployment',
        reason: 'WaitForDeployment: circuit breaker',
        at: 'x',
      },
      history: [
        {
          operation: 'update',
          execution: a1?.name ?? '',
          step: 'AbandonUpdate',
          outcome: 'compensated',
          at: 'x',
        },
      ],
    });

    // Act
    state = await step(fakes, 'RunWave', state);

    // Assess
    expect(state.progress.tenants.map((t) => [t.tenantId, t.state, t.reason])).toEqual([
      ['a0', 'updated', undefined],
      ['a1', 'failed', 'WaitForDeployment: circuit breaker'],
    ]);
    expect({ settled: state.progress.settled, passed: state.progress.passed }).toEqual({
      settled: true,
      passed: false,
    });
    expect(state.report.waves[0]?.failed).toEqual([
      { tenantId: 'a1', reason: 'WaitForDeployment: circuit breaker' },
    ]);
  });

  it('passes over a tenant another execution holds, for the retry at the end', async () => {
    // Prepare
    const fakes = fleet(1);
    const planned = await plan(fakes);
    fakes.tenants.seed({
      tenantId: 'a0',
      lifecycleStatus: 'DEACTIVATING',
      placement: placement('advanced'),
      lock: { execution: 'deactivation-1', operation: 'deactivate', since: 'x' },
    });

    // Act
    const state = await step(fakes, 'RunWave', planned);

    // Assess
    expect(fakes.starter.started).toEqual([]);
    expect(state.progress.deferred).toEqual(['a0']);
    expect(state.progress.tenants[0]).toMatchObject({
      state: 'skipped',
      reason: 'held by deactivation-1 (deactivate)',
    });
    expect({ settled: state.progress.settled, passed: state.progress.passed }).toEqual({
      settled: true,
      passed: true,
    });
  });
});

describe('BakeWave and RollBackWave', () => {
  it('bakes for the polls the bake takes, then sets up the next wave', async () => {
    // Prepare: a 40 s bake is two polls of 20 s.
    const fakes = fleet(2);
    let state = await step(fakes, 'RunWave', await plan(fakes, { bakeSeconds: 40 }));
    fakes.starter.finish(fakes.starter.started[0]?.name ?? '');
    state = await step(fakes, 'RunWave', state);

    // Act
    const phases: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      state = await step(fakes, 'BakeWave', state);
      phases.push(state.progress.phase);
    }

    // Assess
    expect(phases).toEqual(['baking', 'baking', 'running']);
    expect(state.progress.wave).toBe(1);
    expect(state.progress.tenants.map((t) => t.tenantId)).toEqual(['a1']);
    expect(state.report.updated).toBe(1);
  });

  it('rolls a failed wave back: the updated tenants go back to the release each ran before', async () => {
    // Prepare
    const fakes = fleet(2);
    let state = await step(fakes, 'RunWave', await plan(fakes, { waves: '100%' }));
    const [a0, a1] = fakes.starter.started;
    fakes.starter.finish(a0?.name ?? '');
    fakes.starter.finish(a1?.name ?? '', { status: 'FAILED' });
    state = await step(fakes, 'RunWave', state);

    // Act
    state = await step(fakes, 'RollBackWave', state);
    const back = fakes.starter.started[2];
    fakes.starter.finish(back?.name ?? '');
    state = await step(fakes, 'RollBackWave', state);

    // Assess
    expect(back?.input).toEqual({
      operation: 'update',
      tenantId: 'a0',
      release: { version: 'initial', image: FAKE_INFRA.tenantImage, cpu: '256', memory: '512' },
    });
    expect(back?.name).not.toBe(a0?.name);
    expect(state.report).toMatchObject({ status: 'halted', updated: 0, rolledBack: 1 });
    expect(state.report.reason).toMatch(
      /^wave 1 of 1: 1 of 2 tenants failed \(a1: update failed\); the wave was rolled back$/,
    );
    expect(state.progress).toMatchObject({ phase: 'done', settled: true });
  });
});

describe('ReportRollout', () => {
  it('sends the summary once, also for an input that never was a rollout request', async () => {
    // Prepare
    const fakes = fleet(0);
    const failed = {
      tier: 'gold',
      // As Step Functions records a Lambda's error: its Cause is the runtime's JSON report.
      failure: {
        step: 'PlanRollout',
        error: {
          Error: 'ValidationError',
          Cause: JSON.stringify({ errorType: 'ValidationError', errorMessage: 'tier: no' }),
        },
      },
    };

    // Act
    const first = await step(fakes, 'ReportRollout', failed);
    await step(fakes, 'ReportRollout', failed);

    // Assess
    expect(fakes.events.published).toEqual([
      expect.objectContaining({
        detailType: 'tenantflow_rolloutSummary',
        detail: expect.objectContaining({
          tier: 'gold',
          status: 'halted',
          reason: 'PlanRollout: ValidationError: tier: no',
        }),
      }),
    ]);
    expect((first as unknown as { report: { status: string } }).report.status).toBe('halted');
  });

  it('refuses a saga step on the rollout machine and a rollout step on a saga', async () => {
    // Prepare
    const fakes = fleet(0);

    // Act
    const wrong = [
      dispatchStep({ step: 'CreateService', machine: 'rollout', execution: 'x', state: {} }, fakes.deps),
      dispatchStep({ step: 'RunWave', machine: 'update', execution: 'x', state: {} }, fakes.deps),
    ];

    // Assess
    for (const attempt of wrong) await expect(attempt).rejects.toThrow(FatalError);
  });
});

describe('a second rollout of the same release', () => {
  it('finds a tenant put on the release meanwhile and starts nothing for it', async () => {
    // Prepare: planned while the tenant ran the initial release; a first rollout has moved it since.
    const fakes = fleet(1);
    const planned = await plan(fakes);
    fakes.tenants.seed({
      tenantId: 'a0',
      lifecycleStatus: 'ACTIVE',
      placement: placement('advanced'),
      release: RELEASE,
    });

    // Act
    const state = await step(fakes, 'RunWave', planned);

    // Assess
    expect(fakes.starter.started).toEqual([]);
    expect(state.progress.tenants[0]).toMatchObject({ state: 'updated', reason: 'on the release already' });
  });
});

describe('the alarm gate', () => {
  it('refuses a request naming an alarm CloudWatch does not have', async () => {
    // Prepare
    const fakes = fleet(1);

    // Act
    const attempt = plan(fakes, { alarm: 'advanced-5xx' }).catch((error: unknown) => error);

    // Assess
    expect(await attempt).toMatchObject({ name: 'ValidationError', field: 'alarm' });
    expect(fakes.starter.started).toEqual([]);
  });

  it("watches the tier catalogue's alarm when the request names none, and names the catalogue when it is missing", async () => {
    // Prepare
    const catalogue = JSON.parse(readFileSync(projectPath('infra', 'tier-catalogue.json'), 'utf8'));
    catalogue.tiers.advanced.rolloutAlarm = 'advanced-5xx';
    const config = testConfig({ TIER_CATALOGUE: JSON.stringify(catalogue) });
    const [missing, present] = [createFakes({ config }), createFakes({ config })];
    for (const fakes of [missing, present])
      fakes.tenants.seed({ tenantId: 'a0', lifecycleStatus: 'ACTIVE', placement: placement('advanced') });
    present.alarms.alarms.set('advanced-5xx', 'OK');
    present.alarms.alarms.set('own-alarm', 'OK');

    // Act
    const refused = await plan(missing).catch((error: unknown) => error);
    const fromCatalogue = await plan(present);
    const fromRequest = await plan(present, { alarm: 'own-alarm' });

    // Assess
    expect(refused).toMatchObject({
      name: 'ValidationError',
      field: 'tiers.advanced.rolloutAlarm (the tier catalogue)',
    });
    expect(fromCatalogue.request.alarm).toBe('advanced-5xx');
    expect(fromRequest.request.alarm).toBe('own-alarm');
  });

  it('watches the alarm through the bake: in ALARM, the wave is rolled back and the rollout halts', async () => {
    // Prepare: a canary that took the release, a bake of two polls.
    const fakes = fleet(2);
    fakes.alarms.alarms.set('advanced-5xx', 'OK');
    let state = await step(fakes, 'RunWave', await plan(fakes, { bakeSeconds: 40, alarm: 'advanced-5xx' }));
    fakes.starter.finish(fakes.starter.started[0]?.name ?? '');
    state = await step(fakes, 'RunWave', state);
    state = await step(fakes, 'BakeWave', state);
    const before = state.progress.phase;

    // Act
    fakes.alarms.alarms.set('advanced-5xx', 'ALARM');
    state = await step(fakes, 'BakeWave', state);
    const flagged = state.progress.alarm;
    state = await step(fakes, 'RollBackWave', state);
    fakes.starter.finish(fakes.starter.started[1]?.name ?? '');
    state = await step(fakes, 'RollBackWave', state);

    // Assess
    expect(before).toBe('baking');
    expect(flagged).toBe('alarm advanced-5xx went into ALARM');
    expect(fakes.starter.started[1]?.input).toMatchObject({
      tenantId: 'a0',
      release: { version: 'initial' },
    });
    expect(state.report).toMatchObject({ status: 'halted', updated: 0, rolledBack: 1 });
    expect(state.report.reason).toBe(
      'wave 1 of 2: alarm advanced-5xx went into ALARM after it; the wave was rolled back',
    );
    expect(fakes.alarms.callsOf('state')).toHaveLength(3);
  });
});
