/** An event for the control plane, before it is put on the bus. */
export interface OutboundEvent {
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
}

/** EventBridge, as tenantflow needs it. Throws `RetryableError` when the entry was not accepted. */
export interface EventPublisher {
  publish(event: OutboundEvent): Promise<void>;
}
