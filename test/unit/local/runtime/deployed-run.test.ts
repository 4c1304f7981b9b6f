import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../src/config.ts';
import {
  type DeployedRunDeps,
  followByName,
  followExecution,
  runOnDeployed,
} from '../../../../src/local/runtime/deployed-run.ts';
import { FakeEventPublisher, FakeStatusLedger, FakeWorkflowStarter } from '../../../support/fake-ports.ts';
import { lifecycleEvent, newTenant } from '../../../support/reliability/world.ts';

/** A request run on a deployed stage: started as the ingress starts it, then followed to its end. */

const HINT = (execution: string) => `follow it again with: tenantflow follow ${execution} --target aws`;

const world = (sleeps: { count: number; onSleep?: () => void } = { count: 0 }) => {
  const starter = new FakeWorkflowStarter();
  const events = new FakeEventPublisher();
  const deps: DeployedRunDeps = {
    config: loadConfig({ SBT_EVENT_BUS: 'sbt-bus', TENANT_TABLE: 'tenantflow-prod-tenants' }),
    starter,
    lookup: starter,
    history: starter,
    events,
    ledger: new FakeStatusLedger(),
    now: () => new Date('2026-12-07T10:00:00Z'),
    sleep: async () => {
      sleeps.count += 1;
      sleeps.onSleep?.();
    },
    pollMs: 2000,
  };
  return { starter, events, deps };
};

