import { z } from 'zod';
import { slice } from '../../base-state.ts';

/* CloudFormation's part of the simulated state: the stacks the seed made (no calls create one). */

const stack = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.number(),
  outputs: z.array(z.object({ key: z.string(), value: z.string() })),
});

export const CLOUDFORMATION_SLICES = { stacks: slice('id', stack) };

export type StackRecord = z.infer<typeof stack>;
