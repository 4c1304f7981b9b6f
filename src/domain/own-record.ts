/**
 * A record schema for untrusted input whose keys are names anyone may choose (tier names, event
 * fields, environment variables, companions). The schema library's own record refuses an object
 * that has a key named `constructor` (its plain-object test reads that key) and drops a key named
 * `__proto__` without a word; this one checks every own key like any other, against the key schema
 * (which refuses it naming the path, or lets it through as an ordinary name), and defines each as an
 * own property of the result (a `__proto__` key never becomes a prototype). Look names up with
 * `Object.hasOwn` first: `toString` is not a tier.
 */
import { z } from 'zod';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The value schema of each record made here, for the JSON Schema of the CLI's output. */
const PARTS = new WeakMap<object, { key: z.ZodType; value: z.ZodType }>();

export const ownRecord = <K extends z.ZodType<string>, V extends z.ZodType>(key: K, value: V) => {
  const schema = z.unknown().transform((input, ctx): Record<z.output<K>, z.output<V>> => {
    const result: Record<string, z.output<V>> = {};
    if (!isObject(input)) {
      ctx.addIssue({ code: 'custom', message: 'expected an object' });
      return z.NEVER;
    }
    for (const name of Object.keys(input)) {
      const parsedKey = key.safeParse(name);
      if (!parsedKey.success) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: parsedKey.error.issues[0]?.message ?? 'is not an allowed name',
        });
        continue;
      }
      const parsedValue = value.safeParse(input[name]);
      if (!parsedValue.success) {
        for (const issue of parsedValue.error.issues)
          ctx.addIssue({ code: 'custom', path: [name, ...issue.path], message: issue.message });
        continue;
      }
      Object.defineProperty(result, parsedKey.data, {
        value: parsedValue.data,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return result;
  });
  PARTS.set(schema, { key, value });
  return schema;
};

/**
 * `override` of `z.toJSONSchema` (with `unrepresentable: 'any'`): an `ownRecord` is described as the
 * object of its values it is.
 */
export const describeOwnRecords = (ctx: { zodSchema: object; jsonSchema: Record<string, unknown> }): void => {
  const parts = PARTS.get(ctx.zodSchema);
  if (!parts) return;
  ctx.jsonSchema.type = 'object';
  ctx.jsonSchema.propertyNames = nested(parts.key);
  ctx.jsonSchema.additionalProperties = nested(parts.value);
};

const nested = (schema: z.ZodType): Record<string, unknown> => {
  const { $schema: _dialect, ...rest } = jsonSchemaOf(schema);
  return rest;
};

/** The JSON Schema of `schema`, `ownRecord`s described as objects. */
export const jsonSchemaOf = (schema: z.ZodType): Record<string, unknown> =>
  z.toJSONSchema(schema, { unrepresentable: 'any', override: describeOwnRecords }) as Record<string, unknown>;
