import { z } from 'zod';

/*
 * What every service's part of the simulated state is made of: tags, and the one list a service
 * keeps per kind of resource (a slice), each item found by a key of its own.
 */

export const simTagSchema = z.object({ key: z.string(), value: z.string() });
export type SimTag = z.infer<typeof simTagSchema>;

/**
 * A list of the state: its items' schema and the field that names an item (what the write log
 * puts and deletes by).
 */
export interface Slice<T extends z.ZodType = z.ZodType> {
  readonly key: string;
  readonly item: T;
}

/** A slice keyed by `key`, a field of its item. */
export const slice = <T extends z.ZodObject>(key: keyof z.output<T> & string, item: T): Slice<T> => ({
  key,
  item,
});

/** The lists a set of slices gives the state. */
export type SlicesState<L extends Record<string, Slice>> = { [K in keyof L]: Array<z.output<L[K]['item']>> };

/** The shared network the seeded stack stands in (not a service's resource: no calls change it). */
export const networkSchema = z.object({
  vpcId: z.string(),
  subnetIds: z.array(z.string()),
  securityGroupId: z.string(),
});
