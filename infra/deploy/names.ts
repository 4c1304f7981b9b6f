import {
  DEFAULT_SHARED_STACK,
  type DeadLettered,
  deadLetterQueueNameIn,
  type FunctionName,
  SERVICE_NAME,
} from '../../src/domain/deployment.ts';
import type { MachineId } from '../../src/domain/saga.ts';
import { DEPLOYED_SHARD_GROWTH_THRESHOLD } from '../../src/domain/shards.ts';

export {
  DEAD_LETTERED,
  type DeadLettered,
  deadLetterQueueNameIn,
  deployedFunctionName,
  deployedStackName,
  deployedStateMachineName,
  deployedTableName,
  FUNCTION_NAMES,
  type FunctionName,
  SERVICE_NAME,
} from '../../src/domain/deployment.ts';

/**
 * Names shared by serverless.ts and the function configs. Strings holding `${…}` are osls variables
 * (resolved by the framework before compiling) or, inside `Fn::Sub`, CloudFormation pseudo parameters.
 */

/** CloudFormation logical ids. `StepLambdaFunction` is what osls names the `step` function. */
export const LOGICAL_IDS = {
  table: 'TenantTable',
  stateMachineLogGroup: 'StateMachineLogGroup',
  stepFunction: 'StepLambdaFunction',
  /** The role every state machine runs with. */
  stateMachineRole: 'StateMachineRole',
  /** What osls names each function's resource: `<Name>LambdaFunction`. */
  functions: {
    ingress: 'IngressLambdaFunction',
    step: 'StepLambdaFunction',
    watcher: 'WatcherLambdaFunction',
    audit: 'AuditLambdaFunction',
    reconcile: 'ReconcileLambdaFunction',
  },
  roles: {
    ingress: 'IngressRole',
    step: 'StepRole',
    watcher: 'WatcherRole',
    audit: 'AuditRole',
    reconcile: 'ReconcileRole',
  },
  /** Where events the ingress and the watcher could not handle end up (EventBridge and Lambda give up). */
  deadLetters: { ingress: 'IngressDeadLetterQueue', watcher: 'WatcherDeadLetterQueue' },
  alarmTopic: 'AlarmTopic',
  alarmEmailSubscription: 'AlarmEmailSubscription',
  dashboard: 'OperationsDashboard',
  stateMachines: {
    onboarding: 'OnboardingStateMachine',
    offboarding: 'OffboardingStateMachine',
    activation: 'ActivationStateMachine',
    migration: 'MigrationStateMachine',
    update: 'UpdateStateMachine',
    rollout: 'RolloutStateMachine',
    shard: 'ShardStateMachine',
  },
} as const satisfies {
  stateMachines: Record<MachineId, string>;
  functions: Record<FunctionName, string>;
  roles: Record<FunctionName, string>;
} & Record<string, unknown>;

/** The role EventBridge starts a machine with, for a rule whose target is that machine. */
export const ruleRoleId = (machine: MachineId): string => `${LOGICAL_IDS.stateMachines[machine]}RuleRole`;

/** An osls variable reference, `${source:address}`, resolved by the framework before compiling. */
export const oslsVariable = (expression: string): string => `\${${expression}}`;

/** The settings an installation may change: osls params, or a CDK construct's props. */
export const SETTING_KEYS = [
  'sharedStackName',
  'eventBus',
  'controlPlaneSource',
  'controlPlaneSourceAlias',
  'applicationPlaneSource',
  'detailTypePrefix',
  'resourcePrefix',
  'tableDeletionProtection',
  'healthCheckPath',
  'tierCatalogue',
  'apiGatewayUrl',
  'cognitoEmailSourceArn',
  'cognitoEmailFrom',
  'shardCapacity',
  'shardGrowthThreshold',
  'shardGrowthLimit',
  'logExecutionData',
  'alarmEmail',
  'onboardingP95Seconds',
  'reconcileRepair',
  'operatorSource',
] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

/**
 * What the model of the deployable is a function of. Each value is what the template holds: a
 * literal, an osls variable (resolved by the framework before compiling) or a CDK token.
 */