describe('runOnDeployed', () => {
  it('starts the request on its machine under the ingress’s execution name, and follows it to success', async () => {
    // Prepare
    const sleeps = { count: 0, onSleep: () => {} };
    const { starter, deps } = world(sleeps);
    sleeps.onSleep = () => {
      if (sleeps.count === 3) for (const s of starter.started) starter.finish(s.name);
    };
    const event = lifecycleEvent('onboard', newTenant('advanced'));

    // Act
    const result = await runOnDeployed(event, deps, { wait: true, followHint: HINT });

    // Assess
    expect(starter.started.map((s) => [s.machine, s.input])).toEqual([['onboarding', event]]);
    expect(result).toMatchObject({
      outcome: 'succeeded',
      execution: starter.started[0]?.name,
      statusEvent: null,
    });
    expect(sleeps.count).toBe(3);
  });

  it('says how a failed execution ended', async () => {
    // Prepare
    const { starter, deps } = world();
    deps.sleep = async () => {
      for (const s of starter.started)
        starter.finish(s.name, {
          status: 'FAILED',
          error: 'TenantLifecycleFailed',
          cause: 'CreateService: quota',
        });
    };

    // Act
    const result = await runOnDeployed(lifecycleEvent('onboard', newTenant('advanced')), deps, {
      wait: true,
      followHint: HINT,
    });

    // Assess
    expect(result).toMatchObject({
      outcome: 'failed',
      error: 'FAILED: TenantLifecycleFailed: CreateService: quota',
    });
  });

  it('returns at once with --no-wait, and detaches when told to stop following, naming how to follow again', async () => {
    // Prepare
    const { starter, deps } = world();
    const controller = new AbortController();
    deps.sleep = async () => controller.abort();

    // Act
    const unfollowed = await runOnDeployed(lifecycleEvent('onboard', newTenant('advanced')), deps, {
      wait: false,
      followHint: HINT,
    });
    const detached = await runOnDeployed(lifecycleEvent('onboard', newTenant('premium')), deps, {
      wait: true,
      signal: controller.signal,
      followHint: HINT,
    });

    // Assess
    expect(unfollowed.execution).toBe(starter.started[0]?.name);
    expect(detached.execution).toBe(starter.started[1]?.name);
    expect(unfollowed).toMatchObject({
      outcome: 'started',
      error: `running on the deployed stage, not followed (--no-wait); ${HINT(unfollowed.execution ?? '')}`,
    });
    expect(detached).toMatchObject({
      outcome: 'started',
      error: `still running on the deployed stage, no longer followed; ${HINT(detached.execution ?? '')}`,
    });
    expect(starter.started.every((s) => s.running)).toBe(true);
  });

  it('answers an unusable request at once, as the ingress does, starting nothing', async () => {
    // Prepare
    const { starter, events, deps } = world();
    const event = lifecycleEvent('onboard', newTenant('advanced'));
    (event.detail as Record<string, unknown>).tier = 'no-such-tier';

    // Act
    const result = await runOnDeployed(event, deps, { wait: true, followHint: HINT });

    // Assess
    expect(result.outcome).toBe('rejected');
    expect(result.error).toContain('no-such-tier');
    expect(starter.started).toEqual([]);
    expect(events.published.map((e) => e.detailType)).toEqual([result.statusEvent?.['detail-type']]);
  });

  it('prints each step once as the history shows it ended, and takes the status event its steps sent', async () => {
    // Prepare
    const { starter, deps } = world();
    const event = lifecycleEvent('onboard', newTenant('advanced'));
    const at = (s: number) => Date.parse('2026-12-07T10:00:00Z') + s * 1000;
    const sent = {
      source: 'tenantflow',
      detailType: deps.config.contract.outbound.onboard.success,
      detail: { tenantRegistrationId: 'r-1', tenantId: 't-1' },
    };
    const polls: Array<() => void> = [
      () =>
        starter.histories.set(starter.started[0]?.name ?? '', [
          { id: 2, at: at(0), kind: 'entered', step: 'ReserveTenant' },
          { id: 4, at: at(1), kind: 'started' },
          { id: 5, at: at(2), kind: 'succeeded', output: { tenantId: 't-1' } },
        ]),
      () => {
        const name = starter.started[0]?.name ?? '';
        starter.histories
          .get(name)
          ?.push(
            { id: 7, at: at(3), kind: 'entered', step: 'CreateService' },
            { id: 9, at: at(3), kind: 'started' },
            { id: 10, at: at(4), kind: 'failed', error: 'RetryableError', cause: 'throttled' },
            { id: 12, at: at(6), kind: 'started' },
            { id: 13, at: at(7), kind: 'succeeded', output: { tenantId: 't-1' } },
            { id: 15, at: at(8), kind: 'entered', step: 'NotifyStatus' },
            { id: 17, at: at(8), kind: 'started' },
            { id: 18, at: at(9), kind: 'succeeded', output: { tenantId: 't-1', statusEvent: sent } },
          );
        starter.finish(name);
      },
    ];
    deps.sleep = async () => polls.shift()?.();
    const progress: Array<[string, boolean, number, string | undefined]> = [];

    // Act
    const result = await runOnDeployed(event, deps, {
      wait: true,
      followHint: HINT,
      onProgress: (p) => progress.push([p.step, p.ok, p.stepMs, p.error]),
    });

    // Assess
    expect(progress).toEqual([
      ['ReserveTenant', true, 1000, undefined],
      ['CreateService', false, 1000, 'RetryableError'],
      ['CreateService', true, 1000, undefined],
      ['NotifyStatus', true, 1000, undefined],
    ]);
    expect(result).toMatchObject({
      outcome: 'succeeded',
      statusEvent: {
        source: 'tenantflow',
        'detail-type': deps.config.contract.outbound.onboard.success,
        detail: sent.detail,
      },
    });
  });

  it('reads the failure reason from the failure event its steps sent, not the execution’s end', async () => {
    // Prepare
    const { starter, deps } = world();
    const reason = 'CreateService: the service quota of the cluster is reached';
    deps.sleep = async () => {
      const name = starter.started[0]?.name ?? '';
      starter.histories.set(name, [
        { id: 2, at: 0, kind: 'entered', step: 'NotifyFailure' },
        {
          id: 3,
          at: 5,
          kind: 'succeeded',
          output: {
            statusEvent: {
              source: 'tenantflow',
              detailType: deps.config.contract.outbound.onboard.failure,
              detail: { jobOutput: { tenantRegistrationData: { failureReason: reason } } },
            },
          },
        },
      ]);
      starter.finish(name, { status: 'FAILED', error: 'TenantLifecycleFailed' });
    };

    // Act
    const result = await runOnDeployed(lifecycleEvent('onboard', newTenant('advanced')), deps, {
      wait: true,
      followHint: HINT,
    });

    // Assess
    expect(result).toMatchObject({
      outcome: 'failed',
      error: reason,
      statusEvent: { 'detail-type': deps.config.contract.outbound.onboard.failure },
    });
  });

  it('does not read the history while running when nobody prints progress', async () => {
    // Prepare
    const sleeps = { count: 0, onSleep: () => {} };
    const { starter, deps } = world(sleeps);
    sleeps.onSleep = () => {
      if (sleeps.count === 2) for (const s of starter.started) starter.finish(s.name);
    };

    // Act
    await runOnDeployed(lifecycleEvent('onboard', newTenant('advanced')), deps, {
      wait: true,
      followHint: HINT,
    });

    // Assess
    expect(starter.callsOf('history')).toHaveLength(1);
  });
});

