import {
  CloudWatchServiceException,
  type DescribeAlarmsCommandOutput,
  type PutMetricAlarmCommandOutput,
  type SetAlarmStateCommandOutput,
} from '@aws-sdk/client-cloudwatch';
import { z } from 'zod';
import { errorMetadata, type SimContext } from '../../context.ts';
import type { Out } from '../../plugin.ts';
import type { AlarmRecord } from './state.ts';

/**
 * CloudWatch alarms, as far as a rollout's gate reads them: an alarm is made (PutMetricAlarm, in state
 * INSUFFICIENT_DATA as CloudWatch makes one), set (SetAlarmState, as an operator tests one) and read
 * (DescribeAlarms by name). No metrics: nothing changes an alarm's state but SetAlarmState.
 */

const invalid = (message: string) =>
  new CloudWatchServiceException({
    name: 'InvalidParameterValue',
    $fault: 'client',
    $metadata: errorMetadata(),
    message,
  });

const STATES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as const;

const describeInput = z.object({
  AlarmNames: z.array(z.string()).max(100).optional(),
  AlarmTypes: z.array(z.enum(['MetricAlarm', 'CompositeAlarm'])).optional(),
});

export const describeAlarms = (ctx: SimContext, raw: unknown): Out<DescribeAlarmsCommandOutput> => {
  const parsed = describeInput.safeParse(raw);
  if (!parsed.success) throw invalid('Invalid DescribeAlarms request');
  const { AlarmNames, AlarmTypes } = parsed.data;
  const found = ctx.state.alarms.filter((a) => AlarmNames === undefined || AlarmNames.includes(a.name));
  const metric = AlarmTypes === undefined || AlarmTypes.includes('MetricAlarm');
  return {
    MetricAlarms: metric
      ? found.map((a) => ({
          AlarmName: a.name,
          StateValue: a.state,
          StateReason: a.reason,
          StateUpdatedTimestamp: new Date(a.updatedAt),
        }))
      : [],
    CompositeAlarms: [],
  };
};

const putInput = z.object({ AlarmName: z.string().min(1).max(255) });

export const putMetricAlarm = (ctx: SimContext, raw: unknown): Out<PutMetricAlarmCommandOutput> => {
  const parsed = putInput.safeParse(raw);
  if (!parsed.success) throw invalid('AlarmName is required (1-255 characters)');
  if (!ctx.state.alarms.some((a) => a.name === parsed.data.AlarmName)) {
    const made: AlarmRecord = {
      name: parsed.data.AlarmName,
      state: 'INSUFFICIENT_DATA',
      reason: 'Unchecked: Initial alarm creation',
      updatedAt: ctx.now,
    };
    ctx.write.add('alarms', made);
  }
  return {};
};

const setInput = z.object({
  AlarmName: z.string(),
  StateValue: z.enum(STATES),
  StateReason: z.string(),
});

export const setAlarmState = (ctx: SimContext, raw: unknown): Out<SetAlarmStateCommandOutput> => {
  const parsed = setInput.safeParse(raw);
  if (!parsed.success) throw invalid('SetAlarmState needs AlarmName, StateValue and StateReason');
  const found = ctx.state.alarms.find((a) => a.name === parsed.data.AlarmName);
  if (!found)
    throw new CloudWatchServiceException({
      name: 'ResourceNotFound',
      $fault: 'client',
      $metadata: errorMetadata(),
      message: `alarm ${parsed.data.AlarmName} does not exist`,
    });
  ctx.write.touch('alarms', found);
  found.state = parsed.data.StateValue;
  found.reason = parsed.data.StateReason;
  found.updatedAt = ctx.now;
  return {};
};
