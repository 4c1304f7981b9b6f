import type { OutboundEvent } from '../../events/contract.ts';

export type { OutboundEvent } from '../../events/contract.ts';

/** EventBridge, as tenantflow needs it. Throws `RetryableError` when the entry was not accepted. */
export interface EventPublisher {
  publish(event: OutboundEvent): Promise<void>;
}
