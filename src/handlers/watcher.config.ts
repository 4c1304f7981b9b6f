import {
  bundledFunction,
  type FunctionConfig,
  stateMachineArnEnvironment,
} from '../../infra/deploy/functions.ts';
import { LOGICAL_IDS } from '../../infra/deploy/names.ts';
import { DEAD_STATUSES, MACHINE_IDS } from '../saga-contract.ts';

/**
 * The watcher: Step Functions status changes of our three machines on the default bus, so a request
 * whose execution died still ends in a failure event to the control plane.
 */
export const watcher: FunctionConfig = {
  ...bundledFunction('watcher', LOGICAL_IDS.roles.watcher),
  description: 'Failure event for executions that failed, timed out or were aborted',
  memorySize: 256,
  timeout: 30,
  environment: stateMachineArnEnvironment(),
  events: [
    {
      eventBridge: {
        pattern: {
          source: ['aws.states'],
          'detail-type': ['Step Functions Execution Status Change'],
          detail: {
            status: [...DEAD_STATUSES],
            stateMachineArn: MACHINE_IDS.map((id) => ({ Ref: LOGICAL_IDS.stateMachines[id] })),
          },
        },
        retryPolicy: { maximumEventAge: 86400, maximumRetryAttempts: 185 },
      },
    },
  ],
};

export default watcher;
