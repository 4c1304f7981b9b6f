import { type DeadLettered, deadLetterQueueNameIn, type FunctionName } from '../../src/domain/deployment.ts';
import type { MachineId } from '../../src/domain/saga.ts';

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

/** An osls variable reference, `${source:address}`, resolved by the framework before compiling. */
export const oslsVariable = (expression: string): string => `\${${expression}}`;

/** osls variables for the settings an installation may change (`--param="key=value"` or `params:`). */
export const PARAM = {
  sharedStackName: oslsVariable('param:sharedStackName'),
  eventBus: oslsVariable('param:sbtEventBus'),
  controlPlaneSource: oslsVariable('param:controlPlaneSource'),
  controlPlaneSourceAlias: oslsVariable('param:controlPlaneSourceAlias'),
  applicationPlaneSource: oslsVariable('param:applicationPlaneSource'),
  detailTypePrefix: oslsVariable('param:detailTypePrefix'),
  resourcePrefix: oslsVariable('param:resourcePrefix'),
  tableDeletionProtection: oslsVariable('param:tableDeletionProtection'),
  healthCheckPath: oslsVariable('param:healthCheckPath'),
  tierCatalogue: oslsVariable('param:tierCatalogue'),
  apiGatewayUrl: oslsVariable('param:apiGatewayUrl'),
  shardCapacity: oslsVariable('param:shardCapacity'),
  shardGrowthThreshold: oslsVariable('param:shardGrowthThreshold'),
  shardGrowthLimit: oslsVariable('param:shardGrowthLimit'),
  logExecutionData: oslsVariable('param:logExecutionData'),
  alarmEmail: oslsVariable('param:alarmEmail'),
  onboardingP95Seconds: oslsVariable('param:onboardingP95Seconds'),
  reconcileRepair: oslsVariable('param:reconcileRepair'),
  operatorSource: oslsVariable('param:operatorSource'),
} as const;

/** Every physical name starts with this: `tenantflow-<stage>`. */
export const NAME_PREFIX = `${oslsVariable('self:service')}-${oslsVariable('sls:stage')}`;

/** The deployed name of a function as osls derives it (`<service>-<stage>-<name>`). */
export const functionName = (name: FunctionName): string => `${NAME_PREFIX}-${name}`;

/** The physical name of a state machine; fixed so IAM and rules can name it without a dependency. */
export const stateMachineName = (id: MachineId): string => `${NAME_PREFIX}-${id}`;

/** The physical name of a function's dead-letter queue, as the template writes it. */
export const deadLetterQueueName = (name: DeadLettered): string =>
  deadLetterQueueNameIn(oslsVariable('sls:stage'), name);

/** The name of an export of the shared infrastructure stack (see infra/shared.yaml). */
export const sharedExport = (output: string): { 'Fn::ImportValue': string } => ({
  'Fn::ImportValue': `${PARAM.sharedStackName}-${output}`,
});
