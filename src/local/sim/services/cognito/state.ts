import { z } from 'zod';
import { slice, simTagSchema as tag } from '../../base-state.ts';

/* Cognito's part of the simulated state: user pools, with their app clients, groups and users. */

const userPool = z.object({
  id: z.string(),
  name: z.string(),
  arn: z.string(),
  createdAt: z.number(),
  tags: z.array(tag),
  usernameAttributes: z.array(z.string()),
  /** Names of its custom attributes (without `custom:`). */
  customAttributes: z.array(z.string()),
  clients: z.array(z.object({ id: z.string(), name: z.string() })),
  groups: z.array(z.object({ name: z.string(), description: z.string() })),
  users: z.array(
    z.object({
      username: z.string(),
      attributes: z.record(z.string(), z.string()),
      groups: z.array(z.string()),
      createdAt: z.number(),
    }),
  ),
});

export const COGNITO_SLICES = { userPools: slice('id', userPool) };

export type UserPoolRecord = z.infer<typeof userPool>;