describe('followExecution', () => {
  it('passes on what each step returned, once, in order, and the end with its output (a rollout’s states)', async () => {
    // Prepare
    const { starter, deps } = world();
    await starter.start('rollout', 'rollout-advanced-1', { tier: 'advanced' });
    const outputs: unknown[] = [];
    const polls: Array<() => void> = [
      () =>
        starter.histories.set('rollout-advanced-1', [
          { id: 2, at: 0, kind: 'entered', step: 'PlanRollout' },
          { id: 3, at: 1, kind: 'succeeded', output: { wave: 0 } },
        ]),
      () => {
        starter.histories
          .get('rollout-advanced-1')
          ?.push(
            { id: 5, at: 2, kind: 'entered', step: 'StartWave' },
            { id: 6, at: 3, kind: 'failed', error: 'ThrottledError' },
            { id: 7, at: 4, kind: 'succeeded', output: { wave: 1 } },
          );
        starter.finish('rollout-advanced-1', {
          status: 'SUCCEEDED',
          output: { report: { status: 'completed' } },
        });
      },
    ];
    deps.sleep = async () => polls.shift()?.();

    // Act
    const followed = await followExecution('rollout', 'rollout-advanced-1', deps, {
      onOutput: (output) => {
        outputs.push(output);
      },
    });

    // Assess
    expect(outputs).toEqual([{ wave: 0 }, { wave: 1 }]);
    expect(followed?.end).toEqual({ status: 'SUCCEEDED', output: { report: { status: 'completed' } } });
    expect(starter.callsOf('describe')).toHaveLength(3);
  });

  it('takes what the last step returned as the output of an execution that failed (Step Functions gives none)', async () => {
    // Prepare: a rollout that halted, its ReportRollout state the last step's output.
    const { starter, deps } = world();
    await starter.start('rollout', 'rollout-premium-2', { tier: 'premium' });
    const report = { report: { status: 'halted', reason: 'wave 1 of 2: the canary failed' } };
    starter.histories.set('rollout-premium-2', [
      { id: 1, at: 0, kind: 'began' },
      { id: 3, at: 1, kind: 'entered', step: 'ReportRollout' },
      { id: 4, at: 2, kind: 'succeeded', output: report },
    ]);
    starter.finish('rollout-premium-2', { status: 'FAILED', error: 'RolloutHalted' });

    // Act
    const followed = await followExecution('rollout', 'rollout-premium-2', deps, {});

    // Assess
    expect(followed?.end).toEqual({ status: 'FAILED', error: 'RolloutHalted', output: report });
  });

  it('gives up on an execution that never appears, naming it', async () => {
    // Prepare
    const { deps } = world();

    // Act
    const followed = followExecution('update', 'update-nowhere-1', deps, {});

    // Assess
    await expect(followed).rejects.toThrow(
      'no execution update-nowhere-1 of the update machine after 30 looks',
    );
  });

  it('stops following when told to, leaving the execution running', async () => {
    // Prepare
    const { starter, deps } = world();
    await starter.start('shard', 'add-shard-1', { force: true });
    const controller = new AbortController();
    deps.sleep = async () => controller.abort();

    // Act
    const followed = await followExecution('shard', 'add-shard-1', deps, { signal: controller.signal });

    // Assess
    expect(followed).toBeUndefined();
    expect(starter.started[0]?.running).toBe(true);
  });
});

describe('followByName', () => {
  it('finds the execution on whichever machine has it and follows it to its end, with the status event sent', async () => {
    // Prepare
    const { starter, deps } = world();
    await starter.start('offboarding', 'offboard-t-1-abc', {});
    const sent = { source: 'tenantflow', detailType: 'offboardingSuccess', detail: { tenantId: 't-1' } };
    starter.histories.set('offboard-t-1-abc', [
      { id: 2, at: 0, kind: 'entered', step: 'NotifySuccess' },
      { id: 3, at: 4, kind: 'succeeded', output: { statusEvent: sent } },
    ]);
    deps.sleep = async () => starter.finish('offboard-t-1-abc');
    const steps: string[] = [];

    // Act
    const found = await followByName('offboard-t-1-abc', ['onboarding', 'offboarding', 'update'], deps, {
      onProgress: (p) => steps.push(p.step),
    });
    const missing = await followByName('no-such-execution', ['onboarding', 'offboarding'], deps, {});

    // Assess
    expect(found).toEqual({
      machine: 'offboarding',
      // Without an output of its own (the fake gives none), the last step's stands in.
      end: { status: 'SUCCEEDED', output: { statusEvent: sent } },
      statusEvent: { source: 'tenantflow', 'detail-type': 'offboardingSuccess', detail: { tenantId: 't-1' } },
    });
    expect(steps).toEqual(['NotifySuccess']);
    expect(starter.callsOf('describe').slice(0, 2)).toEqual([
      ['onboarding', 'offboard-t-1-abc'],
      ['offboarding', 'offboard-t-1-abc'],
    ]);
    expect(missing).toBeUndefined();
  });
});
