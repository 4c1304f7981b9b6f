import {
  bundledFunction,
  type FunctionConfig,
  stateMachineArnEnvironment,
} from '../../infra/deploy/functions.ts';
import { INBOUND_REQUEST_NAMES, LOGICAL_IDS, PARAM } from '../../infra/deploy/names.ts';

/**
 * osls reads the bus's name from an ARN and, unlike for a plain name, does not create the bus:
 * SBT's control plane owns it. Only the part after `event-bus/` reaches the template.
 */
const sbtBus = `arn:aws:events:\${aws:region}:000000000000:event-bus/${PARAM.eventBus}`;

/**
 * The ingress: SBT lifecycle requests from the SBT bus, canonical detail-types (with the configured
 * prefix) and their pre-0.9 unprefixed aliases, from either configured control-plane source.
 */
export const ingress: FunctionConfig = {
  ...bundledFunction('ingress', LOGICAL_IDS.roles.ingress),
  description: 'SBT lifecycle request → state machine execution',
  memorySize: 256,
  timeout: 30,
  environment: stateMachineArnEnvironment(),
  events: [
    {
      eventBridge: {
        eventBus: sbtBus,
        pattern: {
          source: [PARAM.controlPlaneSource, PARAM.controlPlaneSourceAlias],
          'detail-type': INBOUND_REQUEST_NAMES.flatMap((name) => [`${PARAM.detailTypePrefix}${name}`, name]),
        },
        retryPolicy: { maximumEventAge: 3600, maximumRetryAttempts: 10 },
      },
    },
  ],
};

export default ingress;
