import { TAG_KEYS } from '../../src/domain/naming.ts';
import { OPERATION_TABLE } from '../../src/domain/operations.ts';
import { CREATION_ORDER, RESOURCE_KIND_SPECS, type ResourceKind } from '../../src/domain/resource-kinds.ts';
import { MACHINE_IDS, type MachineId, ROLLOUT_MACHINE, SAGA_MACHINE_IDS } from '../../src/domain/saga.ts';
import { MAX_SHARDS } from '../../src/domain/shards.ts';
import type { Json } from './asl.ts';
import {
  DEAD_LETTERED,
  type DeploySettings,
  FUNCTION_NAMES,
  type FunctionName,
  functionName,
  LOGICAL_IDS,
  OSLS_SETTINGS,
  ruleRoleId,
  sharedExport,
  stateMachineName,
} from './names.ts';

/**
 * The functions' IAM, one statement per row of the README's IAM table (`iamTable()` writes it).
 * Rules, checked against the packaged template by test/unit/deploy/template.test.ts:
 * - actions are always named (never `*`, never `service:*`);
 * - a delete, deregister or update of a tenant resource requires tenantflow's tag on it, and a tag
 *   may only be written by the call that creates the resource (`…:CreateAction`), so nothing can
 *   make a foreign resource look like tenantflow's and then delete it;
 * - `Resource: "*"` only where the service has no resource-level permissions for the action, said
 *   in `why` (the AWS Service Authorization Reference, per service).
 */

/** One IAM statement, and why it is there (kept out of the template). */
export interface Statement {
  Effect: 'Allow';
  Action: string[];
  Resource: Json;
  Condition?: { [operator: string]: { [key: string]: Json } };
}

export interface Grant extends Statement {
  why: string;
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>` as a CloudFormation `Fn::Sub`. */
export const arn = (service: string, resource: string): { 'Fn::Sub': string } => ({
  'Fn::Sub': `arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`,
});

const grant = (why: string, Action: string[], Resource: Json, Condition?: Statement['Condition']): Grant =>
  Condition
    ? { why, Effect: 'Allow', Action, Resource, Condition }
    : { why, Effect: 'Allow', Action, Resource };

/** The template's statement (without `why`). */
export const statement = ({ why: _why, ...rest }: Grant): Statement => rest;

/** Only resources this project created carry the tag: destructive calls require it on top of the name. */
export const MANAGED_BY_US = {
  StringEquals: { [`aws:ResourceTag/${TAG_KEYS.managedBy}`]: 'tenantflow' },
};
/** A create call must tag what it creates as tenantflow's. */
const TAGGED_ON_CREATE = { StringEquals: { [`aws:RequestTag/${TAG_KEYS.managedBy}`]: 'tenantflow' } };

interface KindGrants {
  grants: () => Grant[];
  /**
   * The tag action of its service, the resources it may tag, and the create call allowed to; absent
   * for a kind made of other kinds' resources (their grants cover it).
   */
  tagOnCreate?: {
    action: 'ecs:TagResource' | 'elasticloadbalancing:AddTags';
    resources: () => Json[];
    createAction: string;
  };
}

/**
 * Each function's grants, for an installation's settings: one statement per row of the README's IAM
 * table.
 */
export const functionGrants = (s: DeploySettings): Record<FunctionName, Grant[]> => {
  const prefix = s.resourcePrefix;
  const tableArn = { 'Fn::GetAtt': [LOGICAL_IDS.table, 'Arn'] };
  const busArn = arn('events', `event-bus/${s.eventBus}`);
  /** The lifecycle sagas the ingress starts (a rollout request starts its machine from its own rule). */
  const sagaMachineArns = SAGA_MACHINE_IDS.map((id) => ({ Ref: LOGICAL_IDS.stateMachines[id] }));
  /**
   * Every load balancer shard's listener, by its export: the first's `ListenerArn`, then
   * `Shard<N>ListenerArn`, which the shared stack exports for every N (the first listener's ARN when
   * shard N is not declared), so this list never names an export that is not there.
   */
  const shardListeners = [
    sharedExport(s, 'ListenerArn'),
    ...Array.from({ length: MAX_SHARDS - 1 }, (_, i) => sharedExport(s, `Shard${i + 2}ListenerArn`)),
  ];
  /** Rules live under their listener: `…:listener-rule/app/<lb>/<id>/<listener>/<rule>`. */
  const rulesOf = (listener: Json) => ({
    'Fn::Join': ['', [{ 'Fn::Join': [':listener-rule/', { 'Fn::Split': [':listener/', listener] }] }, '/*']],
  });
  const shardListenerRules = shardListeners.map(rulesOf);
  /**
   * The load balancer shards the shard machine adds (src/steps/shard.ts), by their names
   * `<prefix>-shard-<n>`: the load balancers, their listeners and the rules on them.
   */
  const grownShards = {
    loadBalancers: arn('elasticloadbalancing', `loadbalancer/app/${prefix}-shard-*/*`),
    listeners: arn('elasticloadbalancing', `listener/app/${prefix}-shard-*/*/*`),
    rules: arn('elasticloadbalancing', `listener-rule/app/${prefix}-shard-*/*/*/*`),
  };
  /** The shared cluster, by its exported name. */
  const sharedCluster = {
    'Fn::Sub': [
      `arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:cluster/\${Shared}`,
      { Shared: sharedExport(s, 'ClusterName') },
    ],
  };
  /**
   * The shared stack's pooled service, by its exported names (exactly that one: it carries no tenantflow
   * tag, being the stack's), and its task definition family, named like it (`<stack>-pooled`).
   */
  const pooledService = {
    'Fn::Sub': [
      `arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:service/\${Cluster}/\${Pooled}`,
      { Cluster: sharedExport(s, 'ClusterName'), Pooled: sharedExport(s, 'PooledServiceName') },
    ],
  };
  const pooledFamily = {
    'Fn::Sub': [
      `arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:task-definition/\${Pooled}:*`,
      { Pooled: sharedExport(s, 'PooledServiceName') },
    ],
  };
  /** The shared cluster and tenantflow's own clusters. */
  const allowedClusters = [sharedCluster, arn('ecs', `cluster/${prefix}-*`)];
  const inAllowedCluster = { ArnLike: { 'ecs:cluster': allowedClusters } };

