import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { STEP_FUNCTION_ARN_PLACEHOLDER } from '../../../infra/deploy/asl.ts';
import { isStepName, MACHINE_IDS, type StepName } from '../../../src/domain/saga.ts';

/**
 * Packages the real deployable (esbuild bundles + `osls package`, offline) into a temporary
 * directory and checks the CloudFormation template it produced.
 */

const root = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);

const resourceSchema = z.looseObject({
  Type: z.string(),
  Properties: z.record(z.string(), z.unknown()).default({}),
});
const templateSchema = z.object({
  Resources: z.record(z.string(), resourceSchema),
  Outputs: z.record(z.string(), z.looseObject({ Value: z.unknown() })),
});
type Template = z.infer<typeof templateSchema>;

const outputs: string[] = [];

const packageStage = async (stage: string, extra: string[]): Promise<Template> => {
  const out = mkdtempSync(join(tmpdir(), `tf-package-${stage}-`));
  outputs.push(out);
  await run(process.execPath, ['scripts/package.mjs', ...extra, '--stage', stage, '--package', out], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
  });
  return templateSchema.parse(
    JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8')),
  );
};

let template: Template;
let customBus: Template;

beforeAll(async () => {
  template = await packageStage('test', ['--param=sbtEventBus=sbt-control-plane']);
  // Same bundles, another installation: another SBT bus.
  customBus = await packageStage('sbt', ['--no-bundle', '--param=sbtEventBus=sbt-bus']);
}, 120_000);

afterAll(() => {
  for (const out of outputs) rmSync(out, { recursive: true, force: true });
});

const ofType = (t: Template, type: string) => Object.entries(t.Resources).filter(([, r]) => r.Type === type);
const props = (t: Template, logicalId: string): Record<string, unknown> => {
  const found = t.Resources[logicalId];
  if (!found) throw new Error(`no resource ${logicalId}`);
  return found.Properties;
};

// ---- ASL inside the template ----

const stateSchema = z.looseObject({
  Type: z.string(),
  Resource: z.string().optional(),
  Parameters: z.looseObject({ step: z.string().optional() }).optional(),
  Retry: z.array(z.unknown()).optional(),
  Catch: z.array(z.unknown()).optional(),
  Branches: z.array(z.unknown()).optional(),
  ItemProcessor: z.unknown().optional(),
});
const statesSchema = z.object({ States: z.record(z.string(), stateSchema) });
type State = z.infer<typeof stateSchema>;

/** Every state, including those inside Parallel branches and Map processors. */
const allStates = (definition: unknown): [string, State][] =>
  Object.entries(statesSchema.parse(definition).States).flatMap(([name, state]): [string, State][] => [
    [name, state],
    ...(state.Branches ?? []).flatMap(allStates),
    ...(state.ItemProcessor ? allStates(state.ItemProcessor) : []),
  ]);

const definitionSchema = z.union([
  z.string(),
  z.object({ 'Fn::Sub': z.string() }),
  z.object({ 'Fn::Sub': z.tuple([z.string(), z.record(z.string(), z.unknown())]) }),
]);

/** The definition JSON and the values `Fn::Sub` splices into it. */
const definitionOf = (t: Template, logicalId: string): { asl: unknown; params: Record<string, unknown> } => {
  const raw = definitionSchema.parse(props(t, logicalId).DefinitionString);
  if (typeof raw === 'string') return { asl: JSON.parse(raw), params: {} };
  const sub = raw['Fn::Sub'];
  if (typeof sub === 'string') return { asl: JSON.parse(sub), params: {} };
  return { asl: JSON.parse(sub[0]), params: sub[1] };
};

/** Compensations (which chain on by themselves) and the terminal notifications need no Catch. */
const NOT_FORWARD: ReadonlySet<StepName> = new Set<StepName>([
  'DeleteService',
  'DeleteListenerRule',
  'DeleteTargetGroup',
  'DeregisterTaskDefinition',
  'DeleteCluster',
  'MarkFailed',
  'NotifySuccess',
  'NotifyFailure',
]);

const machineLogicalId = (id: string) => `${id[0]?.toUpperCase()}${id.slice(1)}StateMachine`;

