import { z } from 'zod';
import type { DeadLetter, DeadLetterQueue, FunctionInvoker } from '../ports/dead-letters.ts';

/** What became of one dead letter. */
export interface RedriveItem {
  id: string;
  /** `redriven`: handed to the function again and removed from the queue; `kept`: left where it is. */
  outcome: 'redriven' | 'kept' | 'seen';
  /** The event inside, when it could be read: its id and detail-type (EventBridge) or its kind. */
  what: string;
  reason?: string;
}

/** A Lambda on-failure destination record: the original event is its `requestPayload`. */
const destinationRecordSchema = z.object({
  requestContext: z.object({ functionArn: z.string() }).loose(),
  requestPayload: z.unknown(),
});
const eventSchema = z.object({ id: z.string(), 'detail-type': z.string() }).loose();

/**
 * The event a dead letter holds: EventBridge's dead-letter queue holds the event itself; Lambda's
 * on-failure destination wraps it (`requestPayload`) with why the invocation failed.
 */
export const originalEvent = (body: string): { event: unknown; what: string } | { error: string } => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { error: 'not JSON' };
  }
  const record = destinationRecordSchema.safeParse(parsed);
  const event = record.success ? record.data.requestPayload : parsed;
  const envelope = eventSchema.safeParse(event);
  const what = envelope.success ? `${envelope.data['detail-type']} ${envelope.data.id}` : 'event without id';
  return { event, what: record.success ? `${what} (failed invocation)` : what };
};

/** Seconds a message being redriven stays hidden from other receivers. */
const IN_FLIGHT_SECONDS = 60;

/**
 * Hands every dead letter's event to the function again (asynchronously, as EventBridge would),
 * deleting each one only after the function accepted it; an unreadable letter stays. With
 * `dryRun`, only looks (at most one batch, nothing hidden or changed).
 */
export const redrive = async (input: {
  queue: DeadLetterQueue;
  invoker: FunctionInvoker;
  dryRun: boolean;
  /** Stop after this many letters. */
  max: number;
  onItem?: (item: RedriveItem) => void;
}): Promise<RedriveItem[]> => {
  const items: RedriveItem[] = [];
  const note = (item: RedriveItem) => {
    items.push(item);
    input.onItem?.(item);
  };
  const seen = new Set<string>();
  while (items.length < input.max) {
    const letters: DeadLetter[] = await input.queue.receive(
      Math.min(10, input.max - items.length),
      input.dryRun ? 0 : IN_FLIGHT_SECONDS,
    );
    const fresh = letters.filter((letter) => !seen.has(letter.id));
    if (fresh.length === 0) break;
    for (const letter of fresh) {
      seen.add(letter.id);
      const read = originalEvent(letter.body);
      if ('error' in read) {
        note({ id: letter.id, outcome: 'kept', what: 'unreadable', reason: read.error });
        continue;
      }
      if (input.dryRun) {
        note({ id: letter.id, outcome: 'seen', what: read.what });
        continue;
      }
      await input.invoker.invokeAsync(read.event);
      await input.queue.delete(letter.receipt);
      note({ id: letter.id, outcome: 'redriven', what: read.what });
    }
    if (input.dryRun) break;
  }
  return items;
};
