import { z } from 'zod';
import { slice } from '../../base-state.ts';

/* CloudWatch's part of the simulated state: alarms, only their name and state (what a rollout's gate reads). */

const alarm = z.object({
  name: z.string(),
  state: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']),
  reason: z.string(),
  updatedAt: z.number(),
});

export const CLOUDWATCH_SLICES = { alarms: slice('name', alarm) };

export type AlarmRecord = z.infer<typeof alarm>;
