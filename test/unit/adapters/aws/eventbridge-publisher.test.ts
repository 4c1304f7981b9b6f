import { EventBridgeClient, InternalException, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBridgePublisher } from '../../../../src/adapters/aws/eventbridge-publisher.ts';

const eventbridge = mockClient(EventBridgeClient);
const publisher = new EventBridgePublisher({ client: new EventBridgeClient({}), eventBusName: 'sbt-bus' });
const event = {
  source: 'sbt.application.plane',
  detailType: 'sbt_aws_provisionSuccess',
  detail: { tenantRegistrationId: 'reg-1', jobOutput: { tenantData: {}, tenantRegistrationData: {} } },
};

afterEach(() => {
  eventbridge.reset();
});

describe('EventBridgePublisher', () => {
  it('puts one entry on the configured bus', async () => {
    // Prepare
    eventbridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });

    // Act
    await publisher.publish(event);

    // Assess
    expect(eventbridge).toHaveReceivedCommandExactlyOnceWith(PutEventsCommand, {
      Entries: [
        {
          Source: 'sbt.application.plane',
          DetailType: 'sbt_aws_provisionSuccess',
          Detail:
            '{"tenantRegistrationId":"reg-1","jobOutput":{"tenantData":{},"tenantRegistrationData":{}}}',
          EventBusName: 'sbt-bus',
        },
      ],
    });
  });

  it('raises RetryableError naming the code when the entry was not accepted', async () => {
    // Prepare
    eventbridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }],
    });

    // Act
    const result = publisher.publish(event);

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'RetryableError',
      message:
        'EventBridge PutEvents sbt_aws_provisionSuccess on sbt-bus: entry not accepted (InternalFailure: try again)',
    });
  });

  it('maps a failed call', async () => {
    // Prepare
    eventbridge.on(PutEventsCommand).rejects(new InternalException({ message: 'x', $metadata: {} }));

    // Act
    const result = publisher.publish(event);

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'RetryableError',
      message: expect.stringContaining('InternalException'),
    });
  });
});
