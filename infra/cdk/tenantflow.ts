import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, type CfnResource, Duration, type IResolvable, Token, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import { Construct } from 'constructs';
import { parseCatalogue } from '../../src/domain/catalogue.ts';
import type { Json } from '../deploy/asl.ts';
import { type RuleModel, type RuleTrigger, sbtPattern } from '../deploy/functions.ts';
import { functionGrants, type Grant, stateMachineGrants } from '../deploy/iam.ts';
import { type Deployable, deployable } from '../deploy/model.ts';
import {
  DEAD_LETTERED,
  type DeploySettings,
  FUNCTION_NAMES,
  type FunctionName,
  functionName,
  LOGICAL_IDS,
  ruleRoleId,
  SETTING_DEFAULTS,
} from '../deploy/names.ts';

/**
 * tenantflow as a CDK construct: the same model of the deployable serverless.ts renders
 * (infra/deploy/model.ts), added to a CDK app beside SBT's control plane.
 */

/** An event SBT knows by name: its detail-type and source (SBT 0.9's `EventDefinition`). */
export interface SbtEventDefinition {
  readonly detailType: string;
  readonly source: string;
}

/**
 * The part of SBT 0.9's `IEventManager` (`@cdklabs/sbt-aws`, src/utils/event-manager.ts) tenantflow
 * uses, typed by its shape so any version that has it fits (the registry here serves only 0.5).
 */
export interface SbtEventManager {
  readonly busName: string;
  readonly busArn: string;
  readonly controlPlaneEventSource: string;
  readonly applicationPlaneEventSource: string;
  readonly events: { readonly [name: string]: SbtEventDefinition };
  addTargetToEvent(
    scope: Construct,
    props: { eventDefinition: SbtEventDefinition; target: events.IRuleTarget },
  ): void;
  createControlPlaneEvent?(detailType: string): SbtEventDefinition;
  createCustomEvent?(detailType: string, source: string): SbtEventDefinition;
}

export interface TenantFlowProps {
  /** Physical names are `tenantflow-<stage>-…`, which the CLI finds a deployment by. Default `dev`. */
  readonly stage?: string;
  /**
   * SBT's event manager (`controlPlane.eventManager`): requests reach tenantflow through rules it adds
   * with `addTargetToEvent`, so SBT's own event definitions decide detail-types and sources.
   */
  readonly eventManager?: SbtEventManager;
  /** Without an event manager: SBT's bus by name, with the sources and prefix below. */
  readonly eventBusName?: string;
  readonly controlPlaneSource?: string;
  readonly controlPlaneSourceAlias?: string;
  readonly applicationPlaneSource?: string;
  readonly detailTypePrefix?: string;
  /** The shared infrastructure stack (infra/shared.yaml) by name. Default `tenantflow-shared`. */
  readonly sharedStackName?: string;
  /** The tier catalogue (as infra/tier-catalogue.json); checked at synth. Default: the bundled one. */
  readonly tierCatalogue?: unknown;
  /** An address the alarm topic mails. Default: none (subscribe to the AlarmTopicArn output). */
  readonly alarmEmail?: string;
  /** Tenant names and emails in the state machines' logs. Default false. */
  readonly logExecutionData?: boolean;
  /** The hourly reconciliation repairs drift instead of only reporting it. Default false. */
  readonly reconcileRepair?: boolean;
  readonly tableDeletionProtection?: boolean;
  readonly resourcePrefix?: string;
  readonly healthCheckPath?: string;
  readonly apiGatewayUrl?: string;
  /** An SES identity's ARN tenant pools send their mail with (default: Cognito's own mail). */
  readonly cognitoEmailSourceArn?: string;
  /** The sender that mail shows, with cognitoEmailSourceArn. */
  readonly cognitoEmailFrom?: string;
  readonly shardCapacity?: string;
  readonly shardGrowthThreshold?: string;
  readonly shardGrowthLimit?: string;
  readonly onboardingP95Seconds?: number;
  readonly operatorSource?: string;
  /**
   * Where `npm run package` (or `node scripts/package.mjs --bundle-only`) wrote the functions'
   * bundles, one folder per function. Default: this package's `.esbuild/`.
   */
  readonly bundlesDir?: string;
}

