import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * The step Lambda's ARN as the ASL compiler writes it into every Task. The committed definitions
 * stay account-free (and runnable by the local interpreter); the deployable swaps in the real one.
 */
export const STEP_FUNCTION_ARN_PLACEHOLDER = 'arn:aws:lambda:us-east-1:000000000000:function:tenantflow-step';

/** A JSON document, or a JSON document with CloudFormation intrinsics spliced into it. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** What we require of a definition read from disk before handing it to serverless-step-functions. */
const definitionSchema = z.looseObject({
  StartAt: z.string().min(1),
  States: z.record(z.string(), z.unknown()),
});

const jsonSchema: z.ZodType<Json> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(jsonSchema),
    z.record(z.string(), jsonSchema),
  ]),
);

/**
 * Returns a copy of `value` in which every string equal to `placeholder` is replaced by
 * `replacement` (typically `{ 'Fn::GetAtt': ['StepLambdaFunction', 'Arn'] }`). Pure: `value` is not
 * touched. Matches whole strings only, so an ARN that merely contains the placeholder is kept.
 */
export const replaceStepResource = (
  value: Json,
  replacement: Json,
  placeholder = STEP_FUNCTION_ARN_PLACEHOLDER,
): Json => {
  if (value === placeholder) return replacement;
  if (Array.isArray(value)) return value.map((item) => replaceStepResource(item, replacement, placeholder));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, replaceStepResource(item, replacement, placeholder)]),
    );
  }
  return value;
};

/** Counts the strings equal to `placeholder` in `value`: zero means nothing would be replaced. */
export const countPlaceholders = (value: Json, placeholder = STEP_FUNCTION_ARN_PLACEHOLDER): number => {
  if (value === placeholder) return 1;
  if (Array.isArray(value))
    return value.reduce<number>((sum, item) => sum + countPlaceholders(item, placeholder), 0);
  if (value !== null && typeof value === 'object') {
    return Object.values(value).reduce<number>((sum, item) => sum + countPlaceholders(item, placeholder), 0);
  }
  return 0;
};

/**
 * Parses an ASL document and points its Tasks at `replacement`. Throws an Error naming `source` when
 * the text is not a state machine definition or references the step Lambda nowhere (a definition that
 * never calls the step dispatcher is a generator bug, not something to deploy).
 */
export const parseDefinition = (text: string, replacement: Json, source: string): { [key: string]: Json } => {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const shape = definitionSchema.safeParse(raw);
  if (!shape.success) throw new Error(`${source}: not a state machine definition (${shape.error.message})`);
  const json = jsonSchema.parse(raw);
  if (countPlaceholders(json) === 0) {
    throw new Error(`${source}: no Task uses the step placeholder ${STEP_FUNCTION_ARN_PLACEHOLDER}`);
  }
  const replaced = replaceStepResource(json, replacement);
  if (replaced === null || typeof replaced !== 'object' || Array.isArray(replaced)) {
    throw new Error(`${source}: definition is not an object`);
  }
  return replaced;
};

/**
 * Reads `<dir>/<id>.asl.json` (the compiler's committed output) for deployment. Throws an Error that
 * says how to produce the file when it is missing.
 */
export const loadDefinition = (dir: string, id: string, replacement: Json): { [key: string]: Json } => {
  const file = join(dir, `${id}.asl.json`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${file}: generate it first (npm run build:asl)`, { cause: error });
  }
  return parseDefinition(text, replacement, file);
};
