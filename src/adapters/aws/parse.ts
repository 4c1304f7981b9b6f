import type { z } from 'zod';
import { FatalError } from '../../domain/errors.ts';

/**
 * Parses an SDK result (or a DynamoDB item) with `schema`. A shape the adapter cannot rely on
 * (a missing ARN, an unknown status) is a `FatalError` naming `context` and the offending fields.
 */
export const parseResult = <Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  context: string,
): z.output<Schema> => {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
  throw new FatalError(`${context}: unexpected response (${issues})`, { cause: result.error });
};

/** Drops `undefined` values (recursively) so the DynamoDB marshaller never sees one. */
export const withoutUndefined = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(withoutUndefined);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, field]) => field !== undefined)
      .map(([key, field]) => [key, withoutUndefined(field)]),
  );
};