const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The settings the model is rendered with, from the props (and the event manager's bus and sources). */
export const settingsOf = (props: TenantFlowProps): DeploySettings => {
  const em = props.eventManager;
  const eventBus = em?.busName ?? props.eventBusName;
  if (eventBus === undefined)
    throw new Error('TenantFlow: give eventManager (SBT 0.9 or later) or eventBusName (SBT’s bus)');
  if (em && props.eventBusName !== undefined)
    throw new Error('TenantFlow: give eventManager or eventBusName, not both');
  let tierCatalogue = '';
  if (props.tierCatalogue !== undefined) {
    parseCatalogue(props.tierCatalogue, 'TenantFlow props.tierCatalogue');
    tierCatalogue = JSON.stringify(props.tierCatalogue);
  }
  // Every setting a prop of the same name, defaulting as the osls params do; the event manager's bus
  // and sources win over the props.
  const given = props as Readonly<Record<string, unknown>>;
  const picked = Object.fromEntries(
    Object.entries(SETTING_DEFAULTS).map(([key, fallback]) => [key, given[key] ?? fallback]),
  ) as { [K in keyof typeof SETTING_DEFAULTS]: string | number | boolean };
  return {
    ...picked,
    stage: props.stage ?? 'dev',
    eventBus,
    ...(em
      ? {
          controlPlaneSource: em.controlPlaneEventSource,
          applicationPlaneSource: em.applicationPlaneEventSource,
        }
      : {}),
    tierCatalogue,
    reconcileRepair: String(picked.reconcileRepair),
    ingressRules: em ? 'bus' : 'own',
  };
};

const TOKEN = /\$\{Token\[[^\]]+\]\}/g;

/** A CloudFormation value the resolver hands over as it is. */
const verbatim = (value: unknown): IResolvable => ({
  creationStack: [],
  resolve: () => value,
  toString: () => Token.asString(verbatim(value)),
});

/**
 * The shared infrastructure tenants are provisioned into, as a construct: `infra/shared.yaml` itself,
 * included (not rewritten), so it is the same stack `aws cloudformation deploy` would make. Its
 * exports are named after the stack it is in: give that stack's name to `TenantFlow` as
 * `sharedStackName`, and put this construct in a stack of its own, deployed first.
 */
export class TenantFlowShared extends Construct {
  readonly include: CfnInclude;

  constructor(scope: Construct, id: string, props: { parameters?: Record<string, string> } = {}) {
    super(scope, id);
    this.include = new CfnInclude(this, 'Template', {
      templateFile: join(PACKAGE_ROOT, 'infra', 'shared.yaml'),
      ...(props.parameters ? { parameters: props.parameters } : {}),
    });
  }
}

export class TenantFlow extends Construct {
  /** The model this construct rendered. */
  readonly model: Deployable;
  /** The resources it made, by the model's logical id. */
  readonly resources: ReadonlyMap<string, CfnResource>;
  readonly tableName: string;
  readonly stateMachineArns: Readonly<Record<string, string>>;

  /** The model's resources as typed L1 constructs (their logical ids are `<construct id><model id>`). */
  readonly include: CfnInclude;

