import { describe, expect, it } from 'vitest';
import { functionGrants, functionRoles, type Statement, statement } from '../../../../infra/deploy/iam.ts';
import { FUNCTION_NAMES, type FunctionName, OSLS_SETTINGS } from '../../../../infra/deploy/names.ts';

const statementsFor = (statements: Statement[], action: string): Statement[] =>
  statements.filter((statement) => statement.Action.includes(action));

/** The one statement granting `action`; fails the test when there are none or several. */
const only = (statements: Statement[], action: string): Statement => {
  const found = statementsFor(statements, action);
  expect(found, action).toHaveLength(1);
  const [statement] = found;
  if (!statement) throw new Error(`no statement grants ${action}`);
  return statement;
};

const grants = functionGrants(OSLS_SETTINGS);
const roles = Object.fromEntries(FUNCTION_NAMES.map((name) => [name, grants[name].map(statement)])) as Record<
  FunctionName,
  Statement[]
>;

/**
 * Whether a statement is about the shared stack's pooled service or its family (a pooled tier's
 * rollout): that one service is no tenant's and carries no tenantflow tag (checked on its own below).
 */
const onPool = (s: Statement): boolean => /\/\$\{Pooled\}/.test(JSON.stringify(s.Resource));
/** The step role's statements about tenants' resources. */
const tenantStatements = roles.step.filter((s) => !onPool(s));

/** Actions AWS offers no resource scoping for: the only ones allowed on `Resource: '*'`. */
const UNSCOPABLE = new Set([
  'ecs:RegisterTaskDefinition',
  'ecs:DeregisterTaskDefinition',
  'ecs:DeleteTaskDefinitions',
  'ecs:ListTaskDefinitions',
  'ecs:DescribeTaskDefinition',
  'ecs:ListClusters',
  'elasticloadbalancing:DescribeTargetGroups',
  'elasticloadbalancing:DescribeTargetHealth',
  'elasticloadbalancing:DescribeTargetGroupAttributes',
  'elasticloadbalancing:DescribeRules',
  'elasticloadbalancing:DescribeListeners',
  'elasticloadbalancing:DescribeTags',
  'elasticloadbalancing:DescribeLoadBalancers',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'tag:GetResources',
  'cognito-idp:CreateUserPool',
  'cognito-idp:ListUserPools',
  'dynamodb:ListTables',
  'dynamodb:ListBackups',
]);