describe('packaged template: state machines', () => {
  it.each(MACHINE_IDS)('%s is a Standard state machine with logs and tracing', (id) => {
    // Prepare
    const logicalId = machineLogicalId(id);

    // Act
    const machine = props(template, logicalId);

    // Assess
    expect(template.Resources[logicalId]?.Type).toBe('AWS::StepFunctions::StateMachine');
    expect(machine).toMatchObject({
      StateMachineName: `tenantflow-test-${id}`,
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: {
        IncludeExecutionData: false,
        Destinations: [
          { CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': ['StateMachineLogGroup', 'Arn'] } } },
        ],
      },
    });
    expect(ofType(template, 'AWS::StepFunctions::StateMachine')).toHaveLength(MACHINE_IDS.length);
  });

  it.each(MACHINE_IDS)('%s: every Task calls the step Lambda, retries, and forward Tasks catch', (id) => {
    // Prepare
    const { asl, params } = definitionOf(template, machineLogicalId(id));

    // Act
    const tasks = allStates(asl).filter(([, state]) => state.Type === 'Task');

    // Assess
    expect(tasks.length).toBeGreaterThan(0);
    for (const [name, task] of tasks) {
      const step = task.Parameters?.step ?? name;
      expect(isStepName(step), `${id}.${name} step ${step}`).toBe(true);
      const reference = /^\$\{(\w+)\}$/.exec(task.Resource ?? '')?.[1];
      expect(reference && params[reference], `${id}.${name} Resource`).toEqual({
        'Fn::GetAtt': ['StepLambdaFunction', 'Arn'],
      });
      expect(task.Retry?.length ?? 0, `${id}.${name} Retry`).toBeGreaterThan(0);
      if (isStepName(step) && !NOT_FORWARD.has(step)) {
        expect(task.Catch?.length ?? 0, `${id}.${name} Catch`).toBeGreaterThan(0);
      }
    }
  });

  it('leaves no placeholder ARN anywhere in the template', () => {
    // Prepare
    const text = JSON.stringify(template);

    // Act
    const found = text.includes(STEP_FUNCTION_ARN_PLACEHOLDER);

    // Assess
    expect(found).toBe(false);
  });
});

describe('packaged template: rules', () => {
  const rulePattern = (t: Template, fn: string) => {
    const rule = ofType(t, 'AWS::Events::Rule').find(([, r]) =>
      JSON.stringify(r.Properties.Targets).includes(`"${fn}LambdaFunction"`),
    );
    if (!rule) throw new Error(`no rule targets ${fn}`);
    return rule[1].Properties;
  };

  it('sends SBT lifecycle requests (canonical and pre-0.9 names) from the control plane to the ingress', () => {
    // Prepare
    const rule = rulePattern(template, 'Ingress');

    // Act
    const pattern = rule.EventPattern;

    // Assess: on SBT's bus, never the default one (which hears nothing from SBT).
    expect(rule.EventBusName).toBe('sbt-control-plane');
    expect(pattern).toEqual({
      source: ['sbt.control.plane', 'controlPlaneEventSource'],
      'detail-type': [
        'sbt_aws_onboardingRequest',
        'onboardingRequest',
        'sbt_aws_offboardingRequest',
        'offboardingRequest',
        'sbt_aws_activateRequest',
        'activateRequest',
        'sbt_aws_deactivateRequest',
        'deactivateRequest',
        'sbt_aws_migrateRequest',
        'migrateRequest',
        'sbt_aws_updateRequest',
        'updateRequest',
      ],
    });
  });

  it('listens on a named SBT bus without creating it', () => {
    // Prepare
    const rule = rulePattern(customBus, 'Ingress');

    // Act
    const buses = ofType(customBus, 'AWS::Events::EventBus');

    // Assess
    expect(rule.EventBusName).toBe('sbt-bus');
    expect(buses).toEqual([]);
    expect(JSON.stringify(props(customBus, 'IngressEventBridgeLambdaPermission1').SourceArn)).toContain(
      '["rule","sbt-bus","tenantflow-sbt-ingress-rule-1"]',
    );
  });

  it("sends our machines' failed, timed-out and aborted executions to the watcher", () => {
    // Prepare
    const rule = rulePattern(template, 'Watcher');

    // Act
    const pattern = rule.EventPattern;

    // Assess: Step Functions reports on the default bus.
    expect(rule.EventBusName).toBeUndefined();
    expect(pattern).toEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: {
        status: ['FAILED', 'TIMED_OUT', 'ABORTED'],
        stateMachineArn: MACHINE_IDS.map((id) => ({ Ref: machineLogicalId(id) })),
      },
    });
    // Ingress, watcher, rollout requests, and the audit's and reconciliation's schedules.
    expect(ofType(template, 'AWS::Events::Rule')).toHaveLength(5);
  });

  it('starts the rollout machine from a rollout request on SBT’s bus, its detail the input', () => {
    // Prepare
    const [, rule] =
      ofType(template, 'AWS::Events::Rule').find(([, r]) =>
        JSON.stringify(r.Properties.Targets).includes('"RolloutStateMachine"'),
      ) ?? [];

    // Act
    const properties = rule?.Properties;
    const [target] = (properties?.Targets ?? []) as Array<Record<string, unknown>>;

    // Assess
    expect(properties?.EventBusName).toBe('sbt-control-plane');
    expect(properties?.EventPattern).toEqual({
      source: ['tenantflow.operator'],
      'detail-type': ['tenantflow_rolloutRequest'],
    });
    expect(target).toMatchObject({ Arn: { Ref: 'RolloutStateMachine' }, InputPath: '$.detail' });
  });
});

