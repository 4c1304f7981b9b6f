import { OPERATION_TABLE, OPERATIONS } from '../../src/domain/operations.ts';
import { ROLLOUT_REQUEST } from '../../src/domain/rollout.ts';
import {
  DEAD_STATUSES,
  MACHINE_IDS,
  type MachineId,
  ROLLOUT_MACHINE,
  STEP_TIMEOUT_SECONDS,
  stateMachineArnVariable,
} from '../../src/domain/saga.ts';
import type { Json } from './asl.ts';
import { arn } from './iam.ts';
import {
  type DeadLettered,
  type DeploySettings,
  type FunctionName,
  LOGICAL_IDS,
  stateMachineName,
} from './names.ts';

/**
 * The functions of the deployable and the rules that invoke them (or start a state machine), as data:
 * serverless.ts and the CDK construct each render these.
 */

/** One Lambda function: its handler is `<name>.handler` inside its own bundle, `.esbuild/<name>/`. */
export interface FunctionModel {
  name: FunctionName;
  description: string;
  memorySize: number;
  timeout: number;
  /** On top of the environment every function shares. */
  environment: Record<string, Json>;
}

/** What a rule's event looks like. */
export type RuleTrigger =
  /**
   * Requests on SBT's bus, by their unprefixed detail-type, and who sends them: SBT's control plane
   * (either configured source, the canonical detail-type with the prefix and its pre-0.9 alias) or
   * tenantflow's operators (exactly that detail-type).
   */
  | { bus: 'sbt'; sender: 'control-plane' | 'operator'; detailTypes: string[] }
  /** An event pattern on the account's default bus (AWS services' own events). */
  | { bus: 'default'; pattern: { [key: string]: Json } }
  | { schedule: string };

export interface RuleModel {
  trigger: RuleTrigger;
  /** A function, or a state machine started with the event's `detail` as its input. */
  target: { function: FunctionName } | { machine: MachineId };
  retry?: { maximumEventAge: number; maximumRetryAttempts: number };
  /** Where EventBridge puts what it could not deliver. */
  deadLetter?: DeadLettered;
}

/** Where scripts/package.mjs writes a function's bundle, relative to the service root. */
export const bundleDir = (name: FunctionName): string => `.esbuild/${name}`;

/** The state machine ARNs as environment variables (the handlers read them by these names). */
export const stateMachineArnEnvironment = (): Record<string, { Ref: string }> =>
  Object.fromEntries(
    MACHINE_IDS.map((id) => [stateMachineArnVariable(id), { Ref: LOGICAL_IDS.stateMachines[id] }]),
  );

/**
 * The same, built from the machines' fixed names: the step function's (a `Ref` there would make a
 * cycle, as every machine names the step function).
 */
export const stateMachineArnByName = (s: DeploySettings): Record<string, { 'Fn::Sub': string }> =>
  Object.fromEntries(
    MACHINE_IDS.map((id) => [
      stateMachineArnVariable(id),
      arn('states', `stateMachine:${stateMachineName(s, id)}`),
    ]),
  );

/** The environment every function shares. */
export const sharedEnvironment = (s: DeploySettings): Record<string, Json> => ({
  NODE_OPTIONS: '--enable-source-maps',
  TENANT_TABLE: { Ref: LOGICAL_IDS.table },
  SHARED_STACK_NAME: s.sharedStackName,
  SBT_EVENT_BUS: s.eventBus,
  CONTROL_PLANE_SOURCES: `${s.controlPlaneSource},${s.controlPlaneSourceAlias}`,
  APPLICATION_PLANE_SOURCE: s.applicationPlaneSource,
  DETAIL_TYPE_PREFIX: s.detailTypePrefix,
  RESOURCE_PREFIX: s.resourcePrefix,
  HEALTH_CHECK_PATH: s.healthCheckPath,
  TIER_CATALOGUE: s.tierCatalogue,
  API_GATEWAY_URL: s.apiGatewayUrl,
  COGNITO_EMAIL_SOURCE_ARN: s.cognitoEmailSourceArn,
  COGNITO_EMAIL_FROM: s.cognitoEmailFrom,
  SHARD_CAPACITY: s.shardCapacity,
  SHARD_GROWTH_THRESHOLD: s.shardGrowthThreshold,
  SHARD_GROWTH_LIMIT: s.shardGrowthLimit,
  POWERTOOLS_SERVICE_NAME: 'tenantflow',
  POWERTOOLS_METRICS_NAMESPACE: 'tenantflow',
  POWERTOOLS_LOG_LEVEL: 'INFO',
});

