import type { MachineId } from '../../src/domain/saga.ts';

/**
 * Names shared by serverless.ts and the function configs. Strings holding `${…}` are osls variables
 * (resolved by the framework before compiling) or, inside `Fn::Sub`, CloudFormation pseudo parameters.
 */

/** CloudFormation logical ids. `StepLambdaFunction` is what osls names the `step` function. */
export const LOGICAL_IDS = {
  table: 'TenantTable',
  stateMachineLogGroup: 'StateMachineLogGroup',
  stepFunction: 'StepLambdaFunction',
  roles: { ingress: 'IngressRole', step: 'StepRole', watcher: 'WatcherRole' },
  stateMachines: {
    onboarding: 'OnboardingStateMachine',
    offboarding: 'OffboardingStateMachine',
    activation: 'ActivationStateMachine',
  },
} as const satisfies { stateMachines: Record<MachineId, string> } & Record<string, unknown>;

/** The deployable's functions (each one's bundle lives in `.esbuild/<name>/<name>.mjs`). */
export const FUNCTION_NAMES = ['ingress', 'step', 'watcher'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

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
} as const;

/** Every physical name starts with this: `tenantflow-<stage>`. */
export const NAME_PREFIX = `${oslsVariable('self:service')}-${oslsVariable('sls:stage')}`;

/** The deployed name of a function as osls derives it (`<service>-<stage>-<name>`). */
export const functionName = (name: FunctionName): string => `${NAME_PREFIX}-${name}`;

/** The physical name of a state machine; fixed so IAM and rules can name it without a dependency. */
export const stateMachineName = (id: MachineId): string => `${NAME_PREFIX}-${id}`;

/** The name of an export of the shared infrastructure stack (see infra/shared.yaml). */
export const sharedExport = (output: string): { 'Fn::ImportValue': string } => ({
  'Fn::ImportValue': `${PARAM.sharedStackName}-${output}`,
});
