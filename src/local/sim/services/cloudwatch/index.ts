import { CloudWatchClient, CloudWatchServiceException } from '@aws-sdk/client-cloudwatch';
import { definePlugin } from '../../plugin.ts';
import { describeAlarms, putMetricAlarm, setAlarmState } from './alarms.ts';

/** Alarms, by name and state: what a rollout's gate reads. */
export const CLOUDWATCH = definePlugin({
  name: 'cloudwatch',
  client: CloudWatchClient,
  exception: CloudWatchServiceException,
  throttlingName: 'ThrottlingException',
  handlers: {
    DescribeAlarms: describeAlarms,
    PutMetricAlarm: putMetricAlarm,
    SetAlarmState: setAlarmState,
  },
});