  readonly #ids = new Map<string, string>();
  readonly #fragment: { Conditions: Record<string, Json>; Resources: Record<string, Json> } = {
    Conditions: {},
    Resources: {},
  };

  constructor(scope: Construct, id: string, props: TenantFlowProps) {
    super(scope, id);
    const s = settingsOf(props);
    const model = deployable(s);
    this.model = model;
    const bundles = props.bundlesDir ?? join(PACKAGE_ROOT, '.esbuild');

    const modelIds = [
      ...Object.keys(model.resources),
      ...Object.values(LOGICAL_IDS.functions),
      ...model.machines.map((m) => m.logicalId),
      ...FUNCTION_NAMES.map((name) => `${pascal(name)}LogGroup`),
    ];
    for (const modelId of modelIds) this.#ids.set(modelId, `${id}${modelId}`.replace(/[^A-Za-z0-9]/g, ''));

    // A condition on settings known at synth (an alarm email given or not) is decided here; one on a
    // token goes into the template.
    const conditions = new Map<string, boolean | undefined>();
    for (const [name, expression] of Object.entries(model.conditions)) {
      const known = decide(expression);
      conditions.set(name, known);
      if (known === undefined)
        this.#fragment.Conditions[`${id}${name}`.replace(/[^A-Za-z0-9]/g, '')] = this.#relink(expression);
    }
    for (const [modelId, resource] of Object.entries(model.resources)) {
      const { Type, Properties, Condition, ...options } = resource as {
        Type: string;
        Properties?: Json;
        Condition?: string;
      } & Record<string, Json>;
      if (Condition !== undefined && !conditions.has(Condition))
        throw new Error(`TenantFlow: ${modelId} names no condition of the model`);
      const known = Condition === undefined ? true : conditions.get(Condition);
      if (known === false) continue;
      this.#resource(modelId, Type, Properties ?? {}, {
        ...options,
        ...(known === undefined ? { Condition: `${id}${Condition}`.replace(/[^A-Za-z0-9]/g, '') } : {}),
      });
    }

    const tags = Object.entries(model.tags).map(([Key, Value]) => ({ Key, Value }));
    for (const name of FUNCTION_NAMES) {
      const fn = model.functions[name];
      const dir = join(bundles, name);
      if (!existsSync(join(dir, `${name}.mjs`)))
        throw new Error(
          `TenantFlow: no bundle for ${name} in ${dir}: run \`node scripts/package.mjs --bundle-only\` (or npm run package) first`,
        );
      const code = new Asset(this, `${pascal(name)}Bundle`, { path: dir });
      this.#resource(`${pascal(name)}LogGroup`, 'AWS::Logs::LogGroup', {
        LogGroupName: `/aws/lambda/${functionName(s, name)}`,
        RetentionInDays: model.logRetentionDays,
      });
      this.#resource(
        LOGICAL_IDS.functions[name],
        'AWS::Lambda::Function',
        {
          Code: { S3Bucket: code.s3BucketName, S3Key: code.s3ObjectKey },
          Handler: `${name}.handler`,
          Runtime: model.functionDefaults.runtime,
          FunctionName: functionName(s, name),
          MemorySize: fn.memorySize,
          Timeout: fn.timeout,
          Architectures: [model.functionDefaults.architecture],
          Description: fn.description,
          Tags: tags,
          TracingConfig: { Mode: 'Active' },
          Environment: { Variables: { ...model.environment, ...fn.environment } },
          Role: { 'Fn::GetAtt': [LOGICAL_IDS.roles[name], 'Arn'] },
        },
        // Its log group first, with its retention, so Lambda does not make one that never expires.
        { DependsOn: [this.logicalIdOf(`${pascal(name)}LogGroup`)] },
      );
    }

    for (const machine of model.machines) {
      this.#resource(machine.logicalId, 'AWS::StepFunctions::StateMachine', {
        StateMachineName: machine.name,
        StateMachineType: 'STANDARD',
        // The ASL as a string, its step function's ARN substituted by CloudFormation.
        DefinitionString: JSON.stringify(substituteStepArn(machine.definition)),
        DefinitionSubstitutions: { StepFunctionArn: { 'Fn::GetAtt': [LOGICAL_IDS.stepFunction, 'Arn'] } },
        RoleArn: machine.role,
        LoggingConfiguration: {
          Level: machine.logging.level,
          IncludeExecutionData: machine.logging.includeExecutionData,
          Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: machine.logging.logGroup } }],
        },
        TracingConfiguration: { Enabled: true },
        Tags: tags,
      });
    }

    const counts = new Map<string, number>();
    const viaEventManager: [RuleModel, Extract<RuleTrigger, { bus: 'sbt' }>][] = [];
    for (const rule of model.rules) {
      const target = 'function' in rule.target ? rule.target.function : rule.target.machine;
      const n = (counts.get(target) ?? 0) + 1;
      counts.set(target, n);
      if (props.eventManager && 'bus' in rule.trigger && rule.trigger.bus === 'sbt')
        viaEventManager.push([rule, rule.trigger]);
      else this.#ownRule(s, rule, `${pascal(target)}Rule${n}`, `${s.stage}-${target}-rule-${n}`);
    }

    // The whole fragment goes in as typed L1 resources (CfnFunction, CfnRole, …), so that checks
    // written against them (cdk-nag, Aspects) see what the template holds.
    const file = join(mkdtempSync(join(tmpdir(), 'tenantflow-cdk-')), 'model.json');
    try {
      writeFileSync(file, JSON.stringify(this.#fragment));
      this.include = new CfnInclude(this, 'Model', { templateFile: file });
    } finally {
      rmSync(dirname(file), { recursive: true, force: true });
    }
    const made = new Map<string, CfnResource>();
    for (const [modelId, logicalId] of this.#ids)
      if (logicalId in this.#fragment.Resources) made.set(modelId, this.include.getResource(logicalId));
    this.resources = made;

    this.#acknowledge(s);

    for (const [rule, trigger] of viaEventManager)
      this.#eventManagerRule(props.eventManager as SbtEventManager, s, rule, trigger);

    for (const [name, output] of Object.entries(model.outputs))
      new CfnOutput(this, name, { description: output.Description, value: this.#value(output.Value) });
    for (const machine of model.machines)
      new CfnOutput(this, `${machine.logicalId}Arn`, {
        description: `The ${machine.id} state machine`,
        value: this.#value({ Ref: machine.logicalId }),
      });

    this.tableName = this.#value({ Ref: LOGICAL_IDS.table });
    this.stateMachineArns = Object.fromEntries(
      model.machines.map((m) => [m.id, this.#value({ Ref: m.logicalId })]),
    );
  }

  /**
   * What the AWS Solutions checks (cdk-nag) flag and this deployable does on purpose, each with its
   * reason, recorded on the resource it concerns.
   */
  #acknowledge(s: DeploySettings): void {
    const on = (modelId: string, rule: string, reason: string) => {
      const resource = this.resources.get(modelId);
      if (resource)
        Validations.of(resource).acknowledge({ id: `AwsSolutions::AwsSolutions-${rule}`, reason });
    };
    // A wildcard in a role is acknowledged finding by finding, each with its grant's reason
    // (infra/deploy/iam.ts, infra/README.md's table). A role whose resources cdk-nag cannot read
    // (listener-rule ARNs split out of the shared stack's exports) is acknowledged as a whole, saying so.
    const roleFindings = (modelId: string, grants: Grant[]) => {
      const resource = this.resources.get(modelId);
      if (!resource) return;
      const findings = grants.flatMap((g) =>
        (Array.isArray(g.Resource) ? g.Resource : [g.Resource]).map((r) => ({
          flat: flatten(this.#relink(r)),
          why: g.why,
        })),
      );
      if (findings.some((f) => f.flat === undefined)) {
        Validations.of(resource).acknowledge({
          id: 'AwsSolutions::AwsSolutions-IAM5',
          reason:
            "cdk-nag cannot read this role's listener-rule resources (Fn::Split of the shared stack's exports) and stops; its wildcards are checked instead by test/unit/deploy/template.test.ts (every delete, change or tag of a tenant resource needs tenantflow's tag; Resource * only for actions AWS cannot scope) and listed with their reasons in infra/README.md",
        });
        return;
      }
      const seen = new Set<string>();
      for (const { flat, why } of findings) {
        if (flat === undefined || !flat.includes('*') || seen.has(flat)) continue;
        seen.add(flat);
        Validations.of(resource).acknowledge({
          id: `AwsSolutions::AwsSolutions-IAM5[Resource::${flat}]`,
          reason: why,
        });
      }
    };
    const grants = functionGrants(s);
    for (const name of FUNCTION_NAMES) {
      roleFindings(LOGICAL_IDS.roles[name], grants[name]);
      on(
        LOGICAL_IDS.functions[name],
        'L1',
        `${this.model.functionDefaults.runtime} is the runtime the bundles are built for (esbuild target node22) and tested against`,
      );
    }
    roleFindings(LOGICAL_IDS.stateMachineRole, stateMachineGrants());
    for (const machine of this.model.machines)
      on(
        machine.logicalId,
        'SF1',
        "ERROR level: every failed state's error and cause are logged; ALL would log each transition's input, which holds tenants' names and emails (logExecutionData opts in to execution data)",
      );
    for (const name of DEAD_LETTERED)
      on(
        LOGICAL_IDS.deadLetters[name],
        'SQS3',
        `it is itself a dead-letter queue: of the ${name}'s EventBridge rules and of its asynchronous invocations (EventInvokeConfig on-failure destination)`,
      );
  }

  /** The logical id the construct gives a model id. */
  logicalIdOf(modelId: string): string {
    const found = this.#ids.get(modelId);
    if (!found) throw new Error(`TenantFlow: no resource ${modelId} in the model`);
    return found;
  }

  /** Adds a resource to the fragment under the construct's logical id for `modelId`. */
  #resource(modelId: string, type: string, properties: Json, options: Record<string, Json> = {}): void {
    if (!this.#ids.has(modelId))
      this.#ids.set(modelId, `${this.node.id}${modelId}`.replace(/[^A-Za-z0-9]/g, ''));
    this.#fragment.Resources[this.logicalIdOf(modelId)] = {
      Type: type,
      Properties: this.#relink(properties),
      ...options,
    };
  }

  /** A CloudFormation value with its references to model ids pointed at this construct's resources. */
  #value(value: Json): string {
    return Token.asString(verbatim(this.#relink(value)));
  }

  /**
   * The model's JSON for this construct: `Ref`/`Fn::GetAtt` of a model id name the construct's logical
   * id, and a `Fn::Sub` string holding a CDK token (SBT's bus name, say) takes it as a variable.
   */
  #relink(value: Json): Json {
    if (Array.isArray(value)) return value.map((item) => this.#relink(item));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    const [only] = entries;
    if (entries.length === 1 && only) {
      const [key, inner] = only;
      if (key === 'Ref' && typeof inner === 'string' && this.#ids.has(inner))
        return { Ref: this.logicalIdOf(inner) };
      if (
        key === 'Fn::GetAtt' &&
        Array.isArray(inner) &&
        typeof inner[0] === 'string' &&
        this.#ids.has(inner[0])
      )
        return { 'Fn::GetAtt': [this.logicalIdOf(inner[0]), ...inner.slice(1).map((x) => this.#relink(x))] };
      if (key === 'Fn::Sub') return { 'Fn::Sub': subWithTokens(this.#relink(inner)) };
    }
    return Object.fromEntries(entries.map(([key, inner]) => [key, this.#relink(inner)]));
  }

  /** A rule this construct owns (on the default bus, a schedule, or SBT's bus by name). */
  #ownRule(s: DeploySettings, rule: RuleModel, modelId: string, suffix: string): void {
    const { trigger } = rule;
    const isFunction = 'function' in rule.target;
    const targetId = isFunction
      ? LOGICAL_IDS.functions[(rule.target as { function: FunctionName }).function]
      : LOGICAL_IDS.stateMachines[
          (rule.target as { machine: keyof typeof LOGICAL_IDS.stateMachines }).machine
        ];
    this.#resource(modelId, 'AWS::Events::Rule', {
      // Named as osls names it: the dead-letter queues' policies allow exactly these rules.
      Name: `tenantflow-${suffix}`,
      State: 'ENABLED',
      ...('schedule' in trigger
        ? { ScheduleExpression: trigger.schedule }
        : trigger.bus === 'sbt'
          ? { EventBusName: s.eventBus, EventPattern: sbtPattern(s, trigger) }
          : { EventPattern: trigger.pattern }),
      Targets: [
        {
          Id: suffix,
          Arn: isFunction ? { 'Fn::GetAtt': [targetId, 'Arn'] } : { Ref: targetId },
          ...(isFunction
            ? {}
            : { InputPath: '$.detail', RoleArn: { 'Fn::GetAtt': [ruleRoleIdOf(rule), 'Arn'] } }),
          ...(rule.retry
            ? {
                RetryPolicy: {
                  MaximumEventAgeInSeconds: rule.retry.maximumEventAge,
                  MaximumRetryAttempts: rule.retry.maximumRetryAttempts,
                },
              }
            : {}),
          ...(rule.deadLetter
            ? {
                DeadLetterConfig: {
                  Arn: { 'Fn::GetAtt': [LOGICAL_IDS.deadLetters[rule.deadLetter], 'Arn'] },
                },
              }
            : {}),
        },
      ],
    });
    if (isFunction) {
      this.#resource(`${modelId}Permission`, 'AWS::Lambda::Permission', {
        FunctionName: { 'Fn::GetAtt': [targetId, 'Arn'] },
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [modelId, 'Arn'] },
      });
    }
  }

  /** A rule on SBT's bus, added through its event manager (one rule per event definition). */
  #eventManagerRule(
    em: SbtEventManager,
    s: DeploySettings,
    rule: RuleModel,
    trigger: Extract<RuleTrigger, { bus: 'sbt' }>,
  ): void {
    const definitions = trigger.detailTypes.map((name): SbtEventDefinition => {
      if (trigger.sender === 'operator')
        return (
          em.createCustomEvent?.(name, String(s.operatorSource)) ?? {
            detailType: name,
            source: String(s.operatorSource),
          }
        );
      const known = em.events[name];
      if (known) return known;
      const detailType = `${s.detailTypePrefix}${name}`;
      return em.createControlPlaneEvent?.(detailType) ?? { detailType, source: em.controlPlaneEventSource };
    });
    const target = this.#ruleTarget(rule);
    for (const eventDefinition of definitions) em.addTargetToEvent(this, { eventDefinition, target });
  }

  /** The CDK rule target of a model rule: a function or machine this construct made, by ARN. */
  #ruleTarget(rule: RuleModel): events.IRuleTarget {
    const retry = rule.retry
      ? {
          retryAttempts: rule.retry.maximumRetryAttempts,
          maxEventAge: Duration.seconds(rule.retry.maximumEventAge),
        }
      : {};
    const deadLetterQueue = rule.deadLetter
      ? sqs.Queue.fromQueueArn(
          this,
          `${pascal(rule.deadLetter)}DeadLetters`,
          this.#value({ 'Fn::GetAtt': [LOGICAL_IDS.deadLetters[rule.deadLetter], 'Arn'] }),
        )
      : undefined;
    if ('function' in rule.target) {
      const name = rule.target.function;
      const fn = lambda.Function.fromFunctionAttributes(this, `${pascal(name)}Target`, {
        functionArn: this.#value({ 'Fn::GetAtt': [LOGICAL_IDS.functions[name], 'Arn'] }),
        sameEnvironment: true,
      });
      return new targets.LambdaFunction(fn, { ...retry, ...(deadLetterQueue ? { deadLetterQueue } : {}) });
    }
    const machine = rule.target.machine;
    return new targets.SfnStateMachine(
      sfn.StateMachine.fromStateMachineArn(
        this,
        `${pascal(machine)}Target`,
        this.#value({ Ref: LOGICAL_IDS.stateMachines[machine] }),
      ),
      {
        // The event's `detail` is the execution's input (osls's `inputPath: $.detail`).
        input: events.RuleTargetInput.fromEventPath('$.detail'),
        role: iam.Role.fromRoleArn(
          this,
          `${pascal(machine)}RuleRole`,
          this.#value({ 'Fn::GetAtt': [ruleRoleId(machine), 'Arn'] }),
          {
            mutable: false,
          },
        ),
        ...retry,
        ...(deadLetterQueue ? { deadLetterQueue } : {}),
      },
    );
  }
}

/**
 * A resource as cdk-nag names it in a finding (`Fn::Sub`'s `${X}` as `<X>`, a reference as `<Id>` or
 * `<Id.Attr>`, a join joined, anything else as JSON), or undefined where cdk-nag cannot read it (a
 * `Fn::Join` of something other than a list).
 */
const flatten = (value: Json): string | undefined => {
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return JSON.stringify(value);
  if ('Fn::Join' in value) {
    const [delimiter, items] = value['Fn::Join'] as [string, Json];
    if (!Array.isArray(items)) return undefined;
    const parts = items.map(flatten);
    return parts.some((p) => p === undefined) ? undefined : parts.join(delimiter);
  }
  if ('Fn::Sub' in value) return flatten(value['Fn::Sub'] as Json);
  if ('Fn::GetAtt' in value) {
    const [id, attribute] = value['Fn::GetAtt'] as [string, string];
    return `<${id}.${attribute}>`;
  }
  if ('Fn::ImportValue' in value) return flatten(value['Fn::ImportValue'] as Json);
  if ('Ref' in value) return `<${String(value.Ref)}>`;
  return JSON.stringify(value);
};

/**
 * A condition's value when every operand is a literal (`Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or`),
 * else undefined.
 */
const decide = (expression: Json): boolean | undefined => {
  if (expression === null || typeof expression !== 'object' || Array.isArray(expression)) return undefined;
  const [[fn, args] = []] = Object.entries(expression);
  if (!Array.isArray(args)) return undefined;
  if (fn === 'Fn::Equals') {
    const [a, b] = args;
    const literal = (x: Json | undefined) =>
      (typeof x === 'string' && !Token.isUnresolved(x)) || typeof x === 'number' || typeof x === 'boolean';
    return literal(a) && literal(b) ? String(a) === String(b) : undefined;
  }
  const values = args.map(decide);
  if (values.some((v) => v === undefined)) return undefined;
  if (fn === 'Fn::Not') return !values[0];
  if (fn === 'Fn::And') return values.every(Boolean);
  if (fn === 'Fn::Or') return values.some(Boolean);
  return undefined;
};

const pascal = (value: string): string => `${value[0]?.toUpperCase() ?? ''}${value.slice(1)}`;

const ruleRoleIdOf = (rule: RuleModel): string =>
  'machine' in rule.target ? ruleRoleId(rule.target.machine) : '';

/** The ASL with every Task's step function ARN as a `${StepFunctionArn}` substitution. */
const substituteStepArn = (definition: Json): Json => {
  if (Array.isArray(definition)) return definition.map(substituteStepArn);
  if (definition === null || typeof definition !== 'object') return definition;
  const getAtt = (definition as { 'Fn::GetAtt'?: Json })['Fn::GetAtt'];
  if (Array.isArray(getAtt) && getAtt[0] === LOGICAL_IDS.stepFunction) return `\${StepFunctionArn}`;
  return Object.fromEntries(
    Object.entries(definition).map(([key, inner]) => [key, substituteStepArn(inner)]),
  );
};

/**
 * A `Fn::Sub` whose string holds CDK tokens: each token becomes a variable of the `Fn::Sub` (CloudFormation
 * takes only a literal string there), resolved by CDK in the variables' map.
 */
const subWithTokens = (sub: Json): Json => {
  const [text, variables] = Array.isArray(sub) ? [sub[0], (sub[1] ?? {}) as Record<string, Json>] : [sub, {}];
  if (typeof text !== 'string' || !Token.isUnresolved(text)) return sub;
  const added: Record<string, Json> = { ...variables };
  let n = 0;
  const rewritten = text.replace(TOKEN, (token) => {
    n += 1;
    const name = `TenantFlowToken${n}`;
    added[name] = token;
    return `\${${name}}`;
  });
  return [rewritten, added];
};
