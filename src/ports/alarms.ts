/** The states of a CloudWatch alarm. */
export const ALARM_STATES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];

/** CloudWatch, as a rollout's gate reads it: the state of one named alarm. */
export interface AlarmWatch {
  /** The state of alarm `name` (metric or composite); `undefined` when there is no alarm of that name. */
  state(name: string): Promise<AlarmState | undefined>;
}