describe('packaged template: table, functions, IAM, outputs', () => {
  it('has the tenant table on demand with point-in-time recovery', () => {
    // Prepare
    const tables = ofType(template, 'AWS::DynamoDB::Table');

    // Act
    const table = props(template, 'TenantTable');

    // Assess
    expect(tables).toHaveLength(1);
    expect(table).toMatchObject({
      TableName: 'tenantflow-test-tenants',
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      DeletionProtectionEnabled: false,
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    });
  });

  it.each([
    ['Ingress', 'ingress'],
    ['Step', 'step'],
    ['Watcher', 'watcher'],
    ['Audit', 'audit'],
    ['Reconcile', 'reconcile'],
  ])('%s runs nodejs22.x on arm64 from its own bundle, with its own role', (logical, name) => {
    // Prepare
    const logicalId = `${logical}LambdaFunction`;

    // Act
    const fn = props(template, logicalId);

    // Assess
    expect(fn).toMatchObject({
      FunctionName: `tenantflow-test-${name}`,
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: `.esbuild/${name}/${name}.handler`,
      Role: { 'Fn::GetAtt': [`${logical}Role`, 'Arn'] },
      TracingConfig: { Mode: 'Active' },
      Environment: {
        Variables: expect.objectContaining({
          TENANT_TABLE: { Ref: 'TenantTable' },
          SHARED_STACK_NAME: 'tenantflow-shared',
          SBT_EVENT_BUS: 'sbt-control-plane',
          CONTROL_PLANE_SOURCES: 'sbt.control.plane,controlPlaneEventSource',
          APPLICATION_PLANE_SOURCE: 'sbt.application.plane',
          DETAIL_TYPE_PREFIX: 'sbt_aws_',
          RESOURCE_PREFIX: 'tf',
          HEALTH_CHECK_PATH: '/',
          // Empty: the catalogue bundled from infra/tier-catalogue.json.
          TIER_CATALOGUE: '',
          POWERTOOLS_SERVICE_NAME: 'tenantflow',
        }),
      },
    });
    expect(ofType(template, 'AWS::Lambda::Function')).toHaveLength(5);
  });

  it('gives the step dispatcher 60 s and the ingress the four state machine ARNs', () => {
    // Prepare
    const step = props(template, 'StepLambdaFunction');

    // Act
    const ingress = props(template, 'IngressLambdaFunction');

    // Assess: the step function names the machines by their fixed names (a Ref would be a cycle).
    expect(step.Timeout).toBe(60);
    expect(step.Environment).toMatchObject({
      Variables: {
        UPDATE_STATE_MACHINE_ARN: {
          'Fn::Sub': `arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:stateMachine:tenantflow-test-update`,
        },
      },
    });
    expect(ingress.Environment).toMatchObject({
      Variables: {
        ONBOARDING_STATE_MACHINE_ARN: { Ref: 'OnboardingStateMachine' },
        OFFBOARDING_STATE_MACHINE_ARN: { Ref: 'OffboardingStateMachine' },
        ACTIVATION_STATE_MACHINE_ARN: { Ref: 'ActivationStateMachine' },
        MIGRATION_STATE_MACHINE_ARN: { Ref: 'MigrationStateMachine' },
      },
    });
  });

  it('has no IAM statement whose action is `*` or `service:*`, and no shared Lambda role', () => {
    // Prepare
    const policyHolders = [
      ...ofType(template, 'AWS::IAM::Role'),
      ...ofType(template, 'AWS::IAM::Policy'),
      ...ofType(template, 'AWS::IAM::ManagedPolicy'),
    ];
    const statementSchema = z.looseObject({
      Effect: z.string(),
      Action: z.union([z.string(), z.array(z.string())]),
    });
    const documents = policyHolders.flatMap(([, r]) => [
      ...z
        .array(z.object({ PolicyDocument: z.unknown() }))
        .default([])
        .parse(r.Properties.Policies),
      ...(r.Properties.PolicyDocument ? [{ PolicyDocument: r.Properties.PolicyDocument }] : []),
    ]);

    // Act
    const statements = documents.flatMap(
      ({ PolicyDocument }) =>
        z.object({ Statement: z.array(statementSchema) }).parse(PolicyDocument).Statement,
    );
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

    // Assess
    expect(statements.length).toBeGreaterThan(20);
    expect(actions.filter((action) => action === '*' || /^[a-z0-9-]+:\*$/.test(action))).toEqual([]);
    expect(template.Resources.IamRoleLambdaExecution).toBeUndefined();
  });

  it('keeps the tenant table when the stack goes, and keeps execution data out of the logs', () => {
    // Act
    const table = template.Resources.TenantTable;
    const logging = MACHINE_IDS.map(
      (id) => props(template, `${id[0]?.toUpperCase()}${id.slice(1)}StateMachine`).LoggingConfiguration,
    );

    // Assess
    expect(table).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    for (const config of logging)
      expect(config).toMatchObject({ Level: 'ERROR', IncludeExecutionData: false });
  });

  it('outputs the state machine ARNs and the table name', () => {
    // Prepare
    const outputs = template.Outputs;

    // Act
    const values = Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, output.Value]));

    // Assess
    expect(values).toMatchObject({
      OnboardingStateMachineArn: { Ref: 'OnboardingStateMachine' },
      OffboardingStateMachineArn: { Ref: 'OffboardingStateMachine' },
      ActivationStateMachineArn: { Ref: 'ActivationStateMachine' },
      TenantTableName: { Ref: 'TenantTable' },
    });
  });
});

