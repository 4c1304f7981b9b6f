import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../examples/sbt-app/app.ts';
import { TenantFlow, type TenantFlowProps, TenantFlowShared } from '../../../infra/cdk/tenantflow.ts';
import { FUNCTION_NAMES } from '../../../infra/deploy/names.ts';
import { OPERATION_TABLE, OPERATIONS } from '../../../src/domain/operations.ts';
import { ROLLOUT_REQUEST } from '../../../src/domain/rollout.ts';
import { MACHINE_IDS } from '../../../src/domain/saga.ts';

/**
 * The construct behind SBT's event manager (examples/sbt-app: a control plane of SBT 0.9's shape and
 * tenantflow in a second stack). The bundles here are placeholders: what the functions run is the
 * packaging's business (test/unit/deploy/template.test.ts synthesizes with the real ones).
 */

type Resource = { Type: string; Properties: Record<string, unknown>; Condition?: string };
type Template = { Resources: Record<string, Resource>; Conditions?: Record<string, unknown> };

const dirs: string[] = [];
const scratch = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};

let bundlesDir: string;
beforeAll(() => {
  bundlesDir = scratch('tf-bundles-');
  for (const name of FUNCTION_NAMES) {
    mkdirSync(join(bundlesDir, name));
    writeFileSync(join(bundlesDir, name, `${name}.mjs`), `export const handler = async () => '${name}';\n`);
  }
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const synthExample = (tenantflow: Partial<TenantFlowProps> = {}) => {
  const built = buildApp({ outdir: scratch('tf-sbt-app-'), tenantflow: { bundlesDir, ...tenantflow } });
  const assembly = built.app.synth();
  return {
    ...built,
    appPlane: assembly.getStackByName('AppPlane').template as Template,
    controlPlaneTemplate: assembly.getStackByName('ControlPlane').template as Template,
  };
};

const ofType = (t: Template, type: string) => Object.entries(t.Resources).filter(([, r]) => r.Type === type);
const statementsOf = (t: Template): Array<Record<string, unknown> & { role: string }> =>
  ofType(t, 'AWS::IAM::Role').flatMap(([id, role]) =>
    (
      (role.Properties.Policies as Array<{
        PolicyDocument: { Statement: Array<Record<string, unknown>> };
      }>) ?? []
    ).flatMap((policy) => policy.PolicyDocument.Statement.map((statement) => ({ ...statement, role: id }))),
  );

describe('TenantFlow behind an SBT event manager (examples/sbt-app)', () => {
  it("subscribes the ingress to every operation's request through addTargetToEvent, as SBT defines it", () => {
    // Act
    const { controlPlane } = synthExample();

    // Assess
    const rules = controlPlane.eventManager.rules;
    const expected = OPERATIONS.map(
      (operation) => `sbt.control.plane/sbt_aws_${OPERATION_TABLE[operation].request}`,
    );
    expect([...rules.keys()].filter((key) => key.startsWith('sbt.control.plane/')).sort()).toEqual(
      expected.sort(),
    );
  });

  it('puts each rule on SBT’s bus with the ingress as target, its retries, its dead-letter queue and a permission', () => {
    // Act
    const { appPlane } = synthExample();

    // Assess
    const rules = ofType(appPlane, 'AWS::Events::Rule').filter(
      ([, r]) => r.Properties.EventBusName !== undefined,
    );
    const ingressRules = rules.filter(([, r]) =>
      JSON.stringify(r.Properties.Targets).includes('TenantFlowIngressLambdaFunction'),
    );
    expect(ingressRules).toHaveLength(OPERATIONS.length);
    for (const [, rule] of ingressRules) {
      expect(rule.Properties.EventBusName).toEqual({
        'Fn::ImportValue': expect.stringContaining('ControlPlane:'),
      });
      expect(rule.Properties.Targets).toEqual([
        {
          Id: 'Target0',
          Arn: { 'Fn::GetAtt': ['TenantFlowIngressLambdaFunction', 'Arn'] },
          RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 10 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['TenantFlowIngressDeadLetterQueue', 'Arn'] } },
        },
      ]);
    }
    const permissions = ofType(appPlane, 'AWS::Lambda::Permission').filter(([, p]) =>
      JSON.stringify(p.Properties.FunctionName).includes('TenantFlowIngressLambdaFunction'),
    );
    expect(permissions).toHaveLength(OPERATIONS.length);
  });

  it('starts the rollout machine from a rollout request, with the detail as input and the model’s rule role', () => {
    // Act
    const { appPlane, controlPlane } = synthExample();

    // Assess
    expect(controlPlane.eventManager.rules.has(`tenantflow.operator/${ROLLOUT_REQUEST}`)).toBe(true);
    const [rollout] = ofType(appPlane, 'AWS::Events::Rule').filter(([, r]) =>
      JSON.stringify(r.Properties.Targets).includes('TenantFlowRolloutStateMachine"'),
    );
    expect(rollout?.[1].Properties.EventPattern).toEqual({
      source: ['tenantflow.operator'],
      'detail-type': [ROLLOUT_REQUEST],
    });
    expect(rollout?.[1].Properties.Targets).toEqual([
      {
        Id: 'Target0',
        Arn: { Ref: 'TenantFlowRolloutStateMachine' },
        InputPath: '$.detail',
        RoleArn: { 'Fn::GetAtt': ['TenantFlowRolloutStateMachineRuleRole', 'Arn'] },
      },
    ]);
  });

  it("publishes status events only to SBT's bus and only with its application-plane source; the bus's name goes into Fn::Sub as a variable", () => {
    // Act
    const { appPlane } = synthExample();

    // Assess
    const puts = statementsOf(appPlane).filter((s) => JSON.stringify(s.Action).includes('events:PutEvents'));
    expect(puts.map((s) => s.role).sort()).toEqual([
      'TenantFlowIngressRole',
      'TenantFlowStepRole',
      'TenantFlowWatcherRole',
    ]);
    for (const put of puts) {
      expect(put.Condition).toEqual({ StringEquals: { 'events:source': 'sbt.application.plane' } });
      expect(put.Resource).toEqual({
        'Fn::Sub': [
          `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/\${TenantFlowToken1}`,
          { TenantFlowToken1: { 'Fn::ImportValue': expect.stringContaining('ControlPlane:') } },
        ],
      });
    }
    expect(JSON.stringify(appPlane)).not.toContain('${Token[');
  });

  it("lets only the rules on SBT's bus put undelivered requests into the ingress's dead-letter queue", () => {
    // Act
    const { appPlane } = synthExample();

    // Assess
    const policy = appPlane.Resources.TenantFlowIngressDeadLetterQueuePolicy?.Properties.PolicyDocument as {
      Statement: Array<{ Condition: unknown }>;
    };
    expect(policy.Statement[0]?.Condition).toEqual({
      ArnLike: {
        'aws:SourceArn': {
          'Fn::Sub': [
            `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/\${TenantFlowToken1}/*`,
            { TenantFlowToken1: { 'Fn::ImportValue': expect.stringContaining('ControlPlane:') } },
          ],
        },
      },
    });
  });

  it('tells the functions the bus and sources the event manager has, and names everything after the stage', () => {
    // Act
    const { appPlane } = synthExample({ stage: 'prod' });

    // Assess
    const functions = ofType(appPlane, 'AWS::Lambda::Function');
    expect(functions.map(([, f]) => f.Properties.FunctionName).sort()).toEqual(
      FUNCTION_NAMES.map((name) => `tenantflow-prod-${name}`).sort(),
    );
    for (const [, fn] of functions) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables.SBT_EVENT_BUS).toEqual({
        'Fn::ImportValue': expect.stringContaining('ControlPlane:'),
      });
      expect(variables.APPLICATION_PLANE_SOURCE).toBe('sbt.application.plane');
      expect(variables.CONTROL_PLANE_SOURCES).toBe('sbt.control.plane,controlPlaneEventSource');
    }
    expect(
      ofType(appPlane, 'AWS::StepFunctions::StateMachine').map(([, m]) => m.Properties.StateMachineName),
    ).toEqual(MACHINE_IDS.map((id) => `tenantflow-prod-${id}`));
  });

  it('has no `*` action, keeps the table, and keeps execution data out of the logs unless asked', () => {
    // Act
    const { appPlane } = synthExample();
    const logged = synthExample({ logExecutionData: true }).appPlane;

    // Assess
    const actions = statementsOf(appPlane).flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actions.filter((a) => a === '*' || /^[a-z0-9-]+:\*$/.test(String(a)))).toEqual([]);
    expect(appPlane.Resources.TenantFlowTenantTable).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    const levels = (t: Template) =>
      ofType(t, 'AWS::StepFunctions::StateMachine').map(
        ([, m]) =>
          (m.Properties.LoggingConfiguration as { IncludeExecutionData: boolean }).IncludeExecutionData,
      );
    expect(new Set(levels(appPlane))).toEqual(new Set([false]));
    expect(new Set(levels(logged))).toEqual(new Set([true]));
  });

  it('subscribes the alarm email only when one is given, and turns reconcile repair on when asked', () => {
    // Act
    const quiet = synthExample().appPlane;
    const told = synthExample({ alarmEmail: 'ops@example.com', reconcileRepair: true }).appPlane;

    // Assess
    expect(ofType(quiet, 'AWS::SNS::Subscription')).toEqual([]);
    expect(ofType(told, 'AWS::SNS::Subscription').map(([, s]) => s.Properties)).toEqual([
      { TopicArn: { Ref: 'TenantFlowAlarmTopic' }, Protocol: 'email', Endpoint: 'ops@example.com' },
    ]);
    expect(quiet.Conditions).toBeUndefined();
    const reconcile = told.Resources.TenantFlowReconcileLambdaFunction?.Properties.Environment as {
      Variables: Record<string, unknown>;
    };
    expect(reconcile.Variables.RECONCILE_REPAIR).toBe('true');
  });
});

