/**
 * The shard machine's state (the JSON document its ASL calls `$`): what it was asked, the shard it
 * reserved and what it made of it so far. Each step reads it whole and returns the next one
 * (src/steps/shard.ts). Pure.
 */
import { z } from 'zod';

/** What starts the shard machine (its execution input; the console's `{}` is enough). */
export const shardRequestSchema = z
  .object({
    /**
     * Add a shard even when the shards are not filled to the growth threshold (an operator's
     * `tenantflow shards add`); otherwise the machine only adds one while they still are.
     */
    force: z.boolean().optional(),
    /** Why it was started, for the log (an onboarding's execution, or an operator). */
    reason: z.string().max(500).optional(),
  })
  .strict();
export type ShardRequest = z.infer<typeof shardRequestSchema>;

const caught = z.object({ Error: z.string(), Cause: z.string().optional() }).loose();

export const shardStateSchema = z.object({
  request: shardRequestSchema,
  /**
   * `adding`: the shard below is being made; `not-needed`: nothing to add (the shards have room, the
   * limit is reached, or another execution is adding one); `added`: the shard takes tenants.
   */
  outcome: z.enum(['adding', 'not-needed', 'added']),
  /** Why nothing is added (with `not-needed`). */
  note: z.string().optional(),
  shard: z
    .object({
      index: z.number().int().min(0),
      name: z.string().min(1),
    })
    .optional(),
  loadBalancer: z.object({ arn: z.string().min(1), dnsName: z.string().min(1) }).optional(),
  /** Whether the load balancer is active (WaitForLoadBalancer), and how often it was looked at. */
  ready: z.boolean().optional(),
  looks: z.number().int().min(0).optional(),
  listener: z.object({ arn: z.string().min(1) }).optional(),
  /** Set by an undo step that found the shard ACTIVE in the registry: nothing is undone. */
  committed: z.boolean().optional(),
  failure: z.object({ step: z.string(), error: caught }).optional(),
  compensationErrors: z.record(z.string(), caught).optional(),
});
export type ShardState = z.infer<typeof shardStateSchema>;
