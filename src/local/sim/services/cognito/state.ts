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
  /** The SES identity its mail goes out through (EmailSendingAccount DEVELOPER); absent: Cognito's own. */
  emailSource: z.string().optional(),
  /** The sender its mail shows, with `emailSource`. */
  emailFrom: z.string().optional(),
  /** Its hosted-UI prefix domain (unique in the Region). */
  domain: z.string().optional(),
  groups: z.array(z.object({ name: z.string(), description: z.string() })),
  users: z.array(
    z.object({
      username: z.string(),
      attributes: z.record(z.string(), z.string()),
      groups: z.array(z.string()),
      createdAt: z.number(),
      /** FORCE_CHANGE_PASSWORD until the user signs in with the temporary password and changes it. */
      status: z.enum(['FORCE_CHANGE_PASSWORD', 'CONFIRMED']).default('FORCE_CHANGE_PASSWORD'),
    }),
  ),
});

/** A message Cognito sent on its own (an invitation with a temporary password): kept after its pool is gone. */
const message = z.object({
  id: z.string(),
  userPoolId: z.string(),
  username: z.string(),
  email: z.string(),
  kind: z.literal('invitation'),
  at: z.number(),
  /** The SES identity it went out through; absent: Cognito's own mail. */
  via: z.string().optional(),
  from: z.string().optional(),
});

export const COGNITO_SLICES = { userPools: slice('id', userPool), messages: slice('id', message) };

export type UserPoolRecord = z.infer<typeof userPool>;
export type MessageRecord = z.infer<typeof message>;
