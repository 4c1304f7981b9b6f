/**
 * Reads a CloudFormation YAML template as the JSON CloudFormation sees: the short-form tags (`!Ref`,
 * `!Sub`, …) become the long form (`{ Ref: … }`, `{ 'Fn::Sub': … }`). Used by the simulated cloud
 * (which builds the shared stack from infra/shared.yaml) and by the template tests.
 */
import { readFileSync } from 'node:fs';
import { parse, type Tags } from 'yaml';
import { z } from 'zod';
import { projectPath } from '../src/project-root.ts';

const INTRINSICS = [
  'And',
  'Base64',
  'Cidr',
  'Equals',
  'FindInMap',
  'GetAZs',
  'If',
  'ImportValue',
  'Join',
  'Not',
  'Or',
  'Select',
  'Split',
  'Sub',
];

const cloudFormationTags: Tags = [
  { tag: '!Ref', resolve: (value: string) => ({ Ref: value }) },
  { tag: '!Condition', resolve: (value: string) => ({ Condition: value }) },
  { tag: '!GetAtt', resolve: (value: string) => ({ 'Fn::GetAtt': value.split('.') }) },
  { tag: '!GetAtt', collection: 'seq', resolve: (value) => ({ 'Fn::GetAtt': value.toJSON() }) },
  ...INTRINSICS.flatMap((name) => [
    { tag: `!${name}`, resolve: (value: string) => ({ [`Fn::${name}`]: value }) },
    {
      tag: `!${name}`,
      collection: 'seq' as const,
      resolve: (value: { toJSON(): unknown }) => ({ [`Fn::${name}`]: value.toJSON() }),
    },
  ]),
];

const resourceSchema = z.object({
  Type: z.string(),
  Condition: z.string().optional(),
  Properties: z.record(z.string(), z.unknown()).default({}),
});

/** The parts of a template this project reads. */
export const templateSchema = z.object({
  Parameters: z.record(z.string(), z.looseObject({ Type: z.string(), Default: z.unknown().optional() })),
  Conditions: z.record(z.string(), z.unknown()).default({}),
  Resources: z.record(z.string(), resourceSchema),
  Outputs: z.record(
    z.string(),
    z.looseObject({ Value: z.unknown(), Export: z.object({ Name: z.unknown() }).optional() }),
  ),
});
export type Template = z.infer<typeof templateSchema>;

/** Where the shared infrastructure's template lives. */
export const SHARED_TEMPLATE_PATH = projectPath('infra', 'shared.yaml');

/**
 * infra/shared.yaml already parsed, when the compiled CLI's build put it in (scripts/build-cli.mjs
 * `define`s it; the launcher runs the sources instead once shared.yaml is newer than the build).
 * Parsing the YAML costs a cold process about 0.1 s.
 */
declare const TENANTFLOW_SHARED_TEMPLATE: unknown;

/** Parses the YAML template at `path` (default: infra/shared.yaml). */
export const readTemplate = (path: string = SHARED_TEMPLATE_PATH): Template => {
  if (path === SHARED_TEMPLATE_PATH && typeof TENANTFLOW_SHARED_TEMPLATE !== 'undefined')
    return templateSchema.parse(TENANTFLOW_SHARED_TEMPLATE);
  return templateSchema.parse(parse(readFileSync(path, 'utf8'), { customTags: cloudFormationTags }));
};
