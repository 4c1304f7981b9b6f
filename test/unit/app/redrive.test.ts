import { describe, expect, it } from 'vitest';
import { originalEvent, redrive } from '../../../src/app/redrive.ts';
import type { DeadLetter, DeadLetterQueue, FunctionInvoker } from '../../../src/ports/dead-letters.ts';

/** An SQS queue in memory: received letters are hidden for the time asked; deleted ones are gone. */
class FakeQueue implements DeadLetterQueue {
  readonly letters: DeadLetter[];
  readonly hidden = new Set<string>();
  readonly receives: Array<{ max: number; hideSeconds: number }> = [];
  constructor(bodies: string[]) {
    this.letters = bodies.map((body, i) => ({ id: `m-${i + 1}`, receipt: `r-${i + 1}`, body }));
  }
  async receive(max: number, hideSeconds: number) {
    this.receives.push({ max, hideSeconds });
    const visible = this.letters.filter((l) => !this.hidden.has(l.id)).slice(0, Math.min(max, 10));
    if (hideSeconds > 0) for (const l of visible) this.hidden.add(l.id);
    return visible.map((l) => ({ ...l }));
  }
  async delete(receipt: string) {
    const index = this.letters.findIndex((l) => l.receipt === receipt);
    if (index >= 0) this.letters.splice(index, 1);
  }
}

class FakeInvoker implements FunctionInvoker {
  readonly payloads: unknown[] = [];
  async invokeAsync(payload: unknown) {
    this.payloads.push(payload);
  }
}

const event = (id: string) => ({
  id,
  'detail-type': 'sbt_aws_onboardingRequest',
  source: 'sbt.control.plane',
  detail: {},
});
/** What Lambda's on-failure destination writes for a failed asynchronous invocation. */
const failedInvocation = (payload: unknown) =>
  JSON.stringify({
    version: '1.0',
    timestamp: '2026-11-28T08:00:00.000Z',
    requestContext: {
      requestId: 'x',
      functionArn: 'arn:aws:lambda:us-east-1:1:function:f:$LATEST',
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    },
    requestPayload: payload,
    responseContext: { statusCode: 200, functionError: 'Unhandled' },
    responsePayload: { errorType: 'Error' },
  });

describe('originalEvent', () => {
  it('reads an EventBridge dead letter as the event, and a Lambda failure record as its payload', () => {
    expect(originalEvent(JSON.stringify(event('e-1')))).toEqual({
      event: event('e-1'),
      what: 'sbt_aws_onboardingRequest e-1',
    });
    expect(originalEvent(failedInvocation(event('e-2')))).toEqual({
      event: event('e-2'),
      what: 'sbt_aws_onboardingRequest e-2 (failed invocation)',
    });
    expect(originalEvent('{ nope')).toEqual({ error: 'not JSON' });
  });
});

describe('redrive', () => {
  it('hands every event back to the function, then deletes its letter; keeps what it cannot read', async () => {
    // Prepare
    const bodies = [
      ...Array.from({ length: 12 }, (_, i) => JSON.stringify(event(`e-${i}`))),
      failedInvocation(event('e-from-lambda')),
      'not json',
    ];
    const queue = new FakeQueue(bodies);
    const invoker = new FakeInvoker();

    // Act
    const items = await redrive({ queue, invoker, dryRun: false, max: 100 });

    // Assess
    expect(invoker.payloads).toEqual([
      ...Array.from({ length: 12 }, (_, i) => event(`e-${i}`)),
      event('e-from-lambda'),
    ]);
    expect(items.filter((i) => i.outcome === 'redriven')).toHaveLength(13);
    expect(items.filter((i) => i.outcome === 'kept')).toEqual([
      { id: 'm-14', outcome: 'kept', what: 'unreadable', reason: 'not JSON' },
    ]);
    expect(queue.letters.map((l) => l.body)).toEqual(['not json']);
    expect(queue.receives.every((r) => r.hideSeconds === 60)).toBe(true);
  });

  it('with --dry-run, only looks: nothing invoked, deleted or hidden', async () => {
    // Prepare
    const queue = new FakeQueue([JSON.stringify(event('e-1')), JSON.stringify(event('e-2'))]);
    const invoker = new FakeInvoker();

    // Act
    const items = await redrive({ queue, invoker, dryRun: true, max: 100 });

    // Assess
    expect(items.map((i) => i.outcome)).toEqual(['seen', 'seen']);
    expect(invoker.payloads).toEqual([]);
    expect(queue.letters).toHaveLength(2);
    expect(queue.receives).toEqual([{ max: 10, hideSeconds: 0 }]);
  });

  it('stops after --max letters', async () => {
    const queue = new FakeQueue(Array.from({ length: 5 }, (_, i) => JSON.stringify(event(`e-${i}`))));
    const items = await redrive({ queue, invoker: new FakeInvoker(), dryRun: false, max: 3 });
    expect(items).toHaveLength(3);
    expect(queue.letters).toHaveLength(2);
  });
});
