/** The domain: types, names and rules, free of I/O. */
export * from './errors.ts';
export * from './naming.ts';
export type * from './request.ts';
export { OPERATIONS } from './request.ts';
export type * from './resources.ts';
export * from './schemas.ts';
export * from './tenant-record.ts';
export * from './tier.ts';
