import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  CloudFormationInfrastructure,
  CloudWatchAlarms,
  CognitoIdentityProvider,
  DynamoPriorityRegistry,
  DynamoShardRegistry,
  DynamoStatusLedger,
  DynamoTableStore,
  DynamoTenantMap,
  EcsContainerPlatform,
  ElbLoadBalancer,
  EventBridgePublisher,
  StepFunctionsStarter,
} from '../adapters/aws/index.ts';
import type { TenantFlowConfig } from '../config.ts';
import { FatalError } from '../domain/errors.ts';
import { MACHINE_IDS, type MachineId, stateMachineArnVariable } from '../domain/saga.ts';
import { type Log, SILENT_LOG } from '../ports/log.ts';
import type { Workflows } from '../ports/workflow.ts';
import type { StepDeps } from '../steps/index.ts';

/** The SDK clients one process uses: built once, shared by every adapter. */
export interface AwsClients {
  ecs: ECSClient;
  elb: ElasticLoadBalancingV2Client;
  dynamo: DynamoDBDocumentClient;
  cloudformation: CloudFormationClient;
  cloudwatch: CloudWatchClient;
  eventbridge: EventBridgeClient;
  sfn: SFNClient;
  tagging: ResourceGroupsTaggingAPIClient;
  cognito: CognitoIdentityProviderClient;
  /** DynamoDB's control plane (tenants' own tables), apart from `dynamo`, the tenant map's document client. */
  tables: DynamoDBClient;
}

/**
 * Production clients for `region` (credentials and retries from the SDK's defaults; `profile`
 * names a profile of the shared config files; the SDK honours `AWS_ENDPOINT_URL`).
 */
export const awsClients = (region: string, options: { profile?: string } = {}): AwsClients => {
  const config = { region, ...(options.profile ? { profile: options.profile } : {}) };
  return {
    ecs: new ECSClient(config),
    elb: new ElasticLoadBalancingV2Client(config),
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient(config), {
      marshallOptions: { removeUndefinedValues: true },
    }),
    cloudformation: new CloudFormationClient(config),
    cloudwatch: new CloudWatchClient(config),
    eventbridge: new EventBridgeClient(config),
    sfn: new SFNClient(config),
    tagging: new ResourceGroupsTaggingAPIClient(config),
    cognito: new CognitoIdentityProviderClient(config),
    tables: new DynamoDBClient(config),
  };
};

/** Every port the steps need, over the given clients. */
export const stepDeps = (
  config: TenantFlowConfig,
  clients: AwsClients,
  options: {
    now?: () => Date;
    log?: Log;
    /** How long a status-event claim holds before another sender may take it over (default 90 s). */
    ledgerLeaseSeconds?: number;
    /** Step Functions, for the rollout's steps (the step function's); others start nothing from a step. */
    workflows?: Workflows;
  } = {},
): StepDeps => ({
  config,
  ecs: new EcsContainerPlatform({ client: clients.ecs }),
  elb: new ElbLoadBalancer({ client: clients.elb }),
  identity: new CognitoIdentityProvider({ client: clients.cognito }),
  tables: new DynamoTableStore({ client: clients.tables }),
  tenants: new DynamoTenantMap({ client: clients.dynamo, tableName: config.tableName }),
  priorities: new DynamoPriorityRegistry({ client: clients.dynamo, tableName: config.tableName }),
  shardRegistry: new DynamoShardRegistry({ client: clients.dynamo, tableName: config.tableName }),
  ledger: new DynamoStatusLedger({
    client: clients.dynamo,
    tableName: config.tableName,
    ...(options.ledgerLeaseSeconds === undefined ? {} : { leaseSeconds: options.ledgerLeaseSeconds }),
  }),
  events: new EventBridgePublisher({ client: clients.eventbridge, eventBusName: config.eventBusName }),
  infra: new CloudFormationInfrastructure({
    client: clients.cloudformation,
    stackName: config.sharedStackName,
  }),
  log: options.log ?? SILENT_LOG,
  now: options.now ?? (() => new Date()),
  workflows: options.workflows ?? NO_WORKFLOWS,
  alarms: new CloudWatchAlarms({ client: clients.cloudwatch }),
});

/** Step Functions for a function that starts nothing from a step: any use is a wiring mistake. */
const NO_WORKFLOWS: Workflows = {
  start: async (machine) => {
    throw new FatalError(`this function is not wired to start ${machine} executions`);
  },
  describe: async (machine) => {
    throw new FatalError(`this function is not wired to read ${machine} executions`);
  },
};

/** The state machine ARNs, from the environment serverless.ts sets. */
export const stateMachineArns = (env: Record<string, string | undefined>): Record<MachineId, string> => {
  const arns: Partial<Record<MachineId, string>> = {};
  for (const machine of MACHINE_IDS) {
    const name = stateMachineArnVariable(machine);
    const value = env[name];
    if (!value) throw new Error(`environment variable ${name} is not set`);
    arns[machine] = value;
  }
  return arns as Record<MachineId, string>;
};

/** The workflow starter over the given client. */
export const workflowStarter = (clients: AwsClients, arns: Record<MachineId, string>): StepFunctionsStarter =>
  new StepFunctionsStarter({ client: clients.sfn, stateMachineArns: arns });
