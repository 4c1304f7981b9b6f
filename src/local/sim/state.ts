import {
  AssignPublicIp,
  ClusterSettingName,
  Compatibility,
  LaunchType,
  LogDriver,
  NetworkMode,
  PropagateTags,
  TaskDefinitionStatus,
  TransportProtocol,
} from '@aws-sdk/client-ecs';
import { ActionTypeEnum, ProtocolEnum, TargetTypeEnum } from '@aws-sdk/client-elastic-load-balancing-v2';
import { z } from 'zod';

/*
 * The simulated cloud's whole state: plain JSON (times are epoch milliseconds), so it can be
 * written to a file and read back by the next CLI run. Progress over time (tasks starting,
 * targets turning healthy, services draining) is stored as the instants it happens, never as a
 * status that would need a timer to advance.
 */

const tag = z.object({ key: z.string(), value: z.string() });
const strategyItem = z.object({ capacityProvider: z.string(), base: z.number(), weight: z.number() });

const cluster = z.object({
  arn: z.string(),
  name: z.string(),
  status: z.enum(['ACTIVE', 'INACTIVE']),
  createdAt: z.number(),
  tags: z.array(tag),
  settings: z.array(z.object({ name: z.enum(ClusterSettingName), value: z.string() })),
  capacityProviders: z.array(z.string()),
  defaultCapacityProviderStrategy: z.array(strategyItem),
  shared: z.boolean(),
});

/** The container fields the simulator keeps and echoes back (a subset of ContainerDefinition). */
export const containerSchema = z.object({
  name: z.string().optional(),
  image: z.string().optional(),
  essential: z.boolean().optional(),
  cpu: z.number().optional(),
  memory: z.number().optional(),
  portMappings: z
    .array(
      z.object({
        containerPort: z.number().optional(),
        hostPort: z.number().optional(),
        protocol: z.enum(TransportProtocol).optional(),
      }),
    )
    .optional(),
  environment: z.array(z.object({ name: z.string().optional(), value: z.string().optional() })).optional(),
  logConfiguration: z
    .object({ logDriver: z.enum(LogDriver), options: z.record(z.string(), z.string()).optional() })
    .optional(),
});

const taskDefinition = z.object({
  arn: z.string(),
  family: z.string(),
  revision: z.number(),
  status: z.enum(TaskDefinitionStatus),
  registeredAt: z.number(),
  deregisteredAt: z.number().optional(),
  tags: z.array(tag),
  cpu: z.string().optional(),
  memory: z.string().optional(),
  networkMode: z.enum(NetworkMode).optional(),
  requiresCompatibilities: z.array(z.enum(Compatibility)),
  executionRoleArn: z.string().optional(),
  taskRoleArn: z.string().optional(),
  containerDefinitions: z.array(containerSchema),
  shared: z.boolean(),
});

const task = z.object({
  id: z.string(),
  ip: z.string(),
  availabilityZone: z.string(),
  runningAt: z.number(),
  /** Set on the tasks a deployment replaces: they stop once the new ones run. */
  stopsAt: z.number().optional(),
});

const service = z.object({
  arn: z.string(),
  name: z.string(),
  clusterArn: z.string(),
  clusterName: z.string(),
  taskDefinition: z.string(),
  desiredCount: z.number(),
  launchType: z.enum(LaunchType).optional(),
  capacityProviderStrategy: z.array(strategyItem),
  loadBalancers: z.array(
    z.object({ targetGroupArn: z.string(), containerName: z.string(), containerPort: z.number() }),
  ),
  subnets: z.array(z.string()),
  securityGroups: z.array(z.string()),
  assignPublicIp: z.enum(AssignPublicIp).optional(),
  circuitBreaker: z.object({ enable: z.boolean(), rollback: z.boolean() }).optional(),
  minimumHealthyPercent: z.number().optional(),
  maximumPercent: z.number().optional(),
  healthCheckGracePeriodSeconds: z.number().optional(),
  propagateTags: z.enum(PropagateTags).optional(),
  enableECSManagedTags: z.boolean().optional(),
  clientToken: z.string().optional(),
  tags: z.array(tag),
  createdAt: z.number(),
  deploymentId: z.string(),
  rolloutCompletesAt: z.number(),
  /**
   * A deployment whose tasks never start (see `isFailingImage`): it fails at `failsAt`, when the
   * circuit breaker (if enabled with rollback) puts the service back on `previous`.
   */
  failingRollout: z
    .object({ previous: z.string(), failsAt: z.number(), deploymentId: z.string(), reason: z.string() })
    .optional(),
  /** The last deployment the circuit breaker rolled back, as DescribeServices keeps showing it. */
  rolledBack: z
    .object({ deploymentId: z.string(), taskDefinition: z.string(), reason: z.string() })
    .optional(),
  /** Set by DeleteService: DRAINING from then, INACTIVE from `inactiveAt`. */
  deletedAt: z.number().optional(),
  inactiveAt: z.number().optional(),
  tasks: z.array(task),
  shared: z.boolean(),
});

const targetGroup = z.object({
  arn: z.string(),
  name: z.string(),
  protocol: z.enum(ProtocolEnum),
  port: z.number(),
  vpcId: z.string(),
  targetType: z.enum(TargetTypeEnum),
  healthCheckProtocol: z.enum(ProtocolEnum),
  healthCheckPath: z.string(),
  healthCheckPort: z.string(),
  healthCheckIntervalSeconds: z.number(),
  healthCheckTimeoutSeconds: z.number(),
  healthyThresholdCount: z.number(),
  unhealthyThresholdCount: z.number(),
  matcherHttpCode: z.string(),
  /** The `deregistration_delay.timeout_seconds` attribute (a state file from before it was kept: ELBv2's default). */
  deregistrationDelaySeconds: z.number().default(300),
  tags: z.array(tag),
  createdAt: z.number(),
  shared: z.boolean(),
});