  /** Writing its own logs and traces: every function needs this. */
  const observability = (name: FunctionName): Grant[] => [
    grant(
      'its own log streams',
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
      arn('logs', `log-group:/aws/lambda/${functionName(s, name)}:*`),
    ),
    grant(
      'X-Ray traces; X-Ray supports no resource-level permissions for these (Service Authorization Reference, AWS X-Ray)',
      ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
      '*',
    ),
  ];

  const tableAccess = (why: string, actions: string[]): Grant =>
    grant(
      why,
      actions.map((a) => `dynamodb:${a}`),
      tableArn,
    );

  /** Status events go to SBT's bus only, and only as the application plane (never as SBT itself). */
  const putStatusEvents = grant(
    "status events, to SBT's bus and only with the application-plane source: a caller cannot pose as the control plane",
    ['events:PutEvents'],
    busArn,
    { StringEquals: { 'events:source': s.applicationPlaneSource } },
  );

  /** Lambda's own delivery of a failed asynchronous invocation to the function's dead-letter queue. */
  const deadLetters = (name: FunctionName): Grant[] =>
    (DEAD_LETTERED as readonly FunctionName[]).includes(name)
      ? [
          grant(
            'on-failure destination: an event Lambda gave up on goes to its dead-letter queue',
            ['sqs:SendMessage'],
            { 'Fn::GetAtt': [LOGICAL_IDS.deadLetters[name as (typeof DEAD_LETTERED)[number]], 'Arn'] },
          ),
        ]
      : [];

  /** The update machine, by its fixed name (a `Ref` would make a cycle: every machine names the step function). */
  const updateMachineArn = arn('states', `stateMachine:${stateMachineName(s, 'update')}`);
  /** The shard machine, by its fixed name (as the update machine's). */
  const shardMachineArn = arn('states', `stateMachine:${stateMachineName(s, 'shard')}`);

