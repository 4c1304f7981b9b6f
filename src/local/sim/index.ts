/** The simulated AWS cloud: ECS, ELBv2, CloudFormation and EventBridge answered in-process. */

export type { PublishedEvent, SimCall, SimCallRecord, SimOptions, SimulatableClient } from './cloud.ts';
export { SimulatedCloud } from './cloud.ts';
export type { InventoryItem } from './inventory.ts';

export type { SimService } from './throttle.ts';
