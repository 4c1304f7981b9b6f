import { fileURLToPath } from 'node:url';
import { MACHINE_IDS, type MachineId } from '../../src/domain/saga.ts';
import { type Json, loadDefinition } from './asl.ts';
import {
  type FunctionModel,
  functionModels,
  type RuleModel,
  ruleModels,
  sharedEnvironment,
} from './functions.ts';
import {
  type DeploySettings,
  type FunctionName,
  LOGICAL_IDS,
  SERVICE_NAME,
  stateMachineName,
} from './names.ts';
import { LOG_RETENTION_DAYS, supportingOutputs, supportingResources } from './resources.ts';

/**
 * The deployable as one model, a function of an installation's settings: serverless.ts renders it
 * for osls, `TenantFlow` (infra/cdk) for a CDK app. Everything here is CloudFormation-shaped data;
 * references between parts use the logical ids of `LOGICAL_IDS`.
 */

/** A Standard state machine (a saga runs up to 90 minutes and needs exactly-once transitions). */
export interface MachineModel {
  id: MachineId;
  logicalId: string;
  name: string;
  /** The ASL, its Tasks pointing at the step function. */
  definition: { [key: string]: Json };
  logging: { level: 'ERROR'; includeExecutionData: Json; logGroup: Json };
  /** The role it runs with (one for all machines, in `resources`). */
  role: Json;
}

export interface Deployable {
  /** Every physical name starts with this: `tenantflow-<stage>`. */
  service: string;
  /** Tags on every resource that takes them. */
  tags: Record<string, string>;
  /** The environment every function shares (each function adds its own). */
  environment: Record<string, Json>;
  functions: Record<FunctionName, FunctionModel>;
  /** Defaults a function's own values override. */
  functionDefaults: { runtime: string; architecture: 'arm64'; memorySize: number; timeout: number };
  rules: RuleModel[];
  machines: MachineModel[];
  /** Everything else (table, roles, queues, alarms, dashboard), by logical id. */
  resources: Record<string, Json>;
  conditions: Record<string, Json>;
  outputs: Record<string, { Description: string; Value: Json }>;
  logRetentionDays: typeof LOG_RETENTION_DAYS;
}

/** Where `npm run build:asl` writes the machines' ASL. */
export const STATE_MACHINES_DIR = fileURLToPath(new URL('../../state-machines/', import.meta.url));

/** The Tasks of every machine invoke this function. */
const stepFunctionArn = { 'Fn::GetAtt': [LOGICAL_IDS.stepFunction, 'Arn'] };

/** The deployable for settings `s`. */
export const deployable = (s: DeploySettings, stateMachinesDir = STATE_MACHINES_DIR): Deployable => {
  const rules = ruleModels();
  const machineTargets = rules.flatMap((rule) => ('machine' in rule.target ? [rule.target.machine] : []));
  const supporting = supportingResources(s, machineTargets);
  return {
    service: SERVICE_NAME,
    tags: { 'tenantflow:managed-by': 'tenantflow' },
    environment: sharedEnvironment(s),
    functions: functionModels(s),
    functionDefaults: { runtime: 'nodejs22.x', architecture: 'arm64', memorySize: 256, timeout: 30 },
    rules,
    machines: MACHINE_IDS.map((id) => ({
      id,
      logicalId: LOGICAL_IDS.stateMachines[id],
      name: stateMachineName(s, id),
      definition: loadDefinition(stateMachinesDir, id, stepFunctionArn),
      logging: {
        level: 'ERROR',
        // Off unless asked for: execution data holds tenant names and emails.
        includeExecutionData: s.logExecutionData,
        logGroup: { 'Fn::GetAtt': [LOGICAL_IDS.stateMachineLogGroup, 'Arn'] },
      },
      role: { 'Fn::GetAtt': [LOGICAL_IDS.stateMachineRole, 'Arn'] },
    })),
    resources: supporting.resources,
    conditions: supporting.conditions,
    outputs: supportingOutputs(),
    logRetentionDays: LOG_RETENTION_DAYS,
  };
};
