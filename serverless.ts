import { fileURLToPath } from 'node:url';
import type { AWS } from 'osls/types/index.js';
import { loadDefinition } from './infra/deploy/asl.ts';
import { FUNCTIONS } from './infra/deploy/functions.ts';
import { LOGICAL_IDS, NAME_PREFIX, PARAM, SERVICE_NAME, stateMachineName } from './infra/deploy/names.ts';
import {
  extraConditions,
  extraOutputs,
  extraResources,
  LOG_RETENTION_DAYS,
} from './infra/deploy/resources.ts';
import { ROLLOUT_REQUEST } from './src/domain/rollout.ts';
import { MACHINE_IDS, type MachineId, ROLLOUT_MACHINE } from './src/domain/saga.ts';
import { DEPLOYED_SHARD_GROWTH_THRESHOLD } from './src/domain/shards.ts';

/**
 * The deployable (osls 4 + serverless-step-functions). Functions are bundled beforehand by
 * scripts/package.mjs; change an installation's names with `--param="key=value"` (see `params`),
 * and its stage and region with `--stage` / `--region`.
 */

const stateMachinesDir = fileURLToPath(new URL('./state-machines/', import.meta.url));
const stepFunctionArn = { 'Fn::GetAtt': [LOGICAL_IDS.stepFunction, 'Arn'] };

/** Standard, not Express: a saga runs up to 90 minutes and needs exactly-once state transitions. */
const stateMachine = (id: MachineId) => ({
  id: LOGICAL_IDS.stateMachines[id],
  name: stateMachineName(id),
  type: 'STANDARD',
  definition: loadDefinition(stateMachinesDir, id, stepFunctionArn),
  loggingConfig: {
    level: 'ERROR',
    // Off unless asked for: execution data holds tenant names and emails.
    includeExecutionData: PARAM.logExecutionData,
    destinations: [{ 'Fn::GetAtt': [LOGICAL_IDS.stateMachineLogGroup, 'Arn'] }],
  },
  tracingConfig: { enabled: true },
  // A rollout request on SBT's bus starts the rollout machine itself (its detail is the input).
  ...(id === ROLLOUT_MACHINE
    ? {
        events: [
          {
            eventBridge: {
              eventBusName: PARAM.eventBus,
              event: { source: [PARAM.operatorSource], 'detail-type': [ROLLOUT_REQUEST] },
              inputPath: '$.detail',
            },
          },
        ],
      }
    : {}),
});

type Configuration = AWS & {
  stepFunctions: { validate: boolean; stateMachines: Record<string, ReturnType<typeof stateMachine>> };
};

const configuration: Configuration = {
  service: SERVICE_NAME,
  frameworkVersion: '4',
  configValidationMode: 'error',
  plugins: ['serverless-step-functions'],
  params: {
    default: {
      sharedStackName: 'tenantflow-shared',
      // No sbtEventBus default: SBT always creates its own bus, and the default bus would hear nothing.
      // Deploy with --param="sbtEventBus=<SBT's bus name>" (the control plane's eventBridgeArn output).
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
    },
    prod: { tableDeletionProtection: true },
  },
  provider: {
    name: 'aws',
    runtime: 'nodejs22.x',
    architecture: 'arm64',
    stage: 'dev',
    region: 'us-east-1',
    memorySize: 256,
    timeout: 30,
    logRetentionInDays: LOG_RETENTION_DAYS,
    tracing: { lambda: true },
    versionFunctions: false,
    tags: { 'tenantflow:managed-by': 'tenantflow' },
    environment: {
      NODE_OPTIONS: '--enable-source-maps',
      TENANT_TABLE: { Ref: LOGICAL_IDS.table },
      SHARED_STACK_NAME: PARAM.sharedStackName,
      SBT_EVENT_BUS: PARAM.eventBus,
      CONTROL_PLANE_SOURCES: `${PARAM.controlPlaneSource},${PARAM.controlPlaneSourceAlias}`,
      APPLICATION_PLANE_SOURCE: PARAM.applicationPlaneSource,
      DETAIL_TYPE_PREFIX: PARAM.detailTypePrefix,
      RESOURCE_PREFIX: PARAM.resourcePrefix,
      HEALTH_CHECK_PATH: PARAM.healthCheckPath,
      TIER_CATALOGUE: PARAM.tierCatalogue,
      API_GATEWAY_URL: PARAM.apiGatewayUrl,
      SHARD_CAPACITY: PARAM.shardCapacity,
      SHARD_GROWTH_THRESHOLD: PARAM.shardGrowthThreshold,
      SHARD_GROWTH_LIMIT: PARAM.shardGrowthLimit,
      POWERTOOLS_SERVICE_NAME: 'tenantflow',
      POWERTOOLS_METRICS_NAMESPACE: 'tenantflow',
      POWERTOOLS_LOG_LEVEL: 'INFO',
    },
  },
  // Each function ships its own bundle and nothing else (see each config's `package.patterns`).
  package: { individually: true, excludeDevDependencies: false, patterns: ['!**'] },
  functions: FUNCTIONS,
  stepFunctions: {
    // asl-validator checks each definition at package time, before anything reaches AWS.
    validate: true,
    stateMachines: Object.fromEntries(MACHINE_IDS.map((id) => [id, stateMachine(id)])),
  },
  resources: {
    Description: `tenantflow orchestrator (${NAME_PREFIX})`,
    Conditions: extraConditions(),
    Resources: extraResources(),
    Outputs: extraOutputs(),
  },
};

export default configuration;
