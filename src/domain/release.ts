/**
 * A release: what a tenant's own service runs (its container image and, optionally, new task sizes and
 * extra environment). An update request carries one; the record keeps the version and image a tenant
 * runs now. A tenant whose record names no release runs what onboarding gave it: the shared stack's
 * image at the catalogue's sizes ({@link INITIAL_RELEASE}). Pure: parsing and checking only.
 */
import { z } from 'zod';
import { isFargateSize, type OwnServicePlacement, ownsService, type Placement } from './catalogue.ts';
import { ValidationError } from './errors.ts';
import { ownRecord } from './own-record.ts';

/** The version a record implies when it names none: the release onboarding registered. */
export const INITIAL_RELEASE = 'initial';

/** Environment names a release may not set: the task definition sets these for each tenant. */
export const RESERVED_ENVIRONMENT = ['TENANT_ID', 'TENANT_TIER'] as const;

/** Release versions appear in history lines and tags: short and plain. */
const VERSION = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;

/** An image reference: `repository[:tag][@digest]`, no spaces, at most ECS's 255 characters. */
const IMAGE = /^[a-z0-9][a-z0-9._/:@-]{0,254}$/i;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;

/** A companion's name, as the catalogue allows it. */
const COMPANION_NAME = /^[a-z][a-z0-9-]{0,19}$/;
const COMPANION_NAME_RULE = 'names a companion of the tier (1-20 of a-z, 0-9, "-", starting with a letter)';

const environmentSchema = ownRecord(
  z.string().regex(ENV_NAME, 'environment names are letters, digits and "_"'),
  z.string().max(4096),
);

/** What a release ships to one of the tenant's companions (a service besides the exposed one). */
const companionReleaseSchema = z.strictObject({
  image: z.string().regex(IMAGE, 'must be an image reference (repository[:tag][@digest]), no spaces'),
  environment: environmentSchema.optional(),
});

export const releaseSchema = z
  .strictObject({
    version: z.string().regex(VERSION, 'must be 1-64 letters, digits, ".", "_", "+" or "-"'),
    image: z.string().regex(IMAGE, 'must be an image reference (repository[:tag][@digest]), no spaces'),
    cpu: z.string().optional(),
    memory: z.string().optional(),
    environment: environmentSchema.optional(),
    /**
     * The image (and environment) of each companion it changes, by the companion's name; one it does
     * not name keeps what it runs. The top-level image is the exposed service's.
     */
    services: ownRecord(
      z.string().regex(COMPANION_NAME, COMPANION_NAME_RULE),
      companionReleaseSchema,
    ).optional(),
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
    const environments: Array<[Array<string>, Record<string, string> | undefined]> = [
      [['environment'], release.environment],
      ...Object.entries(release.services ?? {}).map(
        ([service, shipped]): [string[], Record<string, string> | undefined] => [
          ['services', service, 'environment'],
          shipped.environment,
        ],
      ),
    ];
    for (const [path, environment] of environments)
      for (const name of RESERVED_ENVIRONMENT) {
        if (environment && Object.hasOwn(environment, name)) {
          ctx.addIssue({
            code: 'custom',
            path: [...path, name],
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
  environment: ownRecord(z.string(), z.string()).optional(),
  services: ownRecord(
    z.string(),
    z.object({ image: z.string(), environment: ownRecord(z.string(), z.string()).optional() }),
  ).optional(),
});

/**
 * Reads a release from untrusted input. Throws a `ValidationError` whose field is `<field>.<path>`
 * of the first problem, e.g. `detail.release.memory`.
 */
export const parseRelease = (raw: unknown, field: string): Release => {
  if (raw === undefined || raw === null) {
    throw new ValidationError(
      field,
      'is required: { version, image[, cpu, memory, environment, services: { <companion>: { image } }] }',
    );
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

/**
 * The release a tenant takes from an update: `release`, its companions' images added to those of the
 * release it ran (`previous`): a companion the update does not name keeps what it runs.
 */
export const carriedForward = (release: Release, previous: TenantRelease | undefined): Release => {
  const services = { ...previous?.services, ...release.services };
  return Object.keys(services).length > 0 ? { ...release, services } : release;
};
