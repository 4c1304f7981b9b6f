import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../src/config.ts';
import { type DeployedRunDeps, runOnDeployed } from '../../../../src/local/runtime/deployed-run.ts';
import { FakeEventPublisher, FakeStatusLedger, FakeWorkflowStarter } from '../../../support/fake-ports.ts';
import { lifecycleEvent, newTenant } from '../../../support/reliability/world.ts';

/** A request run on a deployed stage: started as the ingress starts it, then followed to its end. */

const HINT = 'follow it with: tenantflow executions --target aws --stage prod';

const world = (sleeps: { count: number; onSleep?: () => void } = { count: 0 }) => {
  const starter = new FakeWorkflowStarter();
  const events = new FakeEventPublisher();
  const deps: DeployedRunDeps = {
    config: loadConfig({ SBT_EVENT_BUS: 'sbt-bus', TENANT_TABLE: 'tenantflow-prod-tenants' }),
    starter,
    lookup: starter,
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
    expect(unfollowed).toMatchObject({
      outcome: 'started',
      error: `running on the deployed stage, not followed (--no-wait); ${HINT}`,
    });
    expect(detached).toMatchObject({
      outcome: 'started',
      error: `still running on the deployed stage, no longer followed; ${HINT}`,
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
});