export type DeploySettings = { readonly [K in SettingKey]: string | number | boolean } & {
  /** The stage: physical names are `tenantflow-<stage>-…`, which the CLI finds them by. */
  readonly stage: string;
  /**
   * Rules on SBT's bus that may send to the ingress's dead-letter queue: the ingress rule osls makes,
   * or the rules an SBT event manager makes on the bus.
   */
  readonly ingressRules: 'own' | 'bus';
};

/**
 * Each setting's default but the bus's (SBT always makes its own bus, and the default bus would hear
 * nothing): serverless.ts's `params.default` and the CDK construct's props.
 */
export const SETTING_DEFAULTS = {
  sharedStackName: DEFAULT_SHARED_STACK,
  controlPlaneSource: 'sbt.control.plane',
  controlPlaneSourceAlias: 'controlPlaneEventSource',
  applicationPlaneSource: 'sbt.application.plane',
  detailTypePrefix: 'sbt_aws_',
  resourcePrefix: 'tf',
  tableDeletionProtection: false,
  // The default tenant image (stock nginx) answers on `/`; set this to your image's health path.
  healthCheckPath: '/',
  // Empty: the catalogue bundled from infra/tier-catalogue.json. A whole catalogue as JSON replaces it.
  tierCatalogue: '',
  apiGatewayUrl: '',
  // Empty: Cognito mails tenant pools' invitations itself (about 50 a day per account). An SES
  // identity's ARN sends them through SES instead (Cognito's service-linked role for email must exist).
  cognitoEmailSourceArn: '',
  cognitoEmailFrom: '',
  // Empty: as many tenants per load balancer shard as the ALB quotas allow; fewer leaves headroom.
  shardCapacity: '',
  // When every load balancer shard is filled to this fraction, an onboarding starts the shard
  // machine to add one (empty: never), up to shardGrowthLimit added shards.
  shardGrowthThreshold: DEPLOYED_SHARD_GROWTH_THRESHOLD,
  shardGrowthLimit: '4',
  // Execution data (tenant names, emails) stays out of the state machines' logs unless this is true.
  logExecutionData: false,
  // An email address for the alarm topic (empty: subscribe yourself to the AlarmTopicArn output).
  alarmEmail: '',
  // The onboarding p95 duration alarm fires above this many seconds.
  onboardingP95Seconds: 900,
  // The hourly reconciliation only reports drift (metrics, logs) unless this is true.
  reconcileRepair: false,
  // The source of tenantflow's own requests on SBT's bus (a rollout request: events/README.md).
  operatorSource: 'tenantflow.operator',
} as const satisfies { readonly [K in Exclude<SettingKey, 'eventBus'>]: string | number | boolean };

/** The osls variable of each setting (`--param="key=value"` or `params:`). */
export const PARAM = Object.fromEntries(
  SETTING_KEYS.map((key) => [key, oslsVariable(`param:${key === 'eventBus' ? 'sbtEventBus' : key}`)]),
) as { readonly [K in SettingKey]: string };

/** The settings serverless.ts renders the model with: every one an osls variable. */
export const OSLS_SETTINGS: DeploySettings = {
  ...PARAM,
  stage: oslsVariable('sls:stage'),
  ingressRules: 'own',
};

/** Every physical name starts with this: `tenantflow-<stage>`. */
export const namePrefix = (s: DeploySettings): string => `${SERVICE_NAME}-${s.stage}`;

/** The deployed name of a function (what osls derives, `<service>-<stage>-<name>`). */
export const functionName = (s: DeploySettings, name: FunctionName): string => `${namePrefix(s)}-${name}`;

/** The physical name of a state machine; fixed so IAM and rules can name it without a dependency. */
export const stateMachineName = (s: DeploySettings, id: MachineId): string => `${namePrefix(s)}-${id}`;

/** The physical name of a function's dead-letter queue, as the template writes it. */
export const deadLetterQueueName = (s: DeploySettings, name: DeadLettered): string =>
  deadLetterQueueNameIn(s.stage, name);

/** The name of an export of the shared infrastructure stack (see infra/shared.yaml). */
export const sharedExport = (s: DeploySettings, output: string): { 'Fn::ImportValue': string } => ({
  'Fn::ImportValue': `${s.sharedStackName}-${output}`,
});
