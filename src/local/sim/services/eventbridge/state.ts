import { z } from 'zod';
import { slice } from '../../base-state.ts';

/* EventBridge's part of the simulated state: every event put on a bus, in order. */

const event = z.object({
  id: z.string(),
  source: z.string(),
  detailType: z.string(),
  detail: z.unknown(),
  eventBusName: z.string(),
  time: z.string(),
  resources: z.array(z.string()),
});

export const EVENTBRIDGE_SLICES = { events: slice('id', event) };

export type EventRecord = z.infer<typeof event>;
