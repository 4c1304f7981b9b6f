/** A message waiting in a dead-letter queue. */
export interface DeadLetter {
  id: string;
  /** What deleting it takes (valid while it is in flight to this receiver). */
  receipt: string;
  body: string;
}

/**
 * A dead-letter queue (SQS): what EventBridge or Lambda gave up on. `receive` hides what it returns
 * for `hideSeconds` (0: a look that leaves everything visible).
 */
export interface DeadLetterQueue {
  receive(max: number, hideSeconds: number): Promise<DeadLetter[]>;
  delete(receipt: string): Promise<void>;
}

/** A Lambda function, invoked the way EventBridge invokes it (asynchronously). */
export interface FunctionInvoker {
  invokeAsync(payload: unknown): Promise<void>;
}
