import type { OutboundEvent } from '../domain/outbound-event.ts';

export type { OutboundEvent } from '../domain/outbound-event.ts';

/** EventBridge, as tenantflow needs it. Throws `RetryableError` when the entry was not accepted. */
export interface EventPublisher {
  publish(event: OutboundEvent): Promise<void>;
}
