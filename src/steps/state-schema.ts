import { z } from 'zod';
import { placementSchema } from '../domain/catalogue.ts';
import { OPERATIONS } from '../domain/operations.ts';
import { tenantResourcesSchema } from '../domain/resources.ts';
import { SAFE_ID_PATTERN } from '../domain/schemas.ts';

/** Same rule as the event contract: ids reach resource names, so nothing else gets through. */
const safeId = z.string().regex(SAFE_ID_PATTERN, 'must be a safe identifier');

const requestSchema = z.object({
  operation: z.enum(OPERATIONS),
  tenantId: safeId,
  tenantRegistrationId: safeId.optional(),
  tenantName: z.string(),
  tier: z.string().optional(),
  eventId: z.string().optional(),
  attributes: z.record(z.string(), z.unknown()),
});

/** Step Functions' `{Error, Cause}`; `Cause` can be missing (timeouts), so it defaults to empty. */
const caughtSchema = z.object({ Error: z.string().default('Unknown'), Cause: z.string().default('') });

const failureSchema = z.object({ step: z.string(), error: caughtSchema });

const statusEventSchema = z.object({
  source: z.string(),
  detailType: z.string(),
  detail: z.record(z.string(), z.unknown()),
});

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
});

/**
 * The failure path's input when ValidateRequest failed: whatever the execution got, plus `failure`.
 * A malformed `failure` or `statusEvent` is dropped rather than failing the failure path itself.
 */
export const unvalidatedStateSchema = z.looseObject({
  failure: failureSchema.optional().catch(undefined),
  statusEvent: statusEventSchema.optional().catch(undefined),
});