  /**
   * The step dispatcher: provisions and removes tenants' ECS/ELB resources and records them; the
   * rollout's steps list the tier's tenants and start and read their update executions.
   */
  const stepGrants = (): Grant[] => [
    ...observability('step'),
    ...provisioning(),
    putStatusEvents,
    tableAccess("a rollout lists the tier's tenants", ['Scan']),
    grant("a rollout starts its tenants' updates", ['states:StartExecution'], updateMachineArn),
    grant(
      'the shard machine adds load balancer shards and their listeners, created tagged, under its own names',
      ['elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:CreateListener'],
      [grownShards.loadBalancers, grownShards.listeners],
      TAGGED_ON_CREATE,
    ),
    grant(
      'and undoes only those it made',
      ['elasticloadbalancing:DeleteLoadBalancer', 'elasticloadbalancing:DeleteListener'],
      [grownShards.loadBalancers, grownShards.listeners],
      MANAGED_BY_US,
    ),
    grant(
      'tags a load balancer or listener only as part of the call that creates it',
      ['elasticloadbalancing:AddTags'],
      [grownShards.loadBalancers, grownShards.listeners],
      { StringEquals: { 'elasticloadbalancing:CreateAction': ['CreateLoadBalancer', 'CreateListener'] } },
    ),
    grant(
      'an onboarding that finds every load balancer shard filling up starts the shard machine',
      ['states:StartExecution'],
      shardMachineArn,
    ),
    grant(
      'the shard machine looks whether the execution that reserved a shard still runs',
      ['states:DescribeExecution'],
      arn('states', `execution:${stateMachineName(s, 'shard')}:*`),
    ),
    grant(
      "a pooled tier's rollout reads the shared stack's pooled service and puts it on the release's revision (or back): that one service, by name",
      ['ecs:DescribeServices', 'ecs:UpdateService'],
      pooledService,
    ),
    grant(
      "a pooled tier's rollout tags the pooled revision it registers, only as part of registering it",
      ['ecs:TagResource'],
      pooledFamily,
      { StringEquals: { 'ecs:CreateAction': ['RegisterTaskDefinition'] } },
    ),
    grant(
      "a rollout reads its tenants' update executions",
      ['states:DescribeExecution'],
      arn('states', `execution:${stateMachineName(s, 'update')}:*`),
    ),
    grant(
      'a rollout watches the CloudWatch alarm its request names (read only)',
      ['cloudwatch:DescribeAlarms'],
      arn('cloudwatch', 'alarm:*'),
    ),
  ];

  const clusters = () => arn('ecs', `cluster/${prefix}-*`);
  const services = () => arn('ecs', `service/*/${prefix}-*`);
  const targetGroups = () => arn('elasticloadbalancing', `targetgroup/${prefix}-*/*`);

  const userPools = () => arn('cognito-idp', 'userpool/*');
  const tenantTables = () => arn('dynamodb', `table/${prefix}-*`);