// ---- IAM rules over every policy in the packaged template ----

const grantSchema = z.looseObject({
  Effect: z.string(),
  Action: z.union([z.string(), z.array(z.string())]),
  Resource: z.unknown(),
  Condition: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
});
type Grant = z.infer<typeof grantSchema> & { holder: string };

const allGrants = (t: Template): Grant[] =>
  Object.entries(t.Resources)
    .filter(([, r]) => ['AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'].includes(r.Type))
    .flatMap(([holder, r]) => {
      const documents = [
        ...z
          .array(z.object({ PolicyDocument: z.unknown() }))
          .default([])
          .parse(r.Properties.Policies),
        ...(r.Properties.PolicyDocument ? [{ PolicyDocument: r.Properties.PolicyDocument }] : []),
      ];
      return documents.flatMap(({ PolicyDocument }) =>
        z
          .object({ Statement: z.array(grantSchema) })
          .parse(PolicyDocument)
          .Statement.map((g) => ({ ...g, holder })),
      );
    });
const actionsOf = (g: Grant): string[] => (Array.isArray(g.Action) ? g.Action : [g.Action]);

/**
 * Actions allowed on `Resource: "*"`, each because the service has no resource-level permissions
 * for it (Service Authorization Reference of that service). Anything else on `*` fails.
 */
