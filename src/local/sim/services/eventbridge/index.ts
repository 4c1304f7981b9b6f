import { EventBridgeClient, EventBridgeServiceException } from '@aws-sdk/client-eventbridge';
import { definePlugin } from '../../plugin.ts';
import { putEvents } from './events.ts';

/** The buses: every event put is kept, in order, for the tests and the CLI to read. */
export const EVENTBRIDGE = definePlugin({
  name: 'eventbridge',
  client: EventBridgeClient,
  exception: EventBridgeServiceException,
  throttlingName: 'ThrottlingException',
  handlers: { PutEvents: putEvents },
});
