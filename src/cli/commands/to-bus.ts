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
  options: { json?: boolean } = {},
): Promise<{ exitCode: number; summary: ToBusSummary }> => {
  const summary: ToBusSummary = { accepted: 0, failed: 0 };
  /** One line per event: text, or with --json an object (`outcome` accepted, failed or not-sent). */
  const report = (
    index: number,
    outcome: 'accepted' | 'failed' | 'not-sent',
    text: string,
    fields: { busEventId?: string; error?: string },
  ) => {
    if (!options.json) {
      io.out(text);
      return;
    }
    const parsed = envelopeSchema.safeParse(events[index]);
    io.out(
      JSON.stringify({
        index,
        ...(parsed.success
          ? { detailType: parsed.data['detail-type'], ...(parsed.data.id ? { eventId: parsed.data.id } : {}) }
          : {}),
        bus: busName,
        outcome,
        ...fields,
      }),
    );
  };
  const ready: Array<{ index: number; entry: PutEventsRequestEntry }> = [];
  events.forEach((event, index) => {
    const parsed = envelopeSchema.safeParse(event);
    if (!parsed.success) {
      summary.failed += 1;
      const why = 'not an EventBridge event (needs source, detail-type, detail)';
      report(index, 'not-sent', `not sent  ${label(event, index)}: ${why}`, { error: why });
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
          report(
            item.index,
            'accepted',
            `accepted  ${label(events[item.index], item.index)} → ${entry.EventId}`,
            {
              busEventId: entry.EventId,
            },
          );
        } else {
          summary.failed += 1;
          const why = entry?.ErrorCode
            ? `${entry.ErrorCode}: ${entry.ErrorMessage ?? ''}`.trim()
            : 'no event id returned';
          report(item.index, 'failed', `failed    ${label(events[item.index], item.index)}: ${why}`, {
            error: why,
          });
        }
      });
    } catch (error) {
      summary.failed += batch.length;
      const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      for (const item of batch)
        report(item.index, 'failed', `failed    ${label(events[item.index], item.index)}: ${why}`, {
          error: why,
        });
    }
  }
  io.err(`bus ${busName}: ${summary.accepted} accepted, ${summary.failed} failed`);
  return { exitCode: summary.failed > 0 ? EXIT.failed : EXIT.ok, summary };
};
