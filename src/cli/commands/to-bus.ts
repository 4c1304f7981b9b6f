import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { z } from 'zod';
import { type CliIo, EXIT } from '../io.ts';

/** EventBridge takes at most 10 entries per PutEvents call. */
export const PUT_EVENTS_BATCH = 10;

const envelopeSchema = z.object({
  source: z.string().min(1),
  'detail-type': z.string().min(1),
  detail: z.unknown(),
  id: z.string().optional(),
});

/** What became of the events sent to a real bus. */
export interface ToBusSummary {
  accepted: number;
  failed: number;
}

const label = (event: unknown, index: number): string => {
  const parsed = envelopeSchema.safeParse(event);
  return parsed.success
    ? `${parsed.data['detail-type']} ${parsed.data.id ?? `#${index + 1}`}`
    : `#${index + 1}`;
};

/**
 * Puts replayable events on a real EventBridge bus (credentials and region from the SDK's default
 * chain), 10 per call, and prints each entry's fate. Items that are not EventBridge events are not sent.
 */
export const sendToBus = async (
  events: readonly unknown[],
  busName: string,
  io: CliIo,
  client: EventBridgeClient = new EventBridgeClient({}),
): Promise<{ exitCode: number; summary: ToBusSummary }> => {
  const summary: ToBusSummary = { accepted: 0, failed: 0 };
  const ready: Array<{ index: number; entry: PutEventsRequestEntry }> = [];
  events.forEach((event, index) => {
    const parsed = envelopeSchema.safeParse(event);
    if (!parsed.success) {
      summary.failed += 1;
      io.out(
        `not sent  ${label(event, index)}: not an EventBridge event (needs source, detail-type, detail)`,
      );
      return;
    }
    const { source, detail } = parsed.data;
    ready.push({
      index,
      entry: {
        Source: source,
        DetailType: parsed.data['detail-type'],
        Detail: JSON.stringify(detail ?? {}),
        EventBusName: busName,
      },
    });
  });
  for (let start = 0; start < ready.length; start += PUT_EVENTS_BATCH) {
    const batch = ready.slice(start, start + PUT_EVENTS_BATCH);
    try {
      const result = await client.send(new PutEventsCommand({ Entries: batch.map((item) => item.entry) }));
      batch.forEach((item, position) => {
        const entry = result.Entries?.[position];
        if (entry?.EventId && !entry.ErrorCode) {
          summary.accepted += 1;
          io.out(`accepted  ${label(events[item.index], item.index)} → ${entry.EventId}`);
        } else {
          summary.failed += 1;
          const why = entry?.ErrorCode
            ? `${entry.ErrorCode}: ${entry.ErrorMessage ?? ''}`.trim()
            : 'no event id returned';
          io.out(`failed    ${label(events[item.index], item.index)}: ${why}`);
        }
      });
    } catch (error) {
      summary.failed += batch.length;
      const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      for (const item of batch) io.out(`failed    ${label(events[item.index], item.index)}: ${why}`);
    }
  }
  io.err(`bus ${busName}: ${summary.accepted} accepted, ${summary.failed} failed`);
  return { exitCode: summary.failed > 0 ? EXIT.failed : EXIT.ok, summary };
};