const STAR_ALLOW_LIST: Record<string, string> = {
  'xray:PutTraceSegments': 'X-Ray: no resource-level permissions',
  'tag:GetResources': 'Resource Groups Tagging API: no resource-level permissions (reconciliation)',
  'xray:PutTelemetryRecords': 'X-Ray: no resource-level permissions',
  'xray:GetSamplingRules': 'X-Ray: no resource-level permissions (state machine tracing)',
  'xray:GetSamplingTargets': 'X-Ray: no resource-level permissions (state machine tracing)',
  'ecs:RegisterTaskDefinition': 'ECS: no resource-level permissions',
  'ecs:DeregisterTaskDefinition': 'ECS: no resource-level permissions',
  'ecs:DeleteTaskDefinitions': 'ECS: no resource-level permissions',
  'ecs:ListTaskDefinitions': 'ECS: no resource-level permissions',
  'ecs:ListClusters': 'ECS: no resource-level permissions',
  'ecs:DescribeTaskDefinition': 'ECS: no resource-level permissions',
  'elasticloadbalancing:DescribeTargetGroups': 'ELBv2 Describe*: no resource-level permissions',
  'elasticloadbalancing:DescribeTargetHealth': 'ELBv2 Describe*: no resource-level permissions',
  'elasticloadbalancing:DescribeTargetGroupAttributes': 'ELBv2 Describe*: no resource-level permissions',
  'elasticloadbalancing:DescribeRules': 'ELBv2 Describe*: no resource-level permissions',
  'elasticloadbalancing:DescribeListeners': 'ELBv2 Describe*: no resource-level permissions',
  'elasticloadbalancing:DescribeTags': 'ELBv2 Describe*: no resource-level permissions',
  'elasticloadbalancing:DescribeLoadBalancers': 'ELBv2 Describe*: no resource-level permissions',
  'logs:CreateLogDelivery':
    'CloudWatch Logs vended delivery (Step Functions logging): no resource-level permissions',
  'logs:GetLogDelivery': 'CloudWatch Logs vended delivery: no resource-level permissions',
  'logs:UpdateLogDelivery': 'CloudWatch Logs vended delivery: no resource-level permissions',
  'logs:DeleteLogDelivery': 'CloudWatch Logs vended delivery: no resource-level permissions',
  'logs:ListLogDeliveries': 'CloudWatch Logs vended delivery: no resource-level permissions',
  'logs:PutResourcePolicy': 'CloudWatch Logs resource policy for vended logs: no resource-level permissions',
  'logs:DescribeResourcePolicies': 'CloudWatch Logs: no resource-level permissions',
  'logs:DescribeLogGroups': 'CloudWatch Logs: no resource-level permissions',
  'cognito-idp:CreateUserPool': 'Cognito CreateUserPool: no resource type (its tags are conditioned instead)',
  'cognito-idp:ListUserPools': 'Cognito ListUserPools: no resource type',
  'dynamodb:ListTables': 'DynamoDB ListTables: no resource type',
  'dynamodb:ListBackups': 'DynamoDB ListBackups: no resource type',
};

/** Actions that delete, change or tag a tenant's AWS resources. */
const DESTRUCTIVE_OR_TAGGING =
  /^(ecs|elasticloadbalancing|cognito-idp):(Delete|Deregister|Update|Modify|Put|TagResource|UntagResource|AddTags|RemoveTags|Admin)|^dynamodb:(DeleteTable|UpdateTable|UpdateContinuousBackups|CreateBackup|TagResource|UntagResource)$/;
/**
 * Ones AWS cannot scope by tag at all (see STAR_ALLOW_LIST), or not to the call that creates: the
 * steps check names and tags themselves. DynamoDB has no CreateAction condition key: CreateTable's
 * tags need dynamodb:TagResource, granted only on tables under the prefix and only with tenantflow's
 * managed-by tag in the request.
 */
const UNSCOPABLE_DESTRUCTIVE = new Set([
  'ecs:DeregisterTaskDefinition',
  'ecs:DeleteTaskDefinitions',
  'dynamodb:TagResource',
]);
const TAG_CONDITION = 'aws:ResourceTag/tenantflow:managed-by';
const CREATE_ACTION = /^(ecs|elasticloadbalancing):CreateAction$/;

