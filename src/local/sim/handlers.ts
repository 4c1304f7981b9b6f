import { describeStacks } from './cloudformation.ts';
import { describeAlarms, putMetricAlarm, setAlarmState } from './cloudwatch.ts';
import {
  adminAddUserToGroup,
  adminCreateUser,
  adminGetUser,
  createGroup,
  createUserPool,
  createUserPoolClient,
  deleteUserPool,
  describeUserPool,
  getGroup,
  listUserPoolClients,
  listUserPools,
} from './cognito.ts';
import { createCluster, deleteCluster, describeClusters, listClusters } from './ecs-clusters.ts';
import { createService, deleteService, describeServices, updateService } from './ecs-services.ts';
import {
  deleteTaskDefinitions,
  deregisterTaskDefinition,
  describeTaskDefinition,
  listTaskDefinitions,
  registerTaskDefinition,
} from './ecs-task-definitions.ts';
import { describeListeners } from './elbv2-listeners.ts';
import {
  createListener,
  createLoadBalancer,
  deleteListener,
  deleteLoadBalancer,
  describeLoadBalancers,
} from './elbv2-load-balancers.ts';
import { createRule, deleteRule, describeRules, modifyRule } from './elbv2-rules.ts';
import { addTags, describeTags } from './elbv2-tags.ts';
import {
  createTargetGroup,
  deleteTargetGroup,
  describeTargetGroupAttributes,
  describeTargetGroups,
  describeTargetHealth,
  modifyTargetGroup,
  modifyTargetGroupAttributes,
} from './elbv2-target-groups.ts';
import { putEvents } from './eventbridge.ts';
import type { SimHandler } from './output.ts';
import { getResources } from './tagging.ts';
import type { SimService } from './throttle.ts';

/** Every command the simulator implements, by service and command name (without `Command`). */
export const HANDLERS: Record<SimService, ReadonlyMap<string, SimHandler>> = {
  ecs: new Map<string, SimHandler>([
    ['CreateCluster', createCluster],
    ['DescribeClusters', describeClusters],
    ['ListClusters', listClusters],
    ['DeleteCluster', deleteCluster],
    ['RegisterTaskDefinition', registerTaskDefinition],
    ['DescribeTaskDefinition', describeTaskDefinition],
    ['ListTaskDefinitions', listTaskDefinitions],
    ['DeregisterTaskDefinition', deregisterTaskDefinition],
    ['DeleteTaskDefinitions', deleteTaskDefinitions],
    ['CreateService', createService],
    ['DescribeServices', describeServices],
    ['UpdateService', updateService],
    ['DeleteService', deleteService],
  ]),
  elbv2: new Map<string, SimHandler>([
    ['CreateTargetGroup', createTargetGroup],
    ['DescribeTargetGroups', describeTargetGroups],
    ['DeleteTargetGroup', deleteTargetGroup],
    ['ModifyTargetGroup', modifyTargetGroup],
    ['ModifyTargetGroupAttributes', modifyTargetGroupAttributes],
    ['DescribeTargetGroupAttributes', describeTargetGroupAttributes],
    ['DescribeTargetHealth', describeTargetHealth],
    ['DescribeRules', describeRules],
    ['DescribeListeners', describeListeners],
    ['CreateRule', createRule],
    ['ModifyRule', modifyRule],
    ['DeleteRule', deleteRule],
    ['DescribeTags', describeTags],
    ['AddTags', addTags],
    ['CreateLoadBalancer', createLoadBalancer],
    ['DescribeLoadBalancers', describeLoadBalancers],
    ['DeleteLoadBalancer', deleteLoadBalancer],
    ['CreateListener', createListener],
    ['DeleteListener', deleteListener],
  ]),
  cloudformation: new Map<string, SimHandler>([['DescribeStacks', describeStacks]]),
  cloudwatch: new Map<string, SimHandler>([
    ['DescribeAlarms', describeAlarms],
    ['PutMetricAlarm', putMetricAlarm],
    ['SetAlarmState', setAlarmState],
  ]),
  eventbridge: new Map<string, SimHandler>([['PutEvents', putEvents]]),
  tagging: new Map<string, SimHandler>([['GetResources', getResources]]),
  cognito: new Map<string, SimHandler>([
    ['CreateUserPool', createUserPool],
    ['DescribeUserPool', describeUserPool],
    ['ListUserPools', listUserPools],
    ['DeleteUserPool', deleteUserPool],
    ['CreateUserPoolClient', createUserPoolClient],
    ['ListUserPoolClients', listUserPoolClients],
    ['CreateGroup', createGroup],
    ['GetGroup', getGroup],
    ['AdminCreateUser', adminCreateUser],
    ['AdminGetUser', adminGetUser],
    ['AdminAddUserToGroup', adminAddUserToGroup],
  ]),
};

/** Commands that only read: no state to write back afterwards. */
export const isReadOnly = (command: string): boolean => /^(Describe|List|Get|AdminGet)/.test(command);
