/** The simulated AWS cloud: the services of `registry.ts` answered in-process. */

export type { PublishedEvent, SimCall, SimCallRecord, SimOptions, SimulatableClient } from './cloud.ts';
export { SimulatedCloud } from './cloud.ts';
export type { InventoryItem } from './inventory.ts';
export type { SimService } from './registry.ts';
