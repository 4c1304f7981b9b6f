import {
  EventBridgeClient,
  type EventBridgeClientConfig,
  PutEventsCommand,
} from '@aws-sdk/client-eventbridge';
import { RetryableError } from '../../domain/errors.ts';
import type { EventPublisher, OutboundEvent } from '../../ports/event-publisher.ts';
import { type ClientOptions, resolveClient } from './client-options.ts';
import { translateAwsError } from './errors.ts';

/** Options of {@link EventBridgePublisher}: the client (or its config) and the bus SBT listens on. */
export type EventBridgePublisherOptions = ClientOptions<EventBridgeClient, EventBridgeClientConfig> & {
  eventBusName: string;
};

/** {@link EventPublisher} on Amazon EventBridge: one `PutEvents` entry per event. */
export class EventBridgePublisher implements EventPublisher {
  readonly #client: EventBridgeClient;
  readonly #eventBusName: string;

  constructor(options: EventBridgePublisherOptions) {
    this.#client = resolveClient(
      'EventBridgePublisher',
      options,
      (config) => new EventBridgeClient(config ?? {}),
    );
    this.#eventBusName = options.eventBusName;
  }

  async publish(event: OutboundEvent): Promise<void> {
    const context = `EventBridge PutEvents ${event.detailType} on ${this.#eventBusName}`;
    let failedCount = 0;
    let entry: { ErrorCode?: string | undefined; ErrorMessage?: string | undefined } | undefined;
    try {
      const out = await this.#client.send(
        new PutEventsCommand({
          Entries: [
            {
              Source: event.source,
              DetailType: event.detailType,
              Detail: JSON.stringify(event.detail),
              EventBusName: this.#eventBusName,
            },
          ],
        }),
      );
      failedCount = out.FailedEntryCount ?? 0;
      entry = out.Entries?.[0];
    } catch (error) {
      throw translateAwsError(error, context);
    }
    // PutEvents answers 200 even when it rejected the entry: the failure is in the body.
    if (failedCount > 0) {
      throw new RetryableError(
        `${context}: entry not accepted (${entry?.ErrorCode ?? 'unknown error'}: ${entry?.ErrorMessage ?? 'no message'})`,
      );
    }
  }
}