describe("cdk-nag's AwsSolutions pack on the example", () => {
  const checked = (extra?: (stack: Stack) => void) => {
    const built = buildApp({ outdir: scratch('tf-nag-'), tenantflow: { bundlesDir } });
    extra?.(built.appPlaneStack);
    Validations.of(built.app).addPlugins(new AwsSolutionsChecks(built.app));
    return built;
  };

  it('finds nothing left unacknowledged, and every acknowledgement says why', () => {
    // Prepare
    const { app, tenantflow } = checked();

    // Act
    app.synth();

    // Assess
    const acknowledged = tenantflow.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.entries(m.data as Record<string, { reason?: string } | string>));
    expect(acknowledged.length).toBeGreaterThan(10);
    for (const [id, entry] of acknowledged) {
      const reason = typeof entry === 'string' ? entry : entry.reason;
      expect(reason?.length ?? 0, id).toBeGreaterThanOrEqual(10);
    }
  });

  it('is really checking: a queue without TLS enforcement beside it fails synth', () => {
    // Prepare
    const { app } = checked((stack) => new Queue(stack, 'Careless'));

    // Act
    const synth = () => app.synth();

    // Assess
    expect(synth).toThrow(/AppPlane\/Careless\/Resource[\s\S]*AwsSolutions-SQS4/);
  });
});

