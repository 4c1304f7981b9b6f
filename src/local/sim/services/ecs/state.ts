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
import { z } from 'zod';
import { slice, simTagSchema as tag } from '../../base-state.ts';

/* ECS's part of the simulated state: clusters, task definitions, services and their tasks. */

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

export const ECS_SLICES = {
  clusters: slice('arn', cluster),
  taskDefinitions: slice('arn', taskDefinition),
  services: slice('arn', service),
};

export type ClusterRecord = z.infer<typeof cluster>;
export type TaskDefinitionRecord = z.infer<typeof taskDefinition>;
export type ServiceRecord = z.infer<typeof service>;
export type TaskRecord = z.infer<typeof task>;