  /**
   * What the functions may do with each kind of tenant resource (src/domain/resource-kinds.ts): its
   * grants, and how its create call tags it. A record by kind: a kind without its grants does not
   * compile.
   */
  const KIND_GRANTS: { readonly [K in ResourceKind]: KindGrants } = {
    // Cognito names pools by a generated id, not by tenantflow's name: the tags are what bound it.
    identity: {
      grants: () => [
        grant(
          'tenant user pools, created tagged; CreateUserPool has no resource type (Service Authorization Reference, Amazon Cognito user pools)',
          ['cognito-idp:CreateUserPool'],
          '*',
          TAGGED_ON_CREATE,
        ),
        grant(
          'list user pools (a pool is found by name, then by its tags); ListUserPools has no resource type',
          ['cognito-idp:ListUserPools'],
          '*',
        ),
        grant('read a user pool (whose it is: its tags)', ['cognito-idp:DescribeUserPool'], userPools()),
        grant(
          'make the app client, hosted-UI domain, group and admin user in, and delete, only pools it made',
          [
            'cognito-idp:DeleteUserPool',
            'cognito-idp:CreateUserPoolDomain',
            'cognito-idp:DeleteUserPoolDomain',
            'cognito-idp:ListUserPoolClients',
            'cognito-idp:CreateUserPoolClient',
            'cognito-idp:GetGroup',
            'cognito-idp:CreateGroup',
            'cognito-idp:AdminGetUser',
            'cognito-idp:AdminCreateUser',
            'cognito-idp:AdminAddUserToGroup',
          ],
          userPools(),
          MANAGED_BY_US,
        ),
      ],
    },
    // A companion is an ECS service and a task definition family under the prefix: the service's and
    // the task definition's grants (and tag-on-create statements) are its own.
    companions: { grants: () => [] },
    service: {
      grants: () => [
        grant(
          "tenant services, created tagged, only in the shared cluster or tenantflow's own",
          ['ecs:CreateService'],
          services(),
          { ...inAllowedCluster, ...TAGGED_ON_CREATE },
        ),
        grant('read its services', ['ecs:DescribeServices'], services()),
        grant(
          'scale, redeploy and delete only services it made, in the allowed clusters',
          ['ecs:UpdateService', 'ecs:DeleteService'],
          services(),
          { ...inAllowedCluster, ...MANAGED_BY_US },
        ),
      ],
      tagOnCreate: {
        action: 'ecs:TagResource',
        resources: () => [services()],
        createAction: 'CreateService',
      },
    },
    listenerRule: {
      grants: () => [
        grant(
          "tenant rules on the load balancer shards' listeners, created tagged",
          ['elasticloadbalancing:CreateRule'],
          [...shardListeners, ...shardListenerRules, grownShards.listeners, grownShards.rules],
          TAGGED_ON_CREATE,
        ),
        grant(
          'switch (a migration) and delete only rules it made',
          ['elasticloadbalancing:ModifyRule', 'elasticloadbalancing:DeleteRule'],
          [...shardListenerRules, grownShards.rules],
          MANAGED_BY_US,
        ),
        grant(
          'retag the tier of a rule it made, and only that tag (a migration hands the rule to the new tier)',
          ['elasticloadbalancing:AddTags'],
          [...shardListenerRules, grownShards.rules],
          {
            ...MANAGED_BY_US,
            'ForAllValues:StringEquals': { 'aws:TagKeys': [TAG_KEYS.tier] },
          },
        ),
      ],
      tagOnCreate: {
        action: 'elasticloadbalancing:AddTags',
        resources: () => [...shardListenerRules, grownShards.rules],
        createAction: 'CreateRule',
      },
    },
    targetGroup: {
      grants: () => [
        grant(
          'tenant target groups, created tagged',
          ['elasticloadbalancing:CreateTargetGroup'],
          targetGroups(),
          TAGGED_ON_CREATE,
        ),
        grant(
          'set the health check and drain of, and delete, only target groups it made',
          [
            'elasticloadbalancing:ModifyTargetGroup',
            'elasticloadbalancing:ModifyTargetGroupAttributes',
            'elasticloadbalancing:DeleteTargetGroup',
          ],
          targetGroups(),
          MANAGED_BY_US,
        ),
      ],
      tagOnCreate: {
        action: 'elasticloadbalancing:AddTags',
        resources: () => [targetGroups()],
        createAction: 'CreateTargetGroup',
      },
    },
    taskDefinition: {
      grants: () => [
        grant(
          'task definitions; ECS supports no resource-level permissions for these five (Service Authorization Reference, Amazon ECS), so the names and tags it uses are checked by the steps themselves',
          [
            'ecs:RegisterTaskDefinition',
            'ecs:DeregisterTaskDefinition',
            'ecs:DeleteTaskDefinitions',
            'ecs:ListTaskDefinitions',
            'ecs:DescribeTaskDefinition',
          ],
          '*',
        ),
      ],
      tagOnCreate: {
        action: 'ecs:TagResource',
        resources: () => [arn('ecs', `task-definition/${prefix}-*:*`)],
        createAction: 'RegisterTaskDefinition',
      },
    },
    // A tenant's tables are named under the prefix (src/domain/naming.ts tableName): the name bounds
    // every call, and DynamoDB's tag conditions (aws:RequestTag, aws:ResourceTag) bound the rest.
    tables: {
      grants: () => [
        grant(
          "tenants' own tables, created tagged, under the prefix, with tenantflow's tags only (tagging them is part of CreateTable's call)",
          ['dynamodb:CreateTable', 'dynamodb:TagResource'],
          tenantTables(),
          {
            ...TAGGED_ON_CREATE,
            'ForAllValues:StringEquals': {
              'aws:TagKeys': [TAG_KEYS.tenantId, TAG_KEYS.tier, TAG_KEYS.managedBy, TAG_KEYS.madeBy],
            },
          },
        ),
        grant(
          'read its tables (whose a table is: its tags) and their backups',
          ['dynamodb:DescribeTable', 'dynamodb:ListTagsOfResource', 'dynamodb:DescribeContinuousBackups'],
          tenantTables(),
        ),
        grant(
          "turn point-in-time recovery on, back up, and delete only tables it made for a tenant (never its own tenant table, which is no tenant's)",
          ['dynamodb:UpdateContinuousBackups', 'dynamodb:CreateBackup', 'dynamodb:DeleteTable'],
          tenantTables(),
          { ...MANAGED_BY_US, Null: { [`aws:ResourceTag/${TAG_KEYS.tenantId}`]: 'false' } },
        ),
        grant(
          'count tables (the Region quota) and find a backup a try already made; neither has a resource type',
          ['dynamodb:ListTables', 'dynamodb:ListBackups'],
          '*',
        ),
      ],
    },
    cluster: {
      grants: () => [
        grant(
          'premium tenants own a cluster, created tagged',
          ['ecs:CreateCluster'],
          clusters(),
          TAGGED_ON_CREATE,
        ),
        grant('read its clusters', ['ecs:DescribeClusters'], clusters()),
        grant(
          'capacity providers of, and deleting, only clusters it made',
          ['ecs:PutClusterCapacityProviders', 'ecs:DeleteCluster'],
          clusters(),
          MANAGED_BY_US,
        ),
      ],
      tagOnCreate: {
        action: 'ecs:TagResource',
        resources: () => [clusters()],
        createAction: 'CreateCluster',
      },
    },
  };

