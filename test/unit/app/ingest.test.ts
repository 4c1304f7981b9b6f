import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ingestEvent } from '../../../src/app/ingest.ts';
import { createFakes, FAKE_NOW, FakeWorkflowStarter, testConfig } from '../../support/fake-ports.ts';

const sample = (path: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../events/${path}`, import.meta.url), 'utf8'));

const setup = () => {
  const fakes = createFakes();
  const starter = new FakeWorkflowStarter();
  const deps = {
    config: testConfig(),
    starter,
    events: fakes.events,
    ledger: fakes.ledger,
    now: () => FAKE_NOW,
  };
  return { ...fakes, starter, deps };
};

describe('ingestEvent', () => {
  it('starts the onboarding machine with the raw event under a deterministic execution name', async () => {
    // Prepare
    const { deps, starter, events } = setup();
    const event = sample('samples/onboarding-advanced.json');

    // Act
    const result = await ingestEvent(event, deps);

    // Assess
    expect(result.outcome).toBe('started');
    expect(starter.started).toHaveLength(1);
    expect(starter.started[0]?.machine).toBe('onboarding');
    expect(starter.started[0]?.input).toEqual(event);
    expect(starter.started[0]?.name).toMatch(/^onboard-[A-Za-z0-9_-]+-[0-9a-f]{8}$/);
    expect(events.published).toEqual([]);
  });

  it('routes each operation to its machine', async () => {
    // Prepare
    const { deps, starter } = setup();
    const files = ['offboarding-advanced', 'activate-advanced', 'deactivate-advanced'];

    // Act
    for (const file of files) await ingestEvent(sample(`samples/${file}.json`), deps);

    // Assess
    expect(starter.started.map((s) => s.machine)).toEqual(['offboarding', 'activation', 'activation']);
  });

  it('treats a redelivered event as a duplicate: one execution', async () => {
    // Prepare
    const { deps, starter } = setup();
    const event = sample('samples/onboarding-basic.json');

    // Act
    const first = await ingestEvent(event, deps);
    const second = await ingestEvent(structuredClone(event), deps);

    // Assess: StartExecution answered the redelivery like the first start (the execution still runs).
    expect(first.outcome).toBe('started');
    expect(second.outcome).toBe('duplicate');
    expect(second).toMatchObject({ execution: first.outcome === 'started' ? first.execution : '' });
    expect(starter.started).toHaveLength(1);
  });

  it('reports a redelivery after its execution ended as a duplicate too (ExecutionAlreadyExists)', async () => {
    // Prepare
    const { deps, starter } = setup();
    const event = sample('samples/onboarding-basic.json');
    await ingestEvent(event, deps);
    for (const started of starter.started) started.running = false;

    // Act
    const again = await ingestEvent(structuredClone(event), deps);

    // Assess
    expect(again.outcome).toBe('duplicate');
  });

  it('starts an activation change that names the tenant alone, under the tenant id', async () => {
    // Prepare
    const { deps, starter } = setup();
    const event = {
      id: 'evt-billing-1',
      source: 'sbt.control.plane',
      'detail-type': 'sbt_aws_deactivateRequest',
      detail: { tenantId: 'acme' },
    };

    // Act
    const result = await ingestEvent(event, deps);

    // Assess
    expect(result).toMatchObject({ outcome: 'started', machine: 'activation', tenantId: 'acme' });
    expect(starter.started[0]?.name).toMatch(/^deactivate-acme-[0-9a-f]{8}$/);
  });

  it('rejects an unknown tier naming the field and answers with one failure event, however often redelivered', async () => {
    // Prepare
    const { deps, starter, events } = setup();
    const event = sample('samples/edge/malformed-unknown-tier.json');

    // Act
    const first = await ingestEvent(event, deps);
    const again = await ingestEvent(structuredClone(event), deps);

    // Assess
    expect(first.outcome).toBe('rejected');
    expect(again.outcome).toBe('rejected');
    expect(first.outcome === 'rejected' && first.error.field).toBe('detail.tier');
    expect(starter.started).toEqual([]);
    expect(events.published).toHaveLength(1);
    expect(events.published[0]?.detailType).toBe('sbt_aws_provisionFailure');
    expect(events.published[0]?.detail).toMatchObject({
      jobOutput: { tenantRegistrationData: { registrationStatus: 'failed', failedStep: 'ValidateRequest' } },
    });
  });

  it('answers a malformed event delivered concurrently once: the other delivery is told to come back', async () => {
    // Prepare
    const { deps, events } = setup();
    const event = sample('samples/edge/malformed-unknown-tier.json');

    // Act
    const concurrent = await Promise.allSettled([
      ingestEvent(event, deps),
      ingestEvent(structuredClone(event), deps),
    ]);
    const redelivered = await ingestEvent(structuredClone(event), deps);

    // Assess
    expect(concurrent.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = concurrent.find((r) => r.status === 'rejected');
    expect(refused?.status === 'rejected' && refused.reason).toMatchObject({ name: 'RetryableError' });
    expect(redelivered.outcome).toBe('rejected');
    expect(events.published).toHaveLength(1);
  });

  it('rejects an event without a tenant id and, knowing no registration id, sends nothing', async () => {
    // Prepare
    const { deps, events } = setup();

    // Act
    const result = await ingestEvent(sample('samples/edge/malformed-no-tenant-id.json'), deps);

    // Assess
    expect(result.outcome).toBe('rejected');
    expect(result.outcome === 'rejected' && result.error.field).toBe('detail.tenantId');
    expect(events.published).toEqual([]);
  });

  it('gives the ledger claim back when the failure event cannot be sent, so a redelivery sends it', async () => {
    // Prepare
    const { deps, events, ledger } = setup();
    const event = sample('samples/edge/malformed-unknown-tier.json');
    events.failOnce('publish', new Error('EventBridge down'));

    // Act
    await expect(ingestEvent(event, deps)).rejects.toThrow('EventBridge down');
    await ingestEvent(event, deps);

    // Assess
    expect(ledger.callsOf('abandon')).toHaveLength(1);
    expect(events.published).toHaveLength(1);
  });
});
