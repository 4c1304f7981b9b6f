/** The domain: types, names and rules, free of I/O. */
export * from './catalogue.ts';
export * from './errors.ts';
export * from './naming.ts';
export * from './operations.ts';
export * from './reasons.ts';
export * from './request.ts';
export * from './resources.ts';
export * from './saga.ts';
export type * from './saga-state.ts';
export * from './schemas.ts';
export * from './tenant-config.ts';
export * from './tenant-record.ts';
