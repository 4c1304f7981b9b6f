import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { CloudWatchAlarms } from '../../../../src/adapters/aws/cloudwatch-alarms.ts';

const cloudwatch = mockClient(CloudWatchClient);
const alarms = new CloudWatchAlarms({ client: new CloudWatchClient({}) });

afterEach(() => {
  cloudwatch.reset();
});

describe('CloudWatchAlarms', () => {
  it('reads one alarm by name, metric or composite', async () => {
    // Prepare
    cloudwatch
      .on(DescribeAlarmsCommand)
      .resolvesOnce({ MetricAlarms: [{ AlarmName: 'a', StateValue: 'ALARM' }] })
      .resolvesOnce({ CompositeAlarms: [{ AlarmName: 'b', StateValue: 'OK' }] })
      .resolvesOnce({ MetricAlarms: [], CompositeAlarms: [] });

    // Act
    const states = [await alarms.state('a'), await alarms.state('b'), await alarms.state('c')];

    // Assess
    expect(states).toEqual(['ALARM', 'OK', undefined]);
    expect(cloudwatch).toHaveReceivedCommandWith(DescribeAlarmsCommand, {
      AlarmNames: ['a'],
      AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
    });
  });

  it('turns throttling into a ThrottledError and a denial into a fatal one', async () => {
    // Prepare
    cloudwatch
      .on(DescribeAlarmsCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: {} }))
      .rejectsOnce(
        Object.assign(new Error('not allowed'), { name: 'AccessDenied', $fault: 'client', $metadata: {} }),
      );

    // Act
    const errors = [
      await alarms.state('a').catch((error: unknown) => error),
      await alarms.state('a').catch((error: unknown) => error),
    ];

    // Assess
    expect(errors.map((error) => (error as Error).name)).toEqual(['ThrottledError', 'FatalError']);
  });
});