/** How often the audit looks for tenants locked past their saga's time bound. */
export const AUDIT_SCHEDULE = 'rate(5 minutes)';

/** How often reconciliation holds the tenant map against what runs. */
export const RECONCILE_SCHEDULE = 'rate(1 hour)';

/** Every function of the deployable. */
export const functionModels = (s: DeploySettings): Record<FunctionName, FunctionModel> => ({
  // The ingress: SBT lifecycle requests → state machine executions.
  ingress: {
    name: 'ingress',
    description: 'SBT lifecycle request → state machine execution',
    memorySize: 256,
    timeout: 30,
    environment: stateMachineArnEnvironment(),
  },
  // The step dispatcher every Task of the state machines invokes. 60 s covers the slowest single AWS
  // call chain of a step; waiting for health is a Wait/Choice loop in the ASL, not time in here.
  step: {
    name: 'step',
    description: 'Runs one saga step (ECS, ELBv2, tenant map) for Step Functions',
    memorySize: 512,
    timeout: STEP_TIMEOUT_SECONDS,
    // The rollout's steps start and read the update executions of its tenants.
    environment: stateMachineArnByName(s),
  },
  // The watcher: a request whose execution died still ends in a failure event to the control plane.
  watcher: {
    name: 'watcher',
    description: 'Failure event for executions that failed, timed out or were aborted',
    memorySize: 256,
    timeout: 30,
    environment: stateMachineArnEnvironment(),
  },
  audit: {
    name: 'audit',
    description: "Counts tenants locked past their saga's time bound (alarmed)",
    memorySize: 256,
    timeout: 60,
    environment: {},
  },
  // Report-only unless the `reconcileRepair` setting is true; 15 minutes covers a fleet's describe
  // calls at ECS's rates.
  reconcile: {
    name: 'reconcile',
    description: 'Holds every tenant record against the resources tenantflow tags; repairs when enabled',
    memorySize: 512,
    timeout: 900,
    environment: { RECONCILE_REPAIR: s.reconcileRepair },
  },
});

/** Every rule of the deployable, in the order each target lists them. */
export const ruleModels = (): RuleModel[] => [
  {
    // Every operation's request (the canonical prefixed detail-type and its pre-0.9 alias).
    trigger: {
      bus: 'sbt',
      sender: 'control-plane',
      detailTypes: OPERATIONS.map((operation) => OPERATION_TABLE[operation].request),
    },
    target: { function: 'ingress' },
    retry: { maximumEventAge: 3600, maximumRetryAttempts: 10 },
    // An event EventBridge could not deliver after its retries is kept, not dropped.
    deadLetter: 'ingress',
  },
  {
    // Step Functions status changes of our machines, on the default bus.
    trigger: {
      bus: 'default',
      pattern: {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: {
          status: [...DEAD_STATUSES],
          stateMachineArn: MACHINE_IDS.map((id) => ({ Ref: LOGICAL_IDS.stateMachines[id] })),
        },
      },
    },
    target: { function: 'watcher' },
    retry: { maximumEventAge: 86400, maximumRetryAttempts: 185 },
    deadLetter: 'watcher',
  },
  { trigger: { schedule: AUDIT_SCHEDULE }, target: { function: 'audit' } },
  { trigger: { schedule: RECONCILE_SCHEDULE }, target: { function: 'reconcile' } },
  // A rollout request on SBT's bus starts the rollout machine itself (its detail is the input).
  {
    trigger: { bus: 'sbt', sender: 'operator', detailTypes: [ROLLOUT_REQUEST] },
    target: { machine: ROLLOUT_MACHINE },
  },
];

/**
 * A rule on SBT's bus as an event pattern: the control plane's requests from either configured
 * source, each with the configured prefix and without (pre-0.9); the operators' as they are.
 */
export const sbtPattern = (
  s: DeploySettings,
  trigger: Extract<RuleTrigger, { bus: 'sbt' }>,
): { source: Json[]; 'detail-type': string[] } =>
  trigger.sender === 'operator'
    ? { source: [s.operatorSource], 'detail-type': trigger.detailTypes }
    : {
        source: [s.controlPlaneSource, s.controlPlaneSourceAlias],
        'detail-type': trigger.detailTypes.flatMap((name) => [`${s.detailTypePrefix}${name}`, name]),
      };
