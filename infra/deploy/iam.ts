import { TAG_KEYS } from '../../src/domain/naming.ts';
import { OPERATION_TABLE } from '../../src/domain/operations.ts';
import { MACHINE_IDS } from '../../src/domain/saga.ts';
import type { Json } from './asl.ts';
import {
  type FunctionName,
  functionName,
  LOGICAL_IDS,
  PARAM,
  sharedExport,
  stateMachineName,
} from './names.ts';

/** One IAM policy statement. Actions are always named: never `*`, never `service:*`. */
export interface Statement {
  Effect: 'Allow';
  Action: string[];
  Resource: Json;
  Condition?: { [operator: string]: { [key: string]: Json } };
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>` as a CloudFormation `Fn::Sub`. */
export const arn = (service: string, resource: string): { 'Fn::Sub': string } => ({
  'Fn::Sub': `arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`,
});

const allow = (Action: string[], Resource: Json, Condition?: Statement['Condition']): Statement =>
  Condition ? { Effect: 'Allow', Action, Resource, Condition } : { Effect: 'Allow', Action, Resource };

/** Only resources this project created carry the tag: destructive calls require it on top of the name. */
const managedByUs = { StringEquals: { [`aws:ResourceTag/${TAG_KEYS.managedBy}`]: 'tenantflow' } };

const prefix = PARAM.resourcePrefix;
const tableArn = { 'Fn::GetAtt': [LOGICAL_IDS.table, 'Arn'] };
const busArn = arn('events', `event-bus/${PARAM.eventBus}`);
const stateMachineArns = MACHINE_IDS.map((id) => ({ Ref: LOGICAL_IDS.stateMachines[id] }));
/** Rules live under their listener: `…:listener-rule/app/<lb>/<id>/<listener>/<rule>`. */
const sharedListenerRules = {
  'Fn::Join': [
    '',
    [{ 'Fn::Join': [':listener-rule/', { 'Fn::Split': [':listener/', sharedExport('ListenerArn')] }] }, '/*'],
  ],
};

/** Writing its own logs and traces: every function needs this. */
const observability = (name: FunctionName): Statement[] => [
  allow(
    ['logs:CreateLogStream', 'logs:PutLogEvents'],
    arn('logs', `log-group:/aws/lambda/${functionName(name)}:*`),
  ),
  // X-Ray's write APIs have no resource-level permissions.
  allow(['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], '*'),
];

const tableAccess = (actions: string[]): Statement =>
  allow(
    actions.map((a) => `dynamodb:${a}`),
    tableArn,
  );
const putStatusEvents = allow(['events:PutEvents'], busArn);

/** The step dispatcher: provisions and removes tenants' ECS/ELB resources and records them. */
export const stepStatements = (): Statement[] => [
  ...observability('step'),
  tableAccess(['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query']),
  putStatusEvents,
  allow(['cloudformation:DescribeStacks'], arn('cloudformation', `stack/${PARAM.sharedStackName}/*`)),
  allow(
    ['ecs:CreateCluster', 'ecs:DescribeClusters', 'ecs:PutClusterCapacityProviders'],
    arn('ecs', `cluster/${prefix}-*`),
  ),
  allow(['ecs:DeleteCluster'], arn('ecs', `cluster/${prefix}-*`), managedByUs),
  allow(['ecs:CreateService', 'ecs:DescribeServices'], arn('ecs', `service/*/${prefix}-*`)),
  allow(['ecs:UpdateService', 'ecs:DeleteService'], arn('ecs', `service/*/${prefix}-*`), managedByUs),
  allow(
    ['ecs:TagResource'],
    [
      arn('ecs', `cluster/${prefix}-*`),
      arn('ecs', `service/*/${prefix}-*`),
      arn('ecs', `task-definition/${prefix}-*:*`),
    ],
  ),
  // Task definitions: AWS supports no resource scoping for these five.
  allow(
    [
      'ecs:RegisterTaskDefinition',
      'ecs:DeregisterTaskDefinition',
      'ecs:DeleteTaskDefinitions',
      'ecs:ListTaskDefinitions',
      'ecs:DescribeTaskDefinition',
    ],
    '*',
  ),
  allow(['iam:PassRole'], [sharedExport('TaskExecutionRoleArn'), sharedExport('TaskRoleArn')], {
    StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
  }),
  // A first cluster in a fresh account needs ECS's service-linked role.
  allow(
    ['iam:CreateServiceLinkedRole'],
    {
      'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS`,
    },
    { StringEquals: { 'iam:AWSServiceName': 'ecs.amazonaws.com' } },
  ),
  allow(['elasticloadbalancing:CreateTargetGroup'], arn('elasticloadbalancing', `targetgroup/${prefix}-*/*`)),
  allow(
    ['elasticloadbalancing:DeleteTargetGroup'],
    arn('elasticloadbalancing', `targetgroup/${prefix}-*/*`),
    managedByUs,
  ),
  allow(['elasticloadbalancing:CreateRule'], sharedExport('ListenerArn')),
  allow(['elasticloadbalancing:DeleteRule'], sharedListenerRules, managedByUs),
  allow(
    ['elasticloadbalancing:AddTags'],
    [arn('elasticloadbalancing', `targetgroup/${prefix}-*/*`), sharedListenerRules],
  ),
  // ELB's Describe* calls support no resource scoping.
  allow(
    [
      'elasticloadbalancing:DescribeTargetGroups',
      'elasticloadbalancing:DescribeTargetHealth',
      'elasticloadbalancing:DescribeRules',
      'elasticloadbalancing:DescribeListeners',
      'elasticloadbalancing:DescribeTags',
    ],
    '*',
  ),
];

/** The ingress: starts executions, answers unusable requests, deduplicates status events. */
export const ingressStatements = (): Statement[] => [
  ...observability('ingress'),
  allow(['states:StartExecution'], stateMachineArns),
  putStatusEvents,
  tableAccess(['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem']),
];

/**
 * The watcher: turns executions that died (failed, timed out, aborted) into failure events, and
 * starts the cleanup offboarding of what a dead onboarding or offboarding left behind.
 */
export const watcherStatements = (): Statement[] => [
  ...observability('watcher'),
  tableAccess(['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem']),
  putStatusEvents,
  allow(['states:StartExecution'], [{ Ref: LOGICAL_IDS.stateMachines[OPERATION_TABLE.offboard.machine] }]),
  allow(
    ['states:DescribeExecution'],
    MACHINE_IDS.map((id) => arn('states', `execution:${stateMachineName(id)}:*`)),
  ),
];

/** A role Lambda can assume, with one inline policy. */
export const lambdaRole = (name: FunctionName, statements: Statement[]) => ({
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
        PolicyDocument: { Version: '2012-10-17', Statement: statements },
      },
    ],
  },
});

/** The three function roles, keyed by logical id. */
export const functionRoles = () => ({
  [LOGICAL_IDS.roles.ingress]: lambdaRole('ingress', ingressStatements()),
  [LOGICAL_IDS.roles.step]: lambdaRole('step', stepStatements()),
  [LOGICAL_IDS.roles.watcher]: lambdaRole('watcher', watcherStatements()),
});