  /** One statement per tag action: tagging only inside the calls that create the kinds of its service. */
  const tagOnCreateGrants = (): Grant[] =>
    (['ecs:TagResource', 'elasticloadbalancing:AddTags'] as const).map((action) => {
      const kinds = CREATION_ORDER.filter((kind) => KIND_GRANTS[kind].tagOnCreate?.action === action);
      const [service] = action.split(':');
      const names = kinds.map((kind) => {
        const spec = RESOURCE_KIND_SPECS[kind];
        return ('type' in spec ? spec.type : kind).replace('-', ' ');
      });
      const listed =
        names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : names.join('');
      return grant(
        `tags a ${listed} only as part of the call that creates it`,
        [action],
        kinds.flatMap((kind) => KIND_GRANTS[kind].tagOnCreate?.resources() ?? []),
        {
          StringEquals: {
            [`${service}:CreateAction`]: kinds.flatMap(
              (kind) => KIND_GRANTS[kind].tagOnCreate?.createAction ?? [],
            ),
          },
        },
      );
    });

  /** Making, changing and removing tenants' ECS/ELB resources, and recording them (steps, reconcile). */
  const provisioning = (): Grant[] => [
    tableAccess('tenant map, priorities, status ledger', [
      'GetItem',
      'PutItem',
      'UpdateItem',
      'DeleteItem',
      'Query',
    ]),
    grant(
      "the shared stack's outputs",
      ['cloudformation:DescribeStacks'],
      arn('cloudformation', `stack/${s.sharedStackName}/*`),
    ),
    // Each kind's, in creation order, then tagging inside the create calls.
    ...CREATION_ORDER.flatMap((kind) => KIND_GRANTS[kind].grants()),
    ...tagOnCreateGrants(),
    grant("admission: the shared cluster's service count", ['ecs:DescribeClusters'], sharedCluster),
    grant(
      "admission: the account's cluster count; ListClusters supports no resource-level permissions (Service Authorization Reference, Amazon ECS)",
      ['ecs:ListClusters'],
      '*',
    ),
    grant(
      'hand the shared task roles to ECS tasks, and to nothing else',
      ['iam:PassRole'],
      [sharedExport(s, 'TaskExecutionRoleArn'), sharedExport(s, 'TaskRoleArn')],
      { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    ),
    grant(
      "a first cluster in a fresh account needs ECS's service-linked role",
      ['iam:CreateServiceLinkedRole'],
      {
        'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS`,
      },
      { StringEquals: { 'iam:AWSServiceName': 'ecs.amazonaws.com' } },
    ),
    grant(
      'reads; ELB supports no resource-level permissions for Describe* (Service Authorization Reference, Elastic Load Balancing V2)',
      [
        'elasticloadbalancing:DescribeTargetGroups',
        'elasticloadbalancing:DescribeTargetHealth',
        'elasticloadbalancing:DescribeTargetGroupAttributes',
        'elasticloadbalancing:DescribeRules',
        'elasticloadbalancing:DescribeListeners',
        'elasticloadbalancing:DescribeTags',
        'elasticloadbalancing:DescribeLoadBalancers',
      ],
      '*',
    ),
  ];

  /** The ingress: starts executions, answers unusable requests, deduplicates status events. */
  const ingressGrants = (): Grant[] => [
    ...observability('ingress'),
    ...deadLetters('ingress'),
    grant('start the lifecycle sagas', ['states:StartExecution'], sagaMachineArns),
    putStatusEvents,
    tableAccess('status ledger (one answer per request)', ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem']),
  ];

  /**
   * The watcher: turns executions that died (failed, timed out, aborted) into failure events, and
   * starts the cleanup offboarding of what a dead onboarding or offboarding left behind.
   */
  const watcherGrants = (): Grant[] => [
    ...observability('watcher'),
    ...deadLetters('watcher'),
    tableAccess("free the dead execution's tenant; status ledger", [
      'GetItem',
      'PutItem',
      'UpdateItem',
      'DeleteItem',
    ]),
    putStatusEvents,
    grant(
      'start the cleanup after a dead execution (an offboarding, or a migration rolling back or forward)',
      ['states:StartExecution'],
      [
        ...new Set(Object.values(OPERATION_TABLE).flatMap((row) => (row.cleanupBy ? [row.cleanupBy] : []))),
      ].map((by) => ({ Ref: LOGICAL_IDS.stateMachines[OPERATION_TABLE[by].machine] })),
    ),
    grant(
      'read the dead execution',
      ['states:DescribeExecution'],
      MACHINE_IDS.map((id) => arn('states', `execution:${stateMachineName(s, id)}:*`)),
    ),
  ];

  /** The scheduled audit: reads the tenant map for tenants locked past their saga's time bound. */
  const auditGrants = (): Grant[] => [
    ...observability('audit'),
    tableAccess('read every tenant record', ['Scan']),
  ];

  /**
   * Reconciliation: reads every record, finds tenantflow's resources by tag, and (repair) makes,
   * rescales and removes them as the steps do, under the same conditions.
   */
  const reconcileGrants = (): Grant[] => [
    ...observability('reconcile'),
    ...provisioning(),
    tableAccess('read every tenant record', ['Scan']),
    grant(
      'find resources by tag; the Resource Groups Tagging API supports no resource-level permissions (Service Authorization Reference, Resource Group Tagging API)',
      ['tag:GetResources'],
      '*',
    ),
  ];

  return {
    ingress: ingressGrants(),
    step: stepGrants(),
    watcher: watcherGrants(),
    audit: auditGrants(),
    reconcile: reconcileGrants(),
  };
};

/** A role Lambda can assume, with one inline policy. */
export const lambdaRole = (name: FunctionName, grants: Grant[]) => ({
  Type: 'AWS::IAM::Role',
  Properties: {
    Description: `tenantflow ${name} function (least privilege)`,
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    },
    Policies: [
      {
        PolicyName: `${name}-least-privilege`,
        PolicyDocument: { Version: '2012-10-17', Statement: grants.map(statement) },
      },
    ],
  },
});

/** The function roles, keyed by logical id. */
export const functionRoles = (s: DeploySettings) => {
  const grants = functionGrants(s);
  return Object.fromEntries(
    FUNCTION_NAMES.map((name) => [LOGICAL_IDS.roles[name], lambdaRole(name, grants[name])]),
  );
};

/** A role a service assumes, with one inline policy (its grants without their `why`). */
const serviceRole = (description: string, service: string, policyName: string, grants: Grant[]) => ({
  Type: 'AWS::IAM::Role',
  Properties: {
    Description: description,
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
    },
    Policies: [
      { PolicyName: policyName, PolicyDocument: { Version: '2012-10-17', Statement: grants.map(statement) } },
    ],
  },
});

