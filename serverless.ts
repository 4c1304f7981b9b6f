import type { AWS } from 'osls/types/index.js';
import { bundleDir, type RuleModel, sbtPattern } from './infra/deploy/functions.ts';
import { type Deployable, deployable } from './infra/deploy/model.ts';
import {
  FUNCTION_NAMES,
  type FunctionName,
  LOGICAL_IDS,
  OSLS_SETTINGS,
  PARAM,
  ruleRoleId,
  SETTING_DEFAULTS,
} from './infra/deploy/names.ts';

/**
 * The deployable (osls 4 + serverless-step-functions), rendered from the model of
 * infra/deploy/model.ts with every setting an osls param. Functions are bundled beforehand by
 * scripts/package.mjs; change an installation's names with `--param="key=value"` (see `params`),
 * and its stage and region with `--stage` / `--region`.
 */

const s = OSLS_SETTINGS;
const model = deployable(s);

/**
 * osls reads the bus's name from an ARN and, unlike for a plain name, does not create the bus:
 * SBT's control plane owns it. Only the part after `event-bus/` reaches the template.
 */
const sbtBus = `arn:aws:events:\${aws:region}:000000000000:event-bus/${PARAM.eventBus}`;

const deadLetterArn = (rule: RuleModel) =>
  rule.deadLetter
    ? { deadLetterQueueArn: { 'Fn::GetAtt': [LOGICAL_IDS.deadLetters[rule.deadLetter], 'Arn'] } }
    : {};

/** A rule that invokes a function, as that function's osls event. */
const functionEvent = (rule: RuleModel) => {
  const { trigger } = rule;
  if ('schedule' in trigger) return { schedule: { rate: [trigger.schedule] } };
  return {
    eventBridge: {
      ...(trigger.bus === 'sbt'
        ? { eventBus: sbtBus, pattern: sbtPattern(s, trigger) }
        : { pattern: trigger.pattern }),
      ...(rule.retry ? { retryPolicy: rule.retry } : {}),
      ...deadLetterArn(rule),
    },
  };
};

/** Each function: its own bundle and nothing else in its zip, its own role, its rules as events. */
const oslsFunction = (name: FunctionName) => {
  const fn = model.functions[name];
  return {
    handler: `${bundleDir(name)}/${name}.handler`,
    role: LOGICAL_IDS.roles[name],
    package: { patterns: [`${bundleDir(name)}/**`] },
    description: fn.description,
    memorySize: fn.memorySize,
    timeout: fn.timeout,
    ...(Object.keys(fn.environment).length > 0 ? { environment: fn.environment } : {}),
    events: model.rules
      .filter((rule) => 'function' in rule.target && rule.target.function === name)
      .map(functionEvent),
  } as NonNullable<AWS['functions']>[string];
};

/** A state machine, with the rules that start it. */
const oslsStateMachine = (machine: Deployable['machines'][number]) => {
  const events = model.rules.flatMap((rule) =>
    'machine' in rule.target &&
    rule.target.machine === machine.id &&
    'bus' in rule.trigger &&
    rule.trigger.bus === 'sbt'
      ? [
          {
            eventBridge: {
              eventBusName: PARAM.eventBus,
              event: sbtPattern(s, rule.trigger),
              inputPath: '$.detail',
              iamRole: { 'Fn::GetAtt': [ruleRoleId(machine.id), 'Arn'] },
            },
          },
        ]
      : [],
  );
  return {
    id: machine.logicalId,
    name: machine.name,
    type: 'STANDARD',
    definition: machine.definition,
    loggingConfig: {
      level: machine.logging.level,
      includeExecutionData: machine.logging.includeExecutionData,
      destinations: [machine.logging.logGroup],
    },
    tracingConfig: { enabled: true },
    role: machine.role,
    ...(events.length > 0 ? { events } : {}),
  };
};

type Configuration = AWS & {
  stepFunctions: { validate: boolean; stateMachines: Record<string, ReturnType<typeof oslsStateMachine>> };
};

const configuration: Configuration = {
  service: model.service,
  frameworkVersion: '4',
  configValidationMode: 'error',
  plugins: ['serverless-step-functions'],
  params: {
    // No sbtEventBus default: SBT always creates its own bus, and the default bus would hear nothing.
    // Deploy with --param="sbtEventBus=<SBT's bus name>" (the control plane's eventBridgeArn output).
    default: { ...SETTING_DEFAULTS },
    prod: { tableDeletionProtection: true },
  },
  provider: {
    name: 'aws',
    runtime: model.functionDefaults.runtime as 'nodejs22.x',
    architecture: model.functionDefaults.architecture,
    stage: 'dev',
    region: 'us-east-1',
    memorySize: model.functionDefaults.memorySize,
    timeout: model.functionDefaults.timeout,
    logRetentionInDays: model.logRetentionDays,
    tracing: { lambda: true },
    versionFunctions: false,
    tags: model.tags,
    environment: model.environment as Record<string, string>,
  },
  // Each function ships its own bundle and nothing else (see each config's `package.patterns`).
  package: { individually: true, excludeDevDependencies: false, patterns: ['!**'] },
  functions: Object.fromEntries(FUNCTION_NAMES.map((name) => [name, oslsFunction(name)])),
  stepFunctions: {
    // asl-validator checks each definition at package time, before anything reaches AWS.
    validate: true,
    stateMachines: Object.fromEntries(
      model.machines.map((machine) => [machine.id, oslsStateMachine(machine)]),
    ),
  },
  resources: {
    Description: `tenantflow orchestrator (${model.service}-${s.stage})`,
    Conditions: model.conditions,
    Resources: model.resources,
    Outputs: model.outputs,
  },
};

export default configuration;
