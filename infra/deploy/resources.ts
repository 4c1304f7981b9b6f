import { TAG_KEYS } from '../../src/domain/naming.ts';
import { functionRoles } from './iam.ts';
import { monitoringConditions, monitoringOutputs, monitoringResources } from './monitoring.ts';
import { LOGICAL_IDS, NAME_PREFIX, PARAM } from './names.ts';

/** Days the state machines' execution logs are kept. */
export const LOG_RETENTION_DAYS = 30;

/**
 * The tenant map: one table, generic `pk`/`sk` keys (tenant records, listener priorities and the
 * status ledger share it). It is retained when the stack goes (DeletionPolicy and
 * UpdateReplacePolicy), with point-in-time recovery on; deletion protection comes from the
 * `tableDeletionProtection` param: on for `prod`.
 */
export const tenantTable = () => ({
  Type: 'AWS::DynamoDB::Table',
  // The record of every tenant outlives the stack: a stack delete or a replacing update leaves it.
  DeletionPolicy: 'Retain',
  UpdateReplacePolicy: 'Retain',
  Properties: {
    TableName: `${NAME_PREFIX}-tenants`,
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
    DeletionProtectionEnabled: PARAM.tableDeletionProtection,
    Tags: [{ Key: TAG_KEYS.managedBy, Value: 'tenantflow' }],
  },
});

/** The state machines' execution log; the `/aws/vendedlogs/` prefix keeps CloudWatch's resource policy small. */
export const stateMachineLogGroup = () => ({
  Type: 'AWS::Logs::LogGroup',
  Properties: {
    LogGroupName: `/aws/vendedlogs/states/${NAME_PREFIX}`,
    RetentionInDays: LOG_RETENTION_DAYS,
  },
});

/** Everything serverless.ts adds under `resources.Resources`. */
export const extraResources = () => ({
  [LOGICAL_IDS.table]: tenantTable(),
  [LOGICAL_IDS.stateMachineLogGroup]: stateMachineLogGroup(),
  ...functionRoles(),
  ...monitoringResources(),
});

/** Conditions serverless.ts adds under `resources.Conditions`. */
export const extraConditions = () => monitoringConditions();

/** Stack outputs besides the state machine ARNs (serverless-step-functions emits those). */
export const extraOutputs = () => ({
  TenantTableName: { Description: 'The tenant map table', Value: { Ref: LOGICAL_IDS.table } },
  ...monitoringOutputs(),
});
