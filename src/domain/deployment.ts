/**
 * The names a deployed stage gives its parts, as plain strings: what the CLI and the local runtime
 * use to find a deployment (infra/deploy/names.ts writes the same names into the template).
 */
import type { MachineId } from './saga.ts';

/** The deployable's functions (each one's bundle lives in `.esbuild/<name>/<name>.mjs`). */
export const FUNCTION_NAMES = ['ingress', 'step', 'watcher', 'audit', 'reconcile'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** The functions EventBridge invokes asynchronously, each with a dead-letter queue. */
export const DEAD_LETTERED = ['ingress', 'watcher'] as const satisfies readonly FunctionName[];
export type DeadLettered = (typeof DEAD_LETTERED)[number];

/** The shared infrastructure stack's name unless an installation says otherwise (infra/shared.yaml). */
export const DEFAULT_SHARED_STACK = 'tenantflow-shared';

/** The service name every physical name starts with (serverless.ts `service`). */
export const SERVICE_NAME = 'tenantflow';

/** A deployed function's name in stage `stage` (what osls names it). */
export const deployedFunctionName = (stage: string, name: FunctionName): string =>
  `${SERVICE_NAME}-${stage}-${name}`;

/** The tenant table's name in stage `stage` (the template's `${NAME_PREFIX}-tenants`). */
export const deployedTableName = (stage: string): string => `${SERVICE_NAME}-${stage}-tenants`;

/** A state machine's name in stage `stage` (what {@link stateMachineName} resolves to). */
export const deployedStateMachineName = (stage: string, id: MachineId): string =>
  `${SERVICE_NAME}-${stage}-${id}`;

/** The CloudFormation stack osls deploys stage `stage` as. */
export const deployedStackName = (stage: string): string => `${SERVICE_NAME}-${stage}`;

/** A dead-letter queue's name in stage `stage`. */
export const deadLetterQueueNameIn = (stage: string, name: DeadLettered): string =>
  `${SERVICE_NAME}-${stage}-${name}-dead-letters`;
