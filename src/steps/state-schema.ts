import { z } from 'zod';
import { savedRequestSchema } from '../../events/schemas.ts';
import { placementSchema } from '../domain/catalogue.ts';
import { ownRecord } from '../domain/own-record.ts';
import { tenantReleaseSchema } from '../domain/release.ts';
import { tenantResourcesSchema } from '../domain/resources.ts';

/** The request as the contract validated it (the same schema a restarted execution is re-read with). */
const requestSchema = savedRequestSchema;

const routingSchema = z.object({
  mode: z.enum(['pooled', 'silo']),
  clusterName: z.string(),
  serviceName: z.string(),
  targetGroupArn: z.string(),
  tenantHeader: z.string(),
  loadBalancerDns: z.string().optional(),
});

/** Step Functions' `{Error, Cause}`; `Cause` can be missing (timeouts), so it defaults to empty. */
const caughtSchema = z.object({ Error: z.string().default('Unknown'), Cause: z.string().default('') });

const failureSchema = z.object({ step: z.string(), error: caughtSchema });

const statusEventSchema = z.object({
  source: z.string(),
  detailType: z.string(),
  detail: ownRecord(z.string(), z.unknown()),
});

const waitSchema = z.object({ attempts: z.number().int().min(0), done: z.boolean(), detail: z.string() });

/** A saga state as a Task hands it over; keys this version does not know are kept as they are. */
export const sagaStateSchema = z.looseObject({
  request: requestSchema,
  execution: z.string(),
  placement: placementSchema.optional(),
  resources: tenantResourcesSchema,
  leftovers: z.object({ placement: placementSchema.optional(), resources: tenantResourcesSchema }).optional(),
  lockWait: z
    .object({ held: z.boolean(), attempts: z.number().int().min(0), holder: z.string().optional() })
    .optional(),
  health: z
    .object({ attempts: z.number().int().min(0), healthy: z.boolean(), detail: z.string() })
    .optional(),
  failure: failureSchema.optional(),
  compensationErrors: z.record(z.string(), caughtSchema).optional(),
  statusEvent: statusEventSchema.optional(),
  committed: z.boolean().optional(),
  migration: z
    .object({
      original: z.object({
        placement: placementSchema,
        resources: tenantResourcesSchema,
        routing: routingSchema.optional(),
      }),
      phase: z.enum(['building', 'removing']),
      target: z
        .object({
          placement: placementSchema,
          resources: tenantResourcesSchema,
          routing: routingSchema.optional(),
        })
        .optional(),
      drainSeconds: z.number().int().min(0).max(3600).optional(),
    })
    .optional(),
  release: tenantReleaseSchema.optional(),
  update: z
    .object({
      previous: z.object({
        taskDefinitionArn: z.string(),
        release: tenantReleaseSchema.optional(),
        active: z.boolean(),
        companions: z.record(z.string(), z.string()).optional(),
      }),
      revisionArn: z.string().optional(),
      companionRevisions: z.record(z.string(), z.string()).optional(),
      deployment: waitSchema.optional(),
      rollback: waitSchema.optional(),
    })
    .optional(),
});

/**
 * The failure path's input when ValidateRequest failed: whatever the execution got, plus `failure`.
 * A malformed `failure` or `statusEvent` is dropped rather than failing the failure path itself.
 */
export const unvalidatedStateSchema = z.looseObject({
  failure: failureSchema.optional().catch(undefined),
  statusEvent: statusEventSchema.optional().catch(undefined),
});
