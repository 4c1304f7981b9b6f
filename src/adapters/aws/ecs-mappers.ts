import { z } from 'zod';
import type { Tag } from '../../domain/naming.ts';
import type { ClusterInfo, ServiceInfo, TaskDefinitionInfo } from '../../ports/container-platform.ts';
import { parseResult } from './parse.ts';

/** ECS tags are `{ key, value }`, like ours, but both optional in the SDK's types. */
const tagsSchema = z
  .array(z.object({ key: z.string(), value: z.string().default('') }))
  .optional()
  .transform((tags): Tag[] => tags ?? []);

const clusterSchema = z.object({
  clusterArn: z.string().min(1),
  clusterName: z.string().min(1),
  status: z.string().min(1),
  activeServicesCount: z.number().int().default(0),
  tags: tagsSchema,
});

/** Parses an ECS `Cluster` (with its tags when asked for); a missing ARN or name is a `FatalError`. */
export const toClusterInfo = (cluster: unknown, context: string): ClusterInfo => {
  const parsed = parseResult(clusterSchema, cluster, context);
  return {
    arn: parsed.clusterArn,
    name: parsed.clusterName,
    status: parsed.status,
    activeServicesCount: parsed.activeServicesCount,
    tags: parsed.tags,
  };
};

const taskDefinitionSchema = z.object({
  taskDefinitionArn: z.string().min(1),
  family: z.string().min(1),
  revision: z.number().int().positive(),
  status: z.string().optional(),
  cpu: z.string().optional(),
  memory: z.string().optional(),
});

/** Parses an ECS `TaskDefinition` plus the tags returned next to it. */
export const toTaskDefinitionInfo = (
  taskDefinition: unknown,
  tags: unknown,
  context: string,
): TaskDefinitionInfo => {
  const parsed = parseResult(taskDefinitionSchema, taskDefinition, context);
  return {
    arn: parsed.taskDefinitionArn,
    family: parsed.family,
    revision: parsed.revision,
    status: parsed.status ?? 'ACTIVE',
    ...(parsed.cpu !== undefined ? { cpu: parsed.cpu } : {}),
    ...(parsed.memory !== undefined ? { memory: parsed.memory } : {}),
    tags: parseResult(tagsSchema, tags, context),
  };
};

const serviceSchema = z.object({
  serviceArn: z.string().min(1),
  serviceName: z.string().min(1),
  status: z.string().min(1),
  desiredCount: z.number().int().default(0),
  runningCount: z.number().int().default(0),
  taskDefinition: z.string().default(''),
  tags: tagsSchema,
  loadBalancers: z.array(z.object({ targetGroupArn: z.string().optional() })).default([]),
  deployments: z
    .array(
      z.object({
        status: z.string().optional(),
        taskDefinition: z.string().optional(),
        rolloutState: z.string().optional(),
        rolloutStateReason: z.string().optional(),
      }),
    )
    .default([]),
});

/**
 * Parses an ECS `Service`; the rollout state is the PRIMARY deployment's, and a deployment beside it
 * whose rollout FAILED (the circuit breaker rolled it back) is `failedRollout`.
 */
export const toServiceInfo = (service: unknown, context: string): ServiceInfo => {
  const parsed = parseResult(serviceSchema, service, context);
  const primary = parsed.deployments.find((deployment) => deployment.status === 'PRIMARY');
  const failed = parsed.deployments.find(
    (deployment) => deployment.status !== 'PRIMARY' && deployment.rolloutState === 'FAILED',
  );
  return {
    arn: parsed.serviceArn,
    name: parsed.serviceName,
    status: parsed.status,
    desiredCount: parsed.desiredCount,
    runningCount: parsed.runningCount,
    taskDefinition: parsed.taskDefinition,
    ...(primary?.rolloutState === undefined ? {} : { rolloutState: primary.rolloutState }),
    ...(primary?.rolloutStateReason === undefined ? {} : { rolloutStateReason: primary.rolloutStateReason }),
    ...(failed?.taskDefinition === undefined
      ? {}
      : {
          failedRollout: {
            taskDefinition: failed.taskDefinition,
            reason: failed.rolloutStateReason ?? 'no reason given',
          },
        }),
    targetGroupArns: parsed.loadBalancers.flatMap((lb) => (lb.targetGroupArn ? [lb.targetGroupArn] : [])),
    tags: parsed.tags,
  };
};

/** True when the `failures` of a Describe* call report `arn`-less or matching MISSING entries. */
export const reportsMissing = (
  failures: ReadonlyArray<{ reason?: string | undefined }> | undefined,
): boolean => (failures ?? []).some((failure) => failure.reason === 'MISSING');