describe('TenantFlow props', () => {
  const stack = () => new Stack(new App({ outdir: scratch('tf-props-') }), 'S');

  it('needs an event manager or a bus name, and not both', () => {
    expect(() => new TenantFlow(stack(), 'T', { bundlesDir })).toThrow(/eventManager .* or eventBusName/);
    const { controlPlane } = buildApp({ outdir: scratch('tf-both-'), tenantflow: { bundlesDir } });
    expect(
      () =>
        new TenantFlow(stack(), 'T', {
          bundlesDir,
          eventManager: controlPlane.eventManager,
          eventBusName: 'x',
        }),
    ).toThrow(/not both/);
  });

  it('checks the tier catalogue at synth and names the field', () => {
    expect(
      () =>
        new TenantFlow(stack(), 'T', {
          bundlesDir,
          eventBusName: 'bus',
          tierCatalogue: { tiers: { gold: { health: { intervalSeconds: 1 } } } },
        }),
    ).toThrow(/tierCatalogue/);
  });

  it('says how to build the bundles when they are missing', () => {
    expect(
      () => new TenantFlow(stack(), 'T', { eventBusName: 'bus', bundlesDir: scratch('tf-empty-') }),
    ).toThrow(/no bundle for ingress .*--bundle-only/);
  });
});

describe('TenantFlowShared', () => {
  it('is infra/shared.yaml itself: the same resources, outputs and exports, named after its stack', async () => {
    // Prepare
    const { readTemplate } = await import('../../../infra/template.ts');
    const app = new App({ outdir: scratch('tf-shared-') });
    const stack = new Stack(app, 'tenantflow-shared');
    new TenantFlowShared(stack, 'Shared', { parameters: { LoadBalancerShards: '2' } });

    // Act
    const synthesized = app.synth().getStackByName('tenantflow-shared').template as Template & {
      Outputs: Record<string, { Export?: unknown }>;
    };

    // Assess
    const original = readTemplate() as unknown as Template & {
      Outputs: Record<string, { Export?: unknown }>;
    };
    expect(Object.keys(synthesized.Resources).sort()).toEqual(Object.keys(original.Resources).sort());
    for (const [id, resource] of Object.entries(original.Resources))
      expect(synthesized.Resources[id]?.Type, id).toBe(resource.Type);
    expect(Object.keys(synthesized.Outputs).sort()).toEqual(Object.keys(original.Outputs).sort());
    expect(synthesized.Outputs.ListenerArn?.Export).toEqual(original.Outputs.ListenerArn?.Export);
  });
});
