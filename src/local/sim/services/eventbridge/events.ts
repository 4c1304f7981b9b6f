import {
  EventBridgeServiceException,
  type PutEventsCommandOutput,
  type PutEventsResultEntry,
} from '@aws-sdk/client-eventbridge';
import { z } from 'zod';
import { errorMetadata, nextUuid, type SimContext } from '../../context.ts';
import type { Out } from '../../plugin.ts';

const input = z.object({
  Entries: z.array(
    z.object({
      Source: z.string().optional(),
      DetailType: z.string().optional(),
      Detail: z.string().optional(),
      EventBusName: z.string().optional(),
      Time: z.date().optional(),
      Resources: z.array(z.string()).optional(),
    }),
  ),
});

const parseDetail = (detail: string): unknown => {
  try {
    const value: unknown = JSON.parse(detail);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
};

/** Records every valid entry as published; an entry EventBridge would refuse fails on its own. */
export const putEvents = (ctx: SimContext, raw: unknown): Out<PutEventsCommandOutput> => {
  const parsed = input.safeParse(raw);
  if (!parsed.success || parsed.data.Entries.length < 1 || parsed.data.Entries.length > 10) {
    throw new EventBridgeServiceException({
      name: 'ValidationException',
      $fault: 'client',
      $metadata: errorMetadata(),
      message: 'Entries must hold between 1 and 10 events',
    });
  }
  const results: PutEventsResultEntry[] = parsed.data.Entries.map((entry) => {
    if (!entry.Source || !entry.DetailType || entry.Detail === undefined) {
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter(s) Source, DetailType and Detail are required.',
      };
    }
    const detail = parseDetail(entry.Detail);
    if (detail === undefined) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    const id = nextUuid(ctx);
    ctx.write.add('events', {
      id,
      source: entry.Source,
      detailType: entry.DetailType,
      detail,
      eventBusName: entry.EventBusName ?? 'default',
      time: (entry.Time ?? new Date(ctx.now)).toISOString(),
      resources: entry.Resources ?? [],
    });
    return { EventId: id };
  });
  return { FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results };
};
