import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { sendToBus } from '../../../../src/cli/commands/to-bus.ts';

const eventBridge = mockClient(EventBridgeClient);

const event = (index: number) => ({
  version: '0',
  id: `id-${index}`,
  'detail-type': 'sbt_aws_onboardingRequest',
  source: 'sbt.control.plane',
  detail: { tenantId: `t${index}` },
});

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) }, out, err };
};

describe('sendToBus', () => {
  afterEach(() => {
    eventBridge.reset();
  });

  it('puts the events in batches of 10 on the named bus', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries?: unknown[] }) => ({
      FailedEntryCount: 0,
      Entries: (input.Entries ?? []).map((_, i) => ({ EventId: `e-${i}` })),
    }));
    const events = Array.from({ length: 12 }, (_, i) => event(i));
    const { io, out, err } = capture();

    // Act
    const result = await sendToBus(events, 'sbt-bus', io, new EventBridgeClient({ region: 'us-east-1' }));

    // Assess
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls.map((call) => call.args[0].input.Entries?.length)).toEqual([10, 2]);
    expect(calls[0]?.args[0].input.Entries?.[0]).toEqual({
      Source: 'sbt.control.plane',
      DetailType: 'sbt_aws_onboardingRequest',
      Detail: JSON.stringify({ tenantId: 't0' }),
      EventBusName: 'sbt-bus',
    });
    expect(result).toEqual({ exitCode: 0, summary: { accepted: 12, failed: 0 } });
    expect(out[0]).toBe('accepted  sbt_aws_onboardingRequest id-0 → e-0');
    expect(err).toEqual(['bus sbt-bus: 12 accepted, 0 failed']);
  });

  it('reports failed entries, failed calls and items that are not events, and exits 1', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolvesOnce({
      FailedEntryCount: 1,
      Entries: [{ EventId: 'e-0' }, { ErrorCode: 'InternalFailure', ErrorMessage: 'boom' }],
    });
    const { io, out } = capture();

    // Act
    const result = await sendToBus(
      [event(0), event(1), 'not an event'],
      'b',
      io,
      new EventBridgeClient({ region: 'us-east-1' }),
    );

    // Assess
    expect(result).toEqual({ exitCode: 1, summary: { accepted: 1, failed: 2 } });
    expect(out).toEqual([
      'not sent  #3: not an EventBridge event (needs source, detail-type, detail)',
      'accepted  sbt_aws_onboardingRequest id-0 → e-0',
      'failed    sbt_aws_onboardingRequest id-1: InternalFailure: boom',
    ]);
  });

  it('counts a whole batch as failed when the call itself fails', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).rejects(new Error('no credentials'));
    const { io, out } = capture();

    // Act
    const result = await sendToBus([event(0)], 'b', io, new EventBridgeClient({ region: 'us-east-1' }));

    // Assess
    expect(result.summary).toEqual({ accepted: 0, failed: 1 });
    expect(out).toEqual(['failed    sbt_aws_onboardingRequest id-0: Error: no credentials']);
  });

  it('prints one JSON object per event with --json', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ EventId: 'e-0' }, { ErrorCode: 'InternalFailure', ErrorMessage: 'boom' }],
    });
    const { io, out } = capture();

    // Act
    await sendToBus(
      [event(0), event(1), 'not an event'],
      'b',
      io,
      new EventBridgeClient({ region: 'us-east-1' }),
      {
        json: true,
      },
    );

    // Assess
    expect(out.map((line) => JSON.parse(line))).toEqual([
      {
        index: 2,
        bus: 'b',
        outcome: 'not-sent',
        error: 'not an EventBridge event (needs source, detail-type, detail)',
      },
      {
        index: 0,
        detailType: 'sbt_aws_onboardingRequest',
        eventId: 'id-0',
        bus: 'b',
        outcome: 'accepted',
        busEventId: 'e-0',
      },
      {
        index: 1,
        detailType: 'sbt_aws_onboardingRequest',
        eventId: 'id-1',
        bus: 'b',
        outcome: 'failed',
        error: 'InternalFailure: boom',
      },
    ]);
  });
});