describe('packaged template: IAM rules', () => {
  it('allows `Resource: "*"` only for actions on the allow-list', () => {
    // Act
    const offenders = allGrants(template)
      .filter((g) => g.Resource === '*' || (Array.isArray(g.Resource) && g.Resource.includes('*')))
      .flatMap((g) =>
        actionsOf(g)
          .filter((action) => !(action in STAR_ALLOW_LIST))
          .map((a) => `${g.holder}: ${a}`),
      );

    // Assess
    expect(offenders).toEqual([]);
  });

  it("never deletes, changes or tags a tenant resource without tenantflow's tag on it, and tags only on create (or the tier tag alone of what it made)", () => {
    // Act
    // The shared stack's pooled service is no tenant's and carries no tenantflow tag: a pooled tier's
    // rollout updates it, granted on exactly its ARN (checked below), never a pattern.
    const onPooledService = (g: Grant) =>
      /:service\/\$\{Cluster\}\/\$\{Pooled\}/.test(JSON.stringify(g.Resource));
    const pooled = allGrants(template).filter(onPooledService);
    const offenders = allGrants(template)
      .filter((g) => !onPooledService(g))
      .flatMap((g) =>
        actionsOf(g)
          .filter((action) => DESTRUCTIVE_OR_TAGGING.test(action) && !UNSCOPABLE_DESTRUCTIVE.has(action))
          .filter((action) => {
            const keys = Object.values(g.Condition ?? {}).flatMap((entries) => Object.keys(entries));
            const tagging = /:(TagResource|AddTags)$/.test(action);
            // A retag of something it made, limited to the tier tag (a migration hands a rule over).
            const tierOnly =
              keys.includes(TAG_CONDITION) &&
              JSON.stringify(g.Condition?.['ForAllValues:StringEquals']?.['aws:TagKeys']) ===
                '["tenantflow:tier"]';
            return tagging
              ? !keys.some((key) => CREATE_ACTION.test(key)) && !tierOnly
              : !keys.includes(TAG_CONDITION);
          })
          .map((action) => `${g.holder}: ${action}`),
      );

    // Assess
    expect(offenders).toEqual([]);
    expect(pooled.map((g) => [g.holder, actionsOf(g)])).toEqual([
      ['StepRole', ['ecs:DescribeServices', 'ecs:UpdateService']],
    ]);
    expect(JSON.stringify(pooled[0]?.Resource)).not.toMatch(/\*/);
  });

  it('publishes status events only with the application-plane source, and creates services only in allowed clusters', () => {
    // Act
    const puts = allGrants(template).filter((g) => actionsOf(g).includes('events:PutEvents'));
    const creates = allGrants(template).filter((g) => actionsOf(g).includes('ecs:CreateService'));

    // Assess
    expect(puts.length).toBe(3);
    for (const g of puts)
      expect(g.Condition).toEqual({ StringEquals: { 'events:source': 'sbt.application.plane' } });
    // The step dispatcher, and reconciliation recreating a missing service.
    expect(creates).toHaveLength(2);
    for (const g of creates) expect(g.Condition?.ArnLike).toHaveProperty('ecs:cluster');
  });

  it('matches the IAM table in infra/README.md (the table is generated from the same grants)', async () => {
    // Prepare
    const { iamTable } = await import('../../../infra/deploy/iam.ts');

    // Act
    const readme = readFileSync(join(root, 'infra', 'README.md'), 'utf8');

    // Assess
    expect(readme).toContain(iamTable());
  });
});

// ---- nothing lost, and someone told ----

