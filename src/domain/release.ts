/**
 * A release: what a tenant's own service runs (its container image and, optionally, new task sizes and
 * extra environment). An update request carries one; the record keeps the version and image a tenant
 * runs now. A tenant whose record names no release runs what onboarding gave it: the shared stack's
 * image at the catalogue's sizes ({@link INITIAL_RELEASE}). Pure: parsing and checking only.
 */
import { z } from 'zod';
import { isFargateSize, type OwnServicePlacement, ownsService, type Placement } from './catalogue.ts';
import { ValidationError } from './errors.ts';

/** The version a record implies when it names none: the release onboarding registered. */
export const INITIAL_RELEASE = 'initial';

/** Environment names a release may not set: the task definition sets these for each tenant. */
export const RESERVED_ENVIRONMENT = ['TENANT_ID', 'TENANT_TIER'] as const;

/** Release versions appear in history lines and tags: short and plain. */
const VERSION = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;

/** An image reference: `repository[:tag][@digest]`, no spaces, at most ECS's 255 characters. */
const IMAGE = /^[a-z0-9][a-z0-9._/:@-]{0,254}$/i;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;

export const releaseSchema = z
  .strictObject({
    version: z.string().regex(VERSION, 'must be 1-64 letters, digits, ".", "_", "+" or "-"'),
    image: z.string().regex(IMAGE, 'must be an image reference (repository[:tag][@digest]), no spaces'),
    cpu: z.string().optional(),
    memory: z.string().optional(),
    environment: z
      .record(
        z.string().regex(ENV_NAME, 'environment names are letters, digits and "_"'),
        z.string().max(4096),
      )
      .optional(),
  })
  .superRefine((release, ctx) => {
    if ((release.cpu === undefined) !== (release.memory === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [release.cpu === undefined ? 'cpu' : 'memory'],
        message: 'cpu and memory change together',
      });
    } else if (release.cpu !== undefined && release.memory !== undefined) {
      if (!isFargateSize(release.cpu, release.memory)) {
        ctx.addIssue({
          code: 'custom',
          path: ['memory'],
          message: `${release.memory} MiB is not a Fargate size for cpu ${release.cpu}`,
        });
      }
    }
    for (const name of RESERVED_ENVIRONMENT) {
      if (release.environment && Object.hasOwn(release.environment, name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['environment', name],
          message: 'is set by tenantflow for each tenant',
        });
      }
    }
  });

export type Release = z.infer<typeof releaseSchema>;

/**
 * What the record keeps of the release a tenant runs: all of it, so that going back to it (a
 * rollout's rollback) registers the same task definition again.
 */
export type TenantRelease = Release;

/** The release as the record stores it (checked when written; read back as it is). */
export const tenantReleaseSchema = z.object({
  version: z.string(),
  image: z.string(),
  cpu: z.string().optional(),
  memory: z.string().optional(),
  environment: z.record(z.string(), z.string()).optional(),
});

/**
 * Reads a release from untrusted input. Throws a `ValidationError` whose field is `<field>.<path>`
 * of the first problem, e.g. `detail.release.memory`.
 */
export const parseRelease = (raw: unknown, field: string): Release => {
  if (raw === undefined || raw === null) {
    throw new ValidationError(field, 'is required: { version, image[, cpu, memory, environment] }');
  }
  const parsed = releaseSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.map(String) ?? [];
  throw new ValidationError([field, ...path].join('.'), issue?.message ?? 'is invalid');
};

/** The placement a release runs at: the release's sizes when it names them, else the placement's. */
export const sizedFor = (
  placement: OwnServicePlacement,
  release: Release | undefined,
): OwnServicePlacement =>
  release?.cpu !== undefined && release.memory !== undefined
    ? { ...placement, cpu: release.cpu, memory: release.memory }
    : placement;

/**
 * The release a tenant of `placement` runs when its record names none: onboarding's, the shared
 * stack's image (`tenantImage`) at the tier's sizes (a pooled tenant runs the tier's service).
 */
export const initialRelease = (placement: Placement, tenantImage: string): Release => ({
  version: INITIAL_RELEASE,
  image: tenantImage,
  ...(ownsService(placement) ? { cpu: placement.cpu, memory: placement.memory } : {}),
});

/** The release without its task sizes: what goes with a tenant to a placement of other sizes. */
export const withoutSizes = (release: Release): Release => {
  const { cpu: _cpu, memory: _memory, ...rest } = release;
  return rest;
};
