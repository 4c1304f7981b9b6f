import type { AWS } from 'osls/types/index.js';
import { OPERATION_TABLE, OPERATIONS } from '../../src/domain/operations.ts';
import {
  DEAD_STATUSES,
  MACHINE_IDS,
  STEP_TIMEOUT_SECONDS,
  stateMachineArnVariable,
} from '../../src/domain/saga.ts';
import { arn } from './iam.ts';
import { type DeadLettered, type FunctionName, LOGICAL_IDS, PARAM, stateMachineName } from './names.ts';

/** One entry of serverless.ts `functions`. */
export type FunctionConfig = NonNullable<AWS['functions']>[string];

/** Where scripts/package.mjs writes a function's bundle, relative to the service root. */
export const bundleDir = (name: FunctionName): string => `.esbuild/${name}`;

/**
 * The parts every function shares: the handler inside its own esbuild bundle, only that bundle in
 * its zip, its own role.
 */
export const bundledFunction = (name: FunctionName, role: string) => ({
  handler: `${bundleDir(name)}/${name}.handler`,
  role,
  package: { patterns: [`${bundleDir(name)}/**`] },
});

/** A dead-letter queue's ARN (see resources.ts). */
const deadLetterArn = (name: DeadLettered) => ({ 'Fn::GetAtt': [LOGICAL_IDS.deadLetters[name], 'Arn'] });

/** The state machine ARNs as environment variables (the handlers read them by these names). */
export const stateMachineArnEnvironment = (): Record<string, { Ref: string }> =>
  Object.fromEntries(
    MACHINE_IDS.map((id) => [stateMachineArnVariable(id), { Ref: LOGICAL_IDS.stateMachines[id] }]),
  );

/**
 * The same, built from the machines' fixed names: the step function's (a `Ref` there would make a
 * cycle, as every machine names the step function).
 */
export const stateMachineArnByName = (): Record<string, { 'Fn::Sub': string }> =>
  Object.fromEntries(
    MACHINE_IDS.map((id) => [
      stateMachineArnVariable(id),
      arn('states', `stateMachine:${stateMachineName(id)}`),
    ]),
  );

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
          'detail-type': OPERATIONS.flatMap((operation) => {
            const name = OPERATION_TABLE[operation].request;
            return [`${PARAM.detailTypePrefix}${name}`, name];
          }),
        },
        retryPolicy: { maximumEventAge: 3600, maximumRetryAttempts: 10 },
        // An event EventBridge could not deliver after its retries is kept, not dropped.
        deadLetterQueueArn: deadLetterArn('ingress'),
      },
    },
  ],
};

/**
 * The step dispatcher every Task of the state machines invokes. 60 s covers the slowest single
 * AWS call chain of a step; waiting for health is a Wait/Choice loop in the ASL, not time in here.
 */
export const step: FunctionConfig = {
  ...bundledFunction('step', LOGICAL_IDS.roles.step),
  description: 'Runs one saga step (ECS, ELBv2, tenant map) for Step Functions',
  memorySize: 512,
  timeout: STEP_TIMEOUT_SECONDS,
  // The rollout's steps start and read the update executions of its tenants.
  environment: stateMachineArnByName(),
};

/**
 * The watcher: Step Functions status changes of our machines on the default bus, so a request
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
        deadLetterQueueArn: deadLetterArn('watcher'),
      },
    },
  ],
};

/** How often the audit looks for tenants locked past their saga's time bound. */
export const AUDIT_SCHEDULE = 'rate(5 minutes)';

/** The audit: a tenant still locked long after its execution's time bound raises an alarm. */
export const audit: FunctionConfig = {
  ...bundledFunction('audit', LOGICAL_IDS.roles.audit),
  description: "Counts tenants locked past their saga's time bound (alarmed)",
  memorySize: 256,
  timeout: 60,
  events: [{ schedule: { rate: [AUDIT_SCHEDULE] } }],
};

/** How often reconciliation holds the tenant map against what runs. */
export const RECONCILE_SCHEDULE = 'rate(1 hour)';

/**
 * Reconciliation: report-only unless the `reconcileRepair` parameter is `true`; drift found and
 * repaired per kind go out as metrics. 15 minutes covers a fleet's describe calls at ECS's rates.
 */
export const reconcile: FunctionConfig = {
  ...bundledFunction('reconcile', LOGICAL_IDS.roles.reconcile),
  description: 'Holds every tenant record against the resources tenantflow tags; repairs when enabled',
  memorySize: 512,
  timeout: 900,
  environment: { RECONCILE_REPAIR: PARAM.reconcileRepair },
  events: [{ schedule: { rate: [RECONCILE_SCHEDULE] } }],
};

/** Every function of the deployable, by name. */
export const FUNCTIONS: Record<FunctionName, FunctionConfig> = { ingress, step, watcher, audit, reconcile };
