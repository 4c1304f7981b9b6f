import {
  CloudWatchClient,
  type CloudWatchClientConfig,
  DescribeAlarmsCommand,
} from '@aws-sdk/client-cloudwatch';
import { z } from 'zod';
import { ALARM_STATES, type AlarmState, type AlarmWatch } from '../../ports/alarms.ts';
import { type ClientOptions, resolveClient } from './client-options.ts';
import { translateAwsError } from './errors.ts';
import { parseResult } from './parse.ts';

const alarmsSchema = z.object({
  MetricAlarms: z.array(z.object({ StateValue: z.enum(ALARM_STATES) })).default([]),
  CompositeAlarms: z.array(z.object({ StateValue: z.enum(ALARM_STATES) })).default([]),
});

/** {@link AlarmWatch} on CloudWatch: DescribeAlarms of one name, metric or composite. */
export class CloudWatchAlarms implements AlarmWatch {
  readonly #client: CloudWatchClient;

  constructor(options: ClientOptions<CloudWatchClient, CloudWatchClientConfig>) {
    this.#client = resolveClient('CloudWatchAlarms', options, (config) => new CloudWatchClient(config ?? {}));
  }

  async state(name: string): Promise<AlarmState | undefined> {
    const context = `CloudWatch DescribeAlarms ${name}`;
    try {
      const out = await this.#client.send(
        new DescribeAlarmsCommand({ AlarmNames: [name], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }),
      );
      const { MetricAlarms, CompositeAlarms } = parseResult(alarmsSchema, out, context);
      return (MetricAlarms[0] ?? CompositeAlarms[0])?.StateValue;
    } catch (error) {
      throw translateAwsError(error, context);
    }
  }
}