describe('packaged template: dead letters, alarms, dashboard', () => {
  it('gives the ingress and the watcher a dead-letter queue for EventBridge and for Lambda', () => {
    // Act
    const rules = ofType(template, 'AWS::Events::Rule').map(([, r]) => JSON.stringify(r.Properties.Targets));
    const invokeConfigs = ofType(template, 'AWS::Lambda::EventInvokeConfig').map(([, r]) => r.Properties);

    // Assess
    for (const [fn, queue] of [
      ['IngressLambdaFunction', 'IngressDeadLetterQueue'],
      ['WatcherLambdaFunction', 'WatcherDeadLetterQueue'],
    ] as const) {
      expect(
        rules.some(
          (targets) =>
            targets.includes(fn) &&
            targets.includes(`"DeadLetterConfig":{"Arn":{"Fn::GetAtt":["${queue}","Arn"]}}`),
        ),
      ).toBe(true);
      expect(invokeConfigs).toContainEqual(
        expect.objectContaining({
          FunctionName: { Ref: fn },
          DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queue, 'Arn'] } } },
        }),
      );
      expect(template.Resources[queue]).toMatchObject({ Type: 'AWS::SQS::Queue', DeletionPolicy: 'Retain' });
    }
  });

  it('alarms on failures per tier, dead executions, stuck locks, throttling, dead letters and slow onboardings', () => {
    // Act
    const alarms = ofType(template, 'AWS::CloudWatch::Alarm').map(([, r]) => r.Properties);
    const names = alarms.map((a) => String(a.AlarmName).replace('tenantflow-test-', '')).sort();

    // Assess
    expect(names).toEqual(
      [
        'executions-timed-out-or-aborted',
        'ingress-dead-letters',
        'lifecycle-failures-advanced',
        'lifecycle-failures-basic',
        'lifecycle-failures-premium',
        'lifecycle-failures-suite',
        'onboarding-p95-duration',
        'steps-throttled',
        'tenants-locked-past-bound',
        'watcher-dead-letters',
      ].sort(),
    );
    for (const a of alarms) expect(a.AlarmActions).toEqual([{ Ref: 'AlarmTopic' }]);
  });

  it('has a dashboard of onboardings per tier and outcome', () => {
    // Act
    const sub = z
      .object({ 'Fn::Sub': z.tuple([z.string(), z.record(z.string(), z.unknown())]) })
      .parse(props(template, 'OperationsDashboard').DashboardBody);
    const body = JSON.parse(sub['Fn::Sub'][0]) as { widgets: Array<{ properties: { title: string } }> };

    // Assess
    expect(body.widgets.map((w) => w.properties.title)).toContain('Onboardings per tier and outcome');
    const onboardings = JSON.stringify(body.widgets[0]);
    expect(onboardings).toContain('MetricName=\\"LifecycleSucceeded\\" operation=\\"onboard\\"');
    expect(onboardings).toContain('MetricName=\\"LifecycleFailed\\" operation=\\"onboard\\"');
  });
});

// ---- the CDK construct beside it: one model, two renderings ----