/** What every state machine may do: invoke the step function, deliver its logs, trace. */
export const stateMachineGrants = (): Grant[] => [
  grant(
    'every Task invokes the step dispatcher (any version of it)',
    ['lambda:InvokeFunction'],
    [
      { 'Fn::GetAtt': [LOGICAL_IDS.stepFunction, 'Arn'] },
      {
        'Fn::Sub': [
          `\${StepFunctionArn}:*`,
          { StepFunctionArn: { 'Fn::GetAtt': [LOGICAL_IDS.stepFunction, 'Arn'] } },
        ],
      },
    ],
  ),
  grant(
    "execution logs; CloudWatch Logs' log delivery actions support no resource-level permissions (Step Functions developer guide, logging)",
    [
      'logs:CreateLogDelivery',
      'logs:GetLogDelivery',
      'logs:UpdateLogDelivery',
      'logs:DeleteLogDelivery',
      'logs:ListLogDeliveries',
      'logs:PutResourcePolicy',
      'logs:DescribeResourcePolicies',
      'logs:DescribeLogGroups',
    ],
    '*',
  ),
  grant(
    'X-Ray traces; X-Ray supports no resource-level permissions for these (Service Authorization Reference, AWS X-Ray)',
    ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
    '*',
  ),
];

/** What EventBridge may do for a rule that starts a state machine: start that machine. */
export const ruleStartGrants = (machine: MachineId): Grant[] => [
  grant(`a ${machine} request on SBT's bus starts the ${machine} machine`, ['states:StartExecution'], {
    Ref: LOGICAL_IDS.stateMachines[machine],
  }),
];

