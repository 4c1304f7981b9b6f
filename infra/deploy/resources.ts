import { TAG_KEYS } from '../../src/domain/naming.ts';
import type { MachineId } from '../../src/domain/saga.ts';
import { functionRoles, serviceRoles } from './iam.ts';
import { monitoring, monitoringOutputs } from './monitoring.ts';
import { type DeploySettings, LOGICAL_IDS, namePrefix } from './names.ts';

/** Days the state machines' execution logs are kept. */
export const LOG_RETENTION_DAYS = 30;

/**
 * The tenant map: one table, generic `pk`/`sk` keys (tenant records, listener priorities and the
 * status ledger share it). It is retained when the stack goes (DeletionPolicy and
 * UpdateReplacePolicy), with point-in-time recovery on; deletion protection comes from the
 * `tableDeletionProtection` param: on for `prod`.
 */
export const tenantTable = (s: DeploySettings) => ({
  Type: 'AWS::DynamoDB::Table',
  // The record of every tenant outlives the stack: a stack delete or a replacing update leaves it.
  DeletionPolicy: 'Retain',
  UpdateReplacePolicy: 'Retain',
  Properties: {
    TableName: `${namePrefix(s)}-tenants`,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    SSESpecification: { SSEEnabled: true },
    DeletionProtectionEnabled: s.tableDeletionProtection,
    Tags: [{ Key: TAG_KEYS.managedBy, Value: 'tenantflow' }],
  },
});

/** The state machines' execution log; the `/aws/vendedlogs/` prefix keeps CloudWatch's resource policy small. */
export const stateMachineLogGroup = (s: DeploySettings) => ({
  Type: 'AWS::Logs::LogGroup',
  Properties: {
    LogGroupName: `/aws/vendedlogs/states/${namePrefix(s)}`,
    RetentionInDays: LOG_RETENTION_DAYS,
  },
});

/** The resources besides functions, state machines and rules, by logical id, and their conditions. */
export const supportingResources = (s: DeploySettings, machineTargets: MachineId[]) => {
  const watch = monitoring(s);
  return {
    resources: {
      [LOGICAL_IDS.table]: tenantTable(s),
      [LOGICAL_IDS.stateMachineLogGroup]: stateMachineLogGroup(s),
      ...functionRoles(s),
      ...serviceRoles(machineTargets),
      ...watch.resources,
    },
    conditions: watch.conditions,
  };
};

/** Stack outputs besides the state machine ARNs. */
export const supportingOutputs = () => ({
  TenantTableName: { Description: 'The tenant map table', Value: { Ref: LOGICAL_IDS.table } },
  ...monitoringOutputs(),
});