describe('function role statements', () => {
  it.each(Object.entries(roles))('%s: names every action (no `*`, no `service:*`)', (_name, statements) => {
    // Prepare
    const actions = statements.flatMap((statement) => statement.Action);

    // Act
    const wildcards = actions.filter((action) => action === '*' || action.endsWith(':*'));

    // Assess
    expect(actions.length).toBeGreaterThan(0);
    expect(wildcards).toEqual([]);
  });

  it.each(Object.entries(roles))(
    '%s: uses `Resource: *` only for unscopable actions',
    (_name, statements) => {
      // Prepare
      const unscoped = statements.filter((statement) => statement.Resource === '*');

      // Act
      const offenders = unscoped
        .flatMap((statement) => statement.Action)
        .filter((action) => !UNSCOPABLE.has(action));

      // Assess
      expect(offenders).toEqual([]);
    },
  );

  it('lets the ingress start exactly the five state machines', () => {
    // Prepare
    const statements = roles.ingress;

    // Act
    const start = only(statements, 'states:StartExecution');

    // Assess
    expect(start.Resource).toEqual([
      { Ref: 'OnboardingStateMachine' },
      { Ref: 'OffboardingStateMachine' },
      { Ref: 'ActivationStateMachine' },
      { Ref: 'MigrationStateMachine' },
      { Ref: 'UpdateStateMachine' },
    ]);
  });

  it('lets the step function start and read update executions (a rollout’s tenants) and shard executions only', () => {
    // Prepare
    const statements = roles.step;
    const resources = (action: string) =>
      statements
        .filter((statement) => statement.Action.includes(action))
        .map((statement) => statement.Resource);
    const machine = (id: string) => ({
      'Fn::Sub': `arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:stateMachine:tenantflow-\${sls:stage}-${id}`,
    });
    const executions = (id: string) => ({
      'Fn::Sub': `arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:execution:tenantflow-\${sls:stage}-${id}:*`,
    });

    // Act
    const start = resources('states:StartExecution');
    const describe = resources('states:DescribeExecution');

    // Assess: by name, as the machines name the step function (a Ref would be a cycle).
    expect(start).toEqual([machine('update'), machine('shard')]);
    expect(describe).toEqual([executions('shard'), executions('update')]);
  });

  it('passes only the shared task roles, and only to ECS tasks', () => {
    // Prepare
    const statements = roles.step;

    // Act
    const passRole = only(statements, 'iam:PassRole');

    // Assess
    expect(passRole).toEqual({
      Effect: 'Allow',
      Action: ['iam:PassRole'],
      Resource: [
        { 'Fn::ImportValue': `\${param:sharedStackName}-TaskExecutionRoleArn` },
        { 'Fn::ImportValue': `\${param:sharedStackName}-TaskRoleArn` },
      ],
      Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    });
  });

  it('scopes ECS and ELB resources to the resource prefix', () => {
    // Prepare
    const statements = roles.step;

    // Act
    const createService = only(statements, 'ecs:CreateService');
    const createCluster = only(statements, 'ecs:CreateCluster');
    const createTargetGroup = only(statements, 'elasticloadbalancing:CreateTargetGroup');

    // Assess
    expect(createService.Resource).toEqual({
      'Fn::Sub': `arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:service/*/\${param:resourcePrefix}-*`,
    });
    expect(createCluster.Resource).toEqual({
      'Fn::Sub': `arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:cluster/\${param:resourcePrefix}-*`,
    });
    expect(createTargetGroup.Resource).toEqual({
      'Fn::Sub': `arn:\${AWS::Partition}:elasticloadbalancing:\${AWS::Region}:\${AWS::AccountId}:targetgroup/\${param:resourcePrefix}-*/*`,
    });
  });

  it('deletes, updates and scales only resources tagged as ours', () => {
    // Prepare
    const destructive = [
      'ecs:DeleteCluster',
      'ecs:PutClusterCapacityProviders',
      'ecs:DeleteService',
      'ecs:UpdateService',
      'elasticloadbalancing:DeleteTargetGroup',
      'elasticloadbalancing:DeleteRule',
    ];

    // Act
    const conditions = destructive.map((action) => only(tenantStatements, action).Condition);

    // Assess
    for (const condition of conditions) {
      expect(condition?.StringEquals).toEqual({ 'aws:ResourceTag/tenantflow:managed-by': 'tenantflow' });
    }
  });

  it('tags only in the call that creates the resource (or retags the tier of a rule it made, that tag alone), and every create tags', () => {
    // Act
    const ecsTag = only(tenantStatements, 'ecs:TagResource').Condition;
    const elbTags = roles.step
      .filter((statement) => statement.Action.includes('elasticloadbalancing:AddTags'))
      .map((statement) => statement.Condition);
    const creates = [
      'ecs:CreateCluster',
      'ecs:CreateService',
      'elasticloadbalancing:CreateTargetGroup',
      'elasticloadbalancing:CreateRule',
      'elasticloadbalancing:CreateLoadBalancer',
      'elasticloadbalancing:CreateListener',
    ].map((action) => only(roles.step, action).Condition?.StringEquals);

    // Assess
    expect(ecsTag?.StringEquals?.['ecs:CreateAction']).toEqual(
      expect.arrayContaining(['CreateCluster', 'CreateService', 'RegisterTaskDefinition']),
    );
    expect(ecsTag?.StringEquals?.['ecs:CreateAction']).toHaveLength(3);
    expect(elbTags).toEqual([
      {
        StringEquals: { 'aws:ResourceTag/tenantflow:managed-by': 'tenantflow' },
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['tenantflow:tier'] },
      },
      { StringEquals: { 'elasticloadbalancing:CreateAction': ['CreateTargetGroup', 'CreateRule'] } },
      { StringEquals: { 'elasticloadbalancing:CreateAction': ['CreateLoadBalancer', 'CreateListener'] } },
    ]);
    for (const condition of creates)
      expect(condition).toMatchObject({ 'aws:RequestTag/tenantflow:managed-by': 'tenantflow' });
  });

  it("changes the shared stack's pooled service by its exact name only, and tags a pooled revision only on register", () => {
    // Act
    const pool = roles.step.filter(onPool);

    // Assess
    expect(pool.map((s) => s.Action)).toEqual([
      ['ecs:DescribeServices', 'ecs:UpdateService'],
      ['ecs:TagResource'],
    ]);
    expect(pool[0]?.Resource).toEqual({
      'Fn::Sub': [
        `arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:service/\${Cluster}/\${Pooled}`,
        {
          Cluster: { 'Fn::ImportValue': `\${param:sharedStackName}-ClusterName` },
          Pooled: { 'Fn::ImportValue': `\${param:sharedStackName}-PooledServiceName` },
        },
      ],
    });
    expect(pool[1]?.Condition).toEqual({ StringEquals: { 'ecs:CreateAction': ['RegisterTaskDefinition'] } });
    for (const name of ['ingress', 'watcher', 'reconcile', 'audit'] as const)
      expect(roles[name]?.filter(onPool) ?? []).toEqual([]);
  });

  it('creates and changes services only in the shared cluster or its own clusters', () => {
    // Act
    const conditions = ['ecs:CreateService', 'ecs:UpdateService', 'ecs:DeleteService'].map(
      (action) => only(tenantStatements, action).Condition?.ArnLike,
    );

    // Assess
    for (const condition of conditions) {
      expect(condition).toEqual({
        'ecs:cluster': [
          {
            'Fn::Sub': [
              `arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:cluster/\${Shared}`,
              { Shared: { 'Fn::ImportValue': `\${param:sharedStackName}-ClusterName` } },
            ],
          },
          {
            'Fn::Sub': `arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:cluster/\${param:resourcePrefix}-*`,
          },
        ],
      });
    }
  });

  it.each(['ingress', 'step', 'watcher'] as const)(
    '%s: publishes only as the application plane, only to the SBT bus',
    (name) => {
      // Act
      const publish = only(roles[name], 'events:PutEvents');

      // Assess
      expect(publish.Condition).toEqual({
        StringEquals: { 'events:source': `\${param:applicationPlaneSource}` },
      });
    },
  );

  it("creates listener rules on every load balancer shard's listener and deletes only rules under them", () => {
    // Prepare
    const statements = roles.step;
    const listeners = ['ListenerArn', ...[2, 3, 4, 5, 6].map((n) => `Shard${n}ListenerArn`)].map((key) => ({
      'Fn::ImportValue': `\${param:sharedStackName}-${key}`,
    }));
    const rulesUnder = (listener: unknown) => ({
      'Fn::Join': [
        '',
        [{ 'Fn::Join': [':listener-rule/', { 'Fn::Split': [':listener/', listener] }] }, '/*'],
      ],
    });

    // Act
    const create = only(statements, 'elasticloadbalancing:CreateRule');
    const remove = only(statements, 'elasticloadbalancing:DeleteRule');

    const grown = (resource: string) => ({
      'Fn::Sub': `arn:\${AWS::Partition}:elasticloadbalancing:\${AWS::Region}:\${AWS::AccountId}:${resource}`,
    });
    const grownListeners = grown(`listener/app/\${param:resourcePrefix}-shard-*/*/*`);
    const grownRules = grown(`listener-rule/app/\${param:resourcePrefix}-shard-*/*/*/*`);

    // Assess: the stack's shards, and the ones the shard machine adds (by their names).
    expect(remove.Resource).toEqual([...listeners.map(rulesUnder), grownRules]);
    expect(create.Resource).toEqual([...listeners, ...listeners.map(rulesUnder), grownListeners, grownRules]);
  });

  it('lets only the step function create load balancers and listeners, under the names of added shards, tagged, and delete only tagged ones', () => {
    // Prepare
    const grown = [
      `loadbalancer/app/\${param:resourcePrefix}-shard-*/*`,
      `listener/app/\${param:resourcePrefix}-shard-*/*/*`,
    ].map((resource) => ({
      'Fn::Sub': `arn:\${AWS::Partition}:elasticloadbalancing:\${AWS::Region}:\${AWS::AccountId}:${resource}`,
    }));

    // Act
    const create = only(roles.step, 'elasticloadbalancing:CreateLoadBalancer');
    const remove = only(roles.step, 'elasticloadbalancing:DeleteLoadBalancer');

    // Assess
    expect(create.Resource).toEqual(grown);
    expect(create.Action).toEqual([
      'elasticloadbalancing:CreateLoadBalancer',
      'elasticloadbalancing:CreateListener',
    ]);
    expect(remove.Resource).toEqual(grown);
    expect(remove.Action).toEqual([
      'elasticloadbalancing:DeleteLoadBalancer',
      'elasticloadbalancing:DeleteListener',
    ]);
    expect(remove.Condition).toEqual({
      StringEquals: { 'aws:ResourceTag/tenantflow:managed-by': 'tenantflow' },
    });
    expect(
      Object.entries(roles)
        .filter(([, statements]) =>
          statements.some((statement) =>
            statement.Action.includes('elasticloadbalancing:CreateLoadBalancer'),
          ),
        )
        .map(([name]) => name),
    ).toEqual(['step']);
  });

  it('reads only the shared stack and publishes only to the SBT bus', () => {
    // Prepare
    const statements = roles.step;

    // Act
    const describe = only(statements, 'cloudformation:DescribeStacks');
    const publish = only(statements, 'events:PutEvents');

    // Assess
    expect(describe.Resource).toEqual({
      'Fn::Sub': `arn:\${AWS::Partition}:cloudformation:\${AWS::Region}:\${AWS::AccountId}:stack/\${param:sharedStackName}/*`,
    });
    expect(publish.Resource).toEqual({
      'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/\${param:sbtEventBus}`,
    });
  });

  it('lets the watcher describe executions of our machines only', () => {
    // Prepare
    const statements = roles.watcher;

    // Act
    const describe = only(statements, 'states:DescribeExecution');

    // Assess
    expect(describe.Resource).toEqual(
      ['onboarding', 'offboarding', 'activation', 'migration', 'update', 'rollout', 'shard'].map((id) => ({
        'Fn::Sub': `arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:execution:tenantflow-\${sls:stage}-${id}:*`,
      })),
    );
  });

  it.each(Object.entries(roles))(
    "%s: touches the tenant table and, for tenants' own tables, only tables under the prefix (listing aside)",
    (_name, statements) => {
      // Prepare
      const dynamo = statements.filter((statement) =>
        statement.Action.some((action) => action.startsWith('dynamodb:')),
      );

      // Act
      const resources = dynamo.map((statement) => statement.Resource);

      // Assess
      const tenantTables = {
        'Fn::Sub':
          'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${param:resourcePrefix}-*',
      };
      for (const statement of dynamo) {
        if (statement.Resource === '*')
          expect(statement.Action).toEqual(['dynamodb:ListTables', 'dynamodb:ListBackups']);
        else
          expect([{ 'Fn::GetAtt': ['TenantTable', 'Arn'] }, tenantTables]).toContainEqual(statement.Resource);
      }
      expect(resources.length).toBeGreaterThan(0);
    },
  );

  it.each(Object.entries(roles))('%s: writes logs to its own log group only', (name, statements) => {
    // Prepare
    const logs = only(statements, 'logs:PutLogEvents');

    // Act
    const resource = logs.Resource;

    // Assess
    expect(resource).toEqual({
      'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/tenantflow-\${sls:stage}-${name}:*`,
    });
  });
});

describe('functionRoles', () => {
  it('builds one Lambda role per function', () => {
    // Prepare
    const expected = ['IngressRole', 'StepRole', 'WatcherRole', 'AuditRole', 'ReconcileRole'];

    // Act
    const built = functionRoles(OSLS_SETTINGS);

    // Assess
    expect(Object.keys(built)).toEqual(expected);
    for (const role of Object.values(built)) {
      expect(role.Type).toBe('AWS::IAM::Role');
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ]);
    }
    expect(built.StepRole?.Properties.Policies[0]?.PolicyDocument.Statement).toEqual(roles.step);
    expect(JSON.stringify(built)).not.toContain('"why"');
  });
});