const action = z.object({
  Type: z.enum(ActionTypeEnum),
  Order: z.number().optional(),
  TargetGroupArn: z.string().optional(),
  ForwardConfig: z
    .object({
      TargetGroups: z.array(
        z.object({ TargetGroupArn: z.string().optional(), Weight: z.number().optional() }),
      ),
    })
    .optional(),
  FixedResponseConfig: z
    .object({
      StatusCode: z.string(),
      ContentType: z.string().optional(),
      MessageBody: z.string().optional(),
    })
    .optional(),
});

const condition = z.object({
  Field: z.string().optional(),
  Values: z.array(z.string()).optional(),
  HttpHeaderConfig: z
    .object({ HttpHeaderName: z.string().optional(), Values: z.array(z.string()).optional() })
    .optional(),
  PathPatternConfig: z.object({ Values: z.array(z.string()).optional() }).optional(),
  HostHeaderConfig: z.object({ Values: z.array(z.string()).optional() }).optional(),
});

/** A listener-rule action and condition as the simulator stores them (ELBv2 casing, echoed back). */
export const actionSchema = action;
export const conditionSchema = condition;

const loadBalancer = z.object({
  arn: z.string(),
  name: z.string(),
  dnsName: z.string(),
  vpcId: z.string(),
  tags: z.array(tag),
  shared: z.boolean(),
  /** When CreateLoadBalancer made it (provisioning until `serviceStartMs` later); the stack's: 0. */
  createdAt: z.number().default(0),
});
const listener = z.object({
  arn: z.string(),
  loadBalancerArn: z.string(),
  port: z.number(),
  protocol: z.enum(ProtocolEnum),
  defaultActions: z.array(action),
  defaultRuleArn: z.string(),
  tags: z.array(tag).default([]),
});
const rule = z.object({
  arn: z.string(),
  listenerArn: z.string(),
  priority: z.number(),
  conditions: z.array(condition),
  actions: z.array(action),
  tags: z.array(tag),
  shared: z.boolean(),
});

const stack = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.number(),
  outputs: z.array(z.object({ key: z.string(), value: z.string() })),
});

const event = z.object({
  id: z.string(),
  source: z.string(),
  detailType: z.string(),
  detail: z.unknown(),
  eventBusName: z.string(),
  time: z.string(),
  resources: z.array(z.string()),
});

/** A CloudWatch alarm: only its name and state (what a rollout's gate reads). */
const alarm = z.object({
  name: z.string(),
  state: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']),
  reason: z.string(),
  updatedAt: z.number(),
});

/** A Cognito user pool, with its app clients, groups and users (deleted with it). */
const userPool = z.object({
  id: z.string(),
  name: z.string(),
  arn: z.string(),
  createdAt: z.number(),
  tags: z.array(tag),
  usernameAttributes: z.array(z.string()),
  /** Names of its custom attributes (without `custom:`). */
  customAttributes: z.array(z.string()),
  clients: z.array(z.object({ id: z.string(), name: z.string() })),
  groups: z.array(z.object({ name: z.string(), description: z.string() })),
  users: z.array(
    z.object({
      username: z.string(),
      attributes: z.record(z.string(), z.string()),
      groups: z.array(z.string()),
      createdAt: z.number(),
    }),
  ),
});

const network = z.object({ vpcId: z.string(), subnetIds: z.array(z.string()), securityGroupId: z.string() });

/** Schema of the persisted state file. */
export const simStateSchema = z.object({
  version: z.literal(1),
  /** Monotonic counter behind every generated id: the same calls give the same ids. */
  seq: z.number(),
  network: network.optional(),
  clusters: z.array(cluster),
  taskDefinitions: z.array(taskDefinition),
  services: z.array(service),
  targetGroups: z.array(targetGroup),
  loadBalancers: z.array(loadBalancer),
  listeners: z.array(listener),
  rules: z.array(rule),
  stacks: z.array(stack),
  events: z.array(event),
  /** Absent in a state file written before the simulator had CloudWatch. */
  alarms: z.array(alarm).default([]),
  /** Absent in a state file written before the simulator had Cognito. */
  userPools: z.array(userPool).default([]),
});

export type SimState = z.infer<typeof simStateSchema>;
export type SimTag = z.infer<typeof tag>;
export type ClusterRecord = z.infer<typeof cluster>;
export type TaskDefinitionRecord = z.infer<typeof taskDefinition>;
export type ServiceRecord = z.infer<typeof service>;
export type TaskRecord = z.infer<typeof task>;
export type TargetGroupRecord = z.infer<typeof targetGroup>;
export type LoadBalancerRecord = z.infer<typeof loadBalancer>;
export type ListenerRecord = z.infer<typeof listener>;
export type RuleRecord = z.infer<typeof rule>;
export type RuleAction = z.infer<typeof action>;
export type RuleConditionRecord = z.infer<typeof condition>;
export type StackRecord = z.infer<typeof stack>;
export type EventRecord = z.infer<typeof event>;
export type AlarmRecord = z.infer<typeof alarm>;
export type UserPoolRecord = z.infer<typeof userPool>;

/** A cloud with nothing in it. */
export const emptyState = (): SimState => ({
  version: 1,
  seq: 0,
  clusters: [],
  taskDefinitions: [],
  services: [],
  targetGroups: [],
  loadBalancers: [],
  listeners: [],
  rules: [],
  stacks: [],
  events: [],
  alarms: [],
  userPools: [],
});