/** The state machines' role, and the role of each rule that starts a machine, keyed by logical id. */
export const serviceRoles = (machineTargets: MachineId[]) => ({
  [LOGICAL_IDS.stateMachineRole]: serviceRole(
    'tenantflow state machines (least privilege)',
    'states.amazonaws.com',
    'state-machines-least-privilege',
    stateMachineGrants(),
  ),
  ...Object.fromEntries(
    machineTargets.map((machine) => [
      ruleRoleId(machine),
      serviceRole(
        `tenantflow rule starting the ${machine} machine`,
        'events.amazonaws.com',
        `${machine}-rule-least-privilege`,
        ruleStartGrants(machine),
      ),
    ]),
  ),
});

/** A CloudFormation value as the IAM table shows it. */
const shown = (value: Json): string => {
  if (typeof value === 'string') return value.replaceAll('${param:', '${');
  if (Array.isArray(value)) {
    // The shards' listener exports and their rules read as one item each.
    const items = value
      .map(shown)
      .map((item) =>
        item.replace(
          /^shared stack's Shard\d+ListenerArn$/,
          `shared stack's Shard2…${MAX_SHARDS}ListenerArn`,
        ),
      );
    return [...new Set(items)].join(', ');
  }
  if (value && typeof value === 'object') {
    const [key, inner] = Object.entries(value)[0] ?? [];
    if (key === 'Fn::Sub')
      return shown(Array.isArray(inner) ? (inner[0] as Json) : (inner as Json))
        .replace(/arn:\$\{AWS::Partition\}:(\w+):\$\{AWS::Region\}:\$\{AWS::AccountId\}:/, '$1:')
        .replace(`\${Shared}`, '<shared cluster>');
    if (key === 'Fn::GetAtt') return `${(inner as string[])[0]}`;
    if (key === 'Ref') return `${inner as string}`;
    if (key === 'Fn::ImportValue') return `shared stack's ${String(inner).split('-').at(-1)}`;
    if (key === 'Fn::Join') return "rules of the shards' listeners";
  }
  return JSON.stringify(value);
};

const conditionText = (condition: Statement['Condition']): string =>
  condition
    ? Object.entries(condition)
        .flatMap(([operator, keys]) =>
          Object.entries(keys).map(
            ([key, value]) =>
              `${key} ${operator === 'ArnLike' ? '∈' : operator.startsWith('ForAllValues:') ? '⊆' : '='} ${shown(value)}`,
          ),
        )
        .join('; ')
    : '';

/** The IAM model as a markdown table (action → resource → condition → why), per function. */
export const iamTable = (): string => {
  const grants: [string, Grant[]][] = [
    ...Object.entries(functionGrants(OSLS_SETTINGS)),
    ['state machines', stateMachineGrants()],
    [`${ROLLOUT_MACHINE} rule`, ruleStartGrants(ROLLOUT_MACHINE)],
  ];
  const rows = grants.flatMap(([name, list]) =>
    list.map(
      (g) =>
        `| ${name} | ${g.Action.join(', ')} | ${shown(g.Resource)} | ${conditionText(g.Condition)} | ${g.why} |`,
    ),
  );
  return ['| function | actions | resource | condition | why |', '|---|---|---|---|---|', ...rows].join('\n');
};
