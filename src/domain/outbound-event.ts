/** An event for the control plane (or an operator's bus), before it is put on the bus. */
export interface OutboundEvent {
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
}