describe('CDK template (infra/cdk) beside the packaged one', () => {
  let cdk: Template;
  let modelIds: string[];
  let outdir: string;

  beforeAll(async () => {
    // The bundles the packaging above just wrote to .esbuild/ are the ones the construct deploys.
    const [{ App, Stack }, { TenantFlow }] = await Promise.all([
      import('aws-cdk-lib'),
      import('../../../infra/cdk/tenantflow.ts'),
    ]);
    outdir = mkdtempSync(join(tmpdir(), 'tf-cdk-'));
    outputs.push(outdir);
    const app = new App({ outdir });
    const stack = new Stack(app, 'AppPlane');
    const tenantflow = new TenantFlow(stack, 'TenantFlow', {
      eventBusName: 'sbt-control-plane',
      stage: 'test',
    });
    modelIds = Object.keys(tenantflow.model.resources);
    cdk = templateSchema.parse(app.synth().getStackByName('AppPlane').template);
  }, 60_000);

  /** The CDK template's resource of a model id, its references to the construct's ids made the model's. */
  const cdkResource = (modelId: string) => {
    const found = cdk.Resources[`TenantFlow${modelId}`];
    if (!found) throw new Error(`CDK template has no TenantFlow${modelId}`);
    return unprefixed(found) as Template['Resources'][string];
  };
  /** JSON with every object's keys in order: equal values, equal text. */
  const canonical = (value: unknown): string =>
    JSON.stringify(value, (_key, inner: unknown) =>
      inner && typeof inner === 'object' && !Array.isArray(inner)
        ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
        : inner,
    );
  const unprefixed = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(unprefixed);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => {
        if (key === 'Ref' && typeof inner === 'string') return [key, inner.replace(/^TenantFlow/, '')];
        if (key === 'Fn::GetAtt' && Array.isArray(inner))
          return [key, [String(inner[0]).replace(/^TenantFlow/, ''), ...inner.slice(1)]];
        return [key, unprefixed(inner)];
      }),
    );
  };

  it('holds every resource of the model as the packaged template does: table, roles and their grants, queues, alarms, dashboard', () => {
    // Prepare
    const unconditional = modelIds.filter((id) => template.Resources[id]?.Condition === undefined);

    // Act
    const differing = unconditional.filter(
      (id) => canonical(cdkResource(id)) !== canonical(template.Resources[id]),
    );

    // Assess
    expect(unconditional.length).toBeGreaterThan(20);
    expect(differing).toEqual([]);
    // The alarm email's subscription: no address given, decided at synth (osls leaves it to a condition).
    expect(cdk.Resources.TenantFlowAlarmEmailSubscription).toBeUndefined();
  });

  it('grants the same actions on the same resources under the same conditions, role by role', () => {
    // Prepare
    const roles = ofType(template, 'AWS::IAM::Role').map(([id]) => id);

    // Act
    const cdkRoles = ofType(cdk, 'AWS::IAM::Role').map(([id]) => id.replace(/^TenantFlow/, ''));

    // Assess
    expect(cdkRoles.sort()).toEqual([...roles].sort());
    for (const id of roles)
      expect(cdkResource(id).Properties.Policies, id).toEqual(template.Resources[id]?.Properties.Policies);
    expect(ofType(cdk, 'AWS::IAM::Policy')).toEqual([]);
  });

  it.each(MACHINE_IDS)('%s: the same ASL, role, logs and tracing', (id) => {
    // Prepare
    const logicalId = machineLogicalId(id);
    // serverless-step-functions writes each state's default `"QueryLanguage": "JSONPath"` out; the
    // model (and so the construct) leaves the default implicit.
    const resolved = (t: Template, at: string, params: Record<string, unknown>) =>
      JSON.parse(
        JSON.stringify(definitionOf(t, at).asl)
          .replaceAll(',"QueryLanguage":"JSONPath"', '')
          .replaceAll('"QueryLanguage":"JSONPath",', '')
          .replace(/"\$\{(\w+)\}"/g, (whole, name: string) =>
            JSON.stringify(unprefixed(params[name]) ?? whole),
          ),
      );

    // Act
    const ours = cdkResource(logicalId).Properties;
    const theirs = props(template, logicalId);

    // Assess
    expect(
      resolved(cdk, `TenantFlow${logicalId}`, ours.DefinitionSubstitutions as Record<string, unknown>),
    ).toEqual(resolved(template, logicalId, definitionOf(template, logicalId).params));
    for (const key of [
      'StateMachineName',
      'StateMachineType',
      'RoleArn',
      'LoggingConfiguration',
      'TracingConfiguration',
      'Tags',
    ])
      expect(ours[key], key).toEqual(theirs[key]);
  });

  it('has the same functions: names, sizes, timeouts, environment, roles, tracing, one log group each', () => {
    // Prepare
    const functions = ofType(template, 'AWS::Lambda::Function');
    const compared = [
      'FunctionName',
      'Runtime',
      'MemorySize',
      'Timeout',
      'Architectures',
      'Description',
      'Tags',
      'TracingConfig',
      'Environment',
      'Role',
    ];

    // Act
    const ours = functions.map(([id]) => cdkResource(id).Properties);

    // Assess
    expect(ofType(cdk, 'AWS::Lambda::Function')).toHaveLength(functions.length);
    functions.forEach(([id, theirs], i) => {
      for (const key of compared) expect(ours[i]?.[key], `${id}.${key}`).toEqual(theirs.Properties[key]);
    });
    expect(ofType(cdk, 'AWS::Logs::LogGroup')).toHaveLength(ofType(template, 'AWS::Logs::LogGroup').length);
  });

  it('has the same rules, each with its target, retries, dead letters and a permission to invoke', () => {
    // Prepare
    const shape = (t: Template) =>
      ofType(t, 'AWS::Events::Rule')
        .map(([, rule]) => {
          const { Name: _name, Targets, ...rest } = unprefixed(rule.Properties) as Record<string, unknown>;
          const targets = (Targets as Array<Record<string, unknown>>).map(({ Id: _id, ...target }) => target);
          return canonical({ ...rest, targets });
        })
        .sort();

    // Act
    const ours = shape(cdk);

    // Assess
    expect(ours).toEqual(shape(template));
    expect(ofType(cdk, 'AWS::Lambda::Permission')).toHaveLength(
      ofType(template, 'AWS::Lambda::Permission').length,
    );
  });
});
