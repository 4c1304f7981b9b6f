import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { DRIFT_KIND_NAMES, type ReconcileReport } from '../../../src/app/reconcile.ts';
import type { MachineId } from '../../../src/domain/saga.ts';
import { makeIngressHandler } from '../../../src/handlers/make-ingress.ts';
import { makeReconcileHandler } from '../../../src/handlers/make-reconcile.ts';
import { makeStepHandler } from '../../../src/handlers/make-step.ts';
import { makeWatcherHandler } from '../../../src/handlers/make-watcher.ts';
import type { Observability } from '../../../src/handlers/observability.ts';
import { createFakes, FAKE_NOW, GROUP_HEALTH, testConfig } from '../../support/fake-ports.ts';

const sample = (path: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../events/${path}`, import.meta.url), 'utf8'));

const context: Context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'tenantflow-test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:tenantflow-test',
  memoryLimitInMB: '256',
  awsRequestId: 'req-1',
  logGroupName: '/aws/lambda/tenantflow-test',
  logStreamName: 'test',
  getRemainingTimeInMillis: () => 30_000,
  done: () => {},
  fail: () => {},
  succeed: () => {},
};

/** Powertools that write nothing: metrics are observed through a spy on `addMetric`. */
const quiet = (): Observability & { added: string[]; keys: Array<Record<string, unknown>> } => {
  const logger = new Logger({ serviceName: 'tenantflow', logLevel: 'SILENT' });
  const metrics = new Metrics({ namespace: 'tenantflow', serviceName: 'tenantflow', logger });
  vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
  // A single metric publishes at once: keep those off the test's stdout too.
  vi.spyOn(metrics, 'singleMetric').mockImplementation(() => {
    const single = new Metrics({ namespace: 'tenantflow', serviceName: 'tenantflow', logger });
    vi.spyOn(single, 'publishStoredMetrics').mockImplementation(() => single);
    return single;
  });
  const added: string[] = [];
  vi.spyOn(metrics, 'addMetric').mockImplementation((name) => {
    added.push(name);
    return metrics;
  });
  const keys: Array<Record<string, unknown>> = [];
  vi.spyOn(logger, 'appendKeys').mockImplementation((attributes) => {
    keys.push(attributes);
  });
  return { logger, metrics, tracer: new Tracer({ serviceName: 'tenantflow', enabled: false }), added, keys };
};

describe('the step handler', () => {
  it('runs the step, tags the log lines with the lifecycle keys and counts the outcome', async () => {
    // Prepare
    const fakes = createFakes();
    const obs = quiet();
    const handler = makeStepHandler(fakes.deps, obs);
    const payload = {
      step: 'ValidateRequest',
      machine: 'onboarding',
      execution: 'onboard-x-1',
      state: sample('samples/onboarding-basic.json'),
    };

    // Act
    const next = await handler(payload, context);

    // Assess
    expect(next).toMatchObject({
      execution: 'onboard-x-1',
      request: { operation: 'onboard', tier: 'basic' },
    });
    expect(obs.keys).toContainEqual(
      expect.objectContaining({ execution: 'onboard-x-1', step: 'ValidateRequest' }),
    );
  });

  it("rethrows a step's error with its name intact: the name is what the ASL's Retry/Catch match", async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed({ tenantId: 'acme', lock: { execution: 'other', operation: 'offboard', since: 'x' } });
    const handler = makeStepHandler(fakes.deps, quiet());
    const state = {
      request: {
        operation: 'onboard',
        tenantId: 'acme',
        tenantRegistrationId: 'reg-1',
        tenantName: 'acme',
        tier: 'basic',
        attributes: {},
      },
      execution: 'onboard-x-1',
      placement: { tier: 'basic', cluster: 'shared', service: 'pooled' },
      resources: {},
    };

    // Act
    const run = handler(
      { step: 'ReserveTenant', machine: 'onboarding', execution: 'onboard-x-1', state },
      context,
    );

    // Assess
    await expect(run).rejects.toMatchObject({ name: 'TenantLockedError' });
  });

  it('rejects a payload naming no known step, naming the field', async () => {
    // Prepare
    const handler = makeStepHandler(createFakes().deps, quiet());

    // Act
    const run = handler({ step: 'DropTables', machine: 'onboarding', execution: 'e', state: {} }, context);

    // Assess
    await expect(run).rejects.toMatchObject({ name: 'ValidationError', field: 'step' });
  });

  it('counts a finished lifecycle per outcome', async () => {
    // Prepare
    const fakes = createFakes();
    const obs = quiet();
    const handler = makeStepHandler(fakes.deps, obs);
    const state = {
      request: {
        operation: 'offboard',
        tenantId: 'acme',
        tenantRegistrationId: 'reg-1',
        tenantName: 'acme',
        tier: 'basic',
        attributes: {},
      },
      execution: 'offboard-x-1',
      resources: {},
    };

    // Act
    await handler(
      { step: 'NotifySuccess', machine: 'offboarding', execution: 'offboard-x-1', state },
      context,
    );

    // Assess
    expect(obs.added).toEqual(['LifecycleSucceeded']);
    expect(fakes.events.published.map((e) => e.detailType)).toEqual(['sbt_aws_deprovisionSuccess']);
  });
});

describe('the ingress handler', () => {
  it('starts an execution, and counts a redelivery as a duplicate', async () => {
    // Prepare
    const fakes = createFakes();
    const obs = quiet();
    const started: string[] = [];
    const starter = {
      start: async (machine: MachineId, name: string) => {
        const outcome = started.includes(name) ? ('duplicate' as const) : ('started' as const);
        started.push(name);
        return { outcome, executionArn: `arn:aws:states:us-east-1:1:execution:${machine}:${name}` };
      },
    };
    const handler = makeIngressHandler(
      { config: testConfig(), starter, events: fakes.events, ledger: fakes.ledger, now: () => FAKE_NOW },
      obs,
    );
    const event = sample('samples/onboarding-advanced.json');

    // Act
    const first = await handler(event, context);
    const second = await handler(event, context);

    // Assess
    expect([first.outcome, second.outcome]).toEqual(['started', 'duplicate']);
    expect(obs.added).toEqual(['ExecutionStarted', 'EventDuplicate']);
  });
});

describe('the watcher handler', () => {
  it('reads the status change out of the EventBridge envelope', async () => {
    // Prepare
    const fakes = createFakes();
    const obs = quiet();
    const handler = makeWatcherHandler(
      {
        config: testConfig(),
        tenants: fakes.tenants,
        ledger: fakes.ledger,
        events: fakes.events,
        starter: fakes.starter,
        now: () => FAKE_NOW,
      },
      obs,
    );
    const envelope = {
      source: 'aws.states',
      'detail-type': 'Step Functions Execution Status Change',
      detail: {
        executionArn: 'arn:aws:states:us-east-1:1:execution:onboarding:onboard-x-1',
        stateMachineArn: 'arn:aws:states:us-east-1:1:stateMachine:onboarding',
        name: 'onboard-x-1',
        status: 'ABORTED',
        input: JSON.stringify(sample('samples/onboarding-basic.json')),
      },
    };

    // Act
    const result = await handler(envelope, context);

    // Assess
    expect(result.outcome).toBe('notified');
    expect(obs.added).toEqual(['DeadExecutionReported']);
    expect(fakes.events.published.map((e) => e.detailType)).toEqual(['sbt_aws_provisionFailure']);
  });
});

describe('step metric dimensions', () => {
  it('name the tier the tenant is placed in, not the one an event named', async () => {
    // Prepare
    const { dimensionsOf } = await import('../../../src/handlers/make-step.ts');

    // Act
    const placed = dimensionsOf({
      request: { operation: 'deactivate', tier: 'basic' },
      placement: { tier: 'premium' },
    });
    const onboarding = dimensionsOf({ request: { operation: 'onboard', tier: 'advanced' } });
    const raw = dimensionsOf({ detail: {} });

    // Assess
    expect([placed, onboarding, raw]).toEqual([
      { tier: 'premium', operation: 'deactivate' },
      { tier: 'advanced', operation: 'onboard' },
      { tier: 'unknown', operation: 'unknown' },
    ]);
  });
});

describe('the reconcile handler', () => {
  it('counts drift found and repaired per kind, one metric each with its kind', async () => {
    // Prepare: an orphan target group the tags find, for a tenant no record knows.
    const fakes = createFakes();
    const group = await fakes.elb.createTargetGroup({
      name: 'tf-ghost',
      vpcId: 'vpc-1',
      port: 80,
      health: GROUP_HEALTH,
      tags: [
        { key: 'tenantflow:managed-by', value: 'tenantflow' },
        { key: 'tenantflow:tenant-id', value: 'ghost' },
      ],
    });
    const discovery = {
      tagged: async () => [{ arn: group.arn, type: 'target-group' as const, tags: group.tags }],
    };
    const obs = quiet();
    const singles: Array<{ name: string; value: number; kind: unknown }> = [];
    vi.spyOn(obs.metrics, 'singleMetric').mockImplementation(() => {
      const single = new Metrics({ namespace: 'tenantflow', serviceName: 'tenantflow' });
      let kind: unknown;
      vi.spyOn(single, 'addDimension').mockImplementation((_name, value) => {
        kind = value;
        return single;
      });
      vi.spyOn(single, 'addMetric').mockImplementation((name, _unit, value) => {
        singles.push({ name, value, kind });
        return single;
      });
      return single;
    });
    const handler = makeReconcileHandler({ ...fakes.deps, discovery }, true, obs);

    // Act
    const report: ReconcileReport = await handler({}, context);

    // Assess
    expect(report.drifts.map((d) => [d.kind, d.repair])).toEqual([['orphan', 'repaired']]);
    expect(await fakes.elb.findTargetGroup('tf-ghost')).toBeUndefined();
    expect(singles).toContainEqual({ name: 'DriftFound', value: 1, kind: 'orphan' });
    expect(singles).toContainEqual({ name: 'DriftRepaired', value: 1, kind: 'orphan' });
    expect(singles).toContainEqual({ name: 'DriftFound', value: 0, kind: 'missing' });
    expect(singles).toHaveLength(2 * DRIFT_KIND_NAMES.length);
  });
});
