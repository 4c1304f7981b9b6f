/** The ports: everything tenantflow asks of AWS, as interfaces. Adapters implement them. */
export type * from './alarms.ts';
export type * from './container-platform.ts';
export type * from './dead-letters.ts';
export type * from './deployed-stage.ts';
export type * from './event-publisher.ts';
export type * from './identity-provider.ts';
export type * from './load-balancer.ts';
export { type Log, SILENT_LOG } from './log.ts';
export type * from './shared-infrastructure.ts';
export type * from './table-store.ts';
export type * from './tenant-map.ts';
export type * from './workflow.ts';
