import {
  AssignPublicIp,
  type CreateServiceCommandOutput,
  type DeleteServiceCommandOutput,
  type DescribeServicesCommandOutput,
  LaunchType,
  PropagateTags,
  type Service,
  ServiceNotActiveException,
  ServiceNotFoundException,
  type UpdateServiceCommandOutput,
} from '@aws-sdk/client-ecs';
import { z } from 'zod';
import { arn, drainFor, ecsTags, errorMetadata, nextHex, type SimContext } from '../../context.ts';
import type { Out } from '../../plugin.ts';
import {
  invalidParameter,
  parseEcs,
  requireCluster,
  strategyOf,
  strategySchema,
  tagSchema,
} from './clusters.ts';
import { deploy, isLive, reconcileTasks, serviceStatus, settleService } from './service-runtime.ts';
import { serviceView } from './service-view.ts';
import type { ClusterRecord, ServiceRecord, TaskDefinitionRecord } from './state.ts';
import { findTaskDefinition } from './task-definitions.ts';

const NAME = /^[A-Za-z0-9_-]{1,255}$/;

/** The newest record of service `ref` (name or ARN) in `cluster`, live ones first. */
export const findService = (
  ctx: SimContext,
  cluster: ClusterRecord,
  ref: string,
): ServiceRecord | undefined => {
  const name = ref.split('/').at(-1) ?? ref;
  const matches = ctx.state.services.filter((s) => s.clusterArn === cluster.arn && s.name === name);
  return matches.find((s) => isLive(s, ctx.now)) ?? matches.at(-1);
};

const loadBalancersSchema = z
  .array(z.object({ targetGroupArn: z.string(), containerName: z.string(), containerPort: z.number() }))
  .optional();
type LoadBalancerBinding = NonNullable<z.infer<typeof loadBalancersSchema>>[number];

/** ECS's checks of a service's load balancers: each group exists, a load balancer forwards to it, the container is the revision's. */
const checkLoadBalancers = (
  ctx: SimContext,
  bindings: readonly LoadBalancerBinding[],
  td: TaskDefinitionRecord,
): void => {
  for (const lb of bindings) {
    if (!ctx.state.targetGroups.some((tg) => tg.arn === lb.targetGroupArn)) {
      throw invalidParameter(`Unable to find target group ${lb.targetGroupArn}.`);
    }
    const attached = ctx.state.rules.some((r) =>
      r.actions.some(
        (a) =>
          a.TargetGroupArn === lb.targetGroupArn ||
          a.ForwardConfig?.TargetGroups.some((t) => t.TargetGroupArn === lb.targetGroupArn),
      ),
    );
    if (!attached) {
      throw invalidParameter(
        `The target group with targetGroupArn ${lb.targetGroupArn} does not have an associated load balancer.`,
      );
    }
    if (!td.containerDefinitions.some((c) => c.name === lb.containerName)) {
      throw invalidParameter(`The container ${lb.containerName} does not exist in the task definition.`);
    }
  }
};

const createInput = z.object({
  cluster: z.string().optional(),
  serviceName: z.string(),
  taskDefinition: z.string().optional(),
  desiredCount: z.number().int().min(0).optional(),
  clientToken: z.string().optional(),
  launchType: z.enum(LaunchType).optional(),
  capacityProviderStrategy: strategySchema,
  loadBalancers: loadBalancersSchema,
  networkConfiguration: z
    .object({
      awsvpcConfiguration: z
        .object({
          subnets: z.array(z.string()),
          securityGroups: z.array(z.string()).optional(),
          assignPublicIp: z.enum(AssignPublicIp).optional(),
        })
        .optional(),
    })
    .optional(),
  deploymentConfiguration: z
    .object({
      deploymentCircuitBreaker: z.object({ enable: z.boolean(), rollback: z.boolean() }).optional(),
      minimumHealthyPercent: z.number().optional(),
      maximumPercent: z.number().optional(),
    })
    .optional(),
  healthCheckGracePeriodSeconds: z.number().optional(),
  propagateTags: z.enum(PropagateTags).optional(),
  enableECSManagedTags: z.boolean().optional(),
  tags: tagSchema,
});
type CreateInput = z.infer<typeof createInput>;

const checkWiring = (ctx: SimContext, input: CreateInput, td: TaskDefinitionRecord): void => {
  if (input.launchType && input.capacityProviderStrategy?.length) {
    throw invalidParameter('Specifying both a launch type and capacity provider strategy is not supported.');
  }
  if (td.networkMode === 'awsvpc' && !input.networkConfiguration?.awsvpcConfiguration?.subnets.length) {
    throw invalidParameter("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  }
  checkLoadBalancers(ctx, input.loadBalancers ?? [], td);
};

/** Creates a service (or returns the one the same client token created); `shared` marks seeded ones. */
export const putService = (ctx: SimContext, raw: unknown, shared = false): ServiceRecord => {
  const input = parseEcs(createInput, raw);
  const cluster = requireCluster(ctx, input.cluster);
  if (!NAME.test(input.serviceName)) {
    throw invalidParameter('Service name must be up to 255 letters, numbers, hyphens and underscores.');
  }
  const existing = findService(ctx, cluster, input.serviceName);
  if (existing && isLive(existing, ctx.now)) {
    if (input.clientToken !== undefined && existing.clientToken === input.clientToken) return existing;
    throw invalidParameter('Creation of service was not idempotent.');
  }
  const td = findTaskDefinition(ctx, input.taskDefinition ?? '');
  if (!td) throw invalidParameter('TaskDefinition not found.');
  if (td.status !== 'ACTIVE') throw invalidParameter('TaskDefinition is inactive.');
  checkWiring(ctx, input, td);
  const vpc = input.networkConfiguration?.awsvpcConfiguration;
  const record: ServiceRecord = {
    arn: arn(ctx, 'ecs', `service/${cluster.name}/${input.serviceName}`),
    name: input.serviceName,
    clusterArn: cluster.arn,
    clusterName: cluster.name,
    taskDefinition: td.arn,
    desiredCount: input.desiredCount ?? 0,
    launchType: input.launchType,
    capacityProviderStrategy: strategyOf(input.capacityProviderStrategy),
    loadBalancers: input.loadBalancers ?? [],
    subnets: vpc?.subnets ?? [],
    securityGroups: vpc?.securityGroups ?? [],
    assignPublicIp: vpc?.assignPublicIp,
    circuitBreaker: input.deploymentConfiguration?.deploymentCircuitBreaker,
    minimumHealthyPercent: input.deploymentConfiguration?.minimumHealthyPercent,
    maximumPercent: input.deploymentConfiguration?.maximumPercent,
    healthCheckGracePeriodSeconds: input.healthCheckGracePeriodSeconds,
    propagateTags: input.propagateTags,
    enableECSManagedTags: input.enableECSManagedTags,
    clientToken: input.clientToken,
    tags: ecsTags(input.tags),
    createdAt: ctx.now,
    deploymentId: `ecs-svc/${String(Number.parseInt(nextHex(ctx, 12), 16)).padStart(19, '0')}`,
    rolloutCompletesAt: ctx.now + ctx.timing.serviceStartMs,
    tasks: [],
    shared,
  };
  reconcileTasks(ctx, record, record.rolloutCompletesAt);
  ctx.write.remove('services', (s) => s.clusterArn === cluster.arn && s.name === record.name);
  ctx.write.add('services', record);
  return record;
};

export const createService = (ctx: SimContext, input: unknown): Out<CreateServiceCommandOutput> => ({
  service: serviceView(ctx, putService(ctx, input), true),
});

const describeInput = z.object({
  cluster: z.string().optional(),
  services: z.array(z.string()).min(1).max(10),
  include: z.array(z.string()).optional(),
});

export const describeServices = (ctx: SimContext, input: unknown): Out<DescribeServicesCommandOutput> => {
  const { cluster: ref, services, include = [] } = parseEcs(describeInput, input);
  const cluster = requireCluster(ctx, ref);
  const found: Service[] = [];
  const failures: { arn: string; reason: string }[] = [];
  for (const name of services) {
    const record = findService(ctx, cluster, name);
    if (record) found.push(serviceView(ctx, record, include.includes('TAGS')));
    else failures.push({ arn: arn(ctx, 'ecs', `service/${cluster.name}/${name}`), reason: 'MISSING' });
  }
  return { services: found, failures };
};

const notFound = () =>
  new ServiceNotFoundException({ message: 'Service not found.', $metadata: errorMetadata() });

const updateInput = z.object({
  cluster: z.string().optional(),
  service: z.string(),
  desiredCount: z.number().int().min(0).optional(),
  taskDefinition: z.string().optional(),
  loadBalancers: loadBalancersSchema,
});

export const updateService = (ctx: SimContext, input: unknown): Out<UpdateServiceCommandOutput> => {
  const parsed = parseEcs(updateInput, input);
  const record = findService(ctx, requireCluster(ctx, parsed.cluster), parsed.service);
  if (!record) throw notFound();
  if (serviceStatus(record, ctx.now) !== 'ACTIVE') {
    throw new ServiceNotActiveException({ message: 'Service was not ACTIVE.', $metadata: errorMetadata() });
  }
  ctx.write.touch('services', record);
  settleService(record, ctx.now);
  if (parsed.desiredCount !== undefined) {
    record.desiredCount = parsed.desiredCount;
    reconcileTasks(ctx, record, ctx.now + ctx.timing.serviceStartMs);
  }
  if (parsed.taskDefinition !== undefined) {
    const td = findTaskDefinition(ctx, parsed.taskDefinition);
    if (!td) throw invalidParameter('TaskDefinition not found.');
    if (td.status !== 'ACTIVE') throw invalidParameter('TaskDefinition is inactive.');
    // A new deployment: it completes once its tasks run (the old ones serve until then).
    if (td.arn !== record.taskDefinition) deploy(ctx, record, td.arn, td.containerDefinitions[0]?.image);
  }
  if (parsed.loadBalancers !== undefined) {
    // Checked against the revision the service runs; its tasks are registered there (ECS starts a
    // deployment: here the running tasks are taken to be the new deployment's).
    const td = findTaskDefinition(ctx, record.taskDefinition);
    if (td) checkLoadBalancers(ctx, parsed.loadBalancers, td);
    record.loadBalancers = parsed.loadBalancers;
  }
  return { service: serviceView(ctx, record, false) };
};

const deleteInput = z.object({
  cluster: z.string().optional(),
  service: z.string(),
  force: z.boolean().optional(),
});

export const deleteService = (ctx: SimContext, input: unknown): Out<DeleteServiceCommandOutput> => {
  const parsed = parseEcs(deleteInput, input);
  const record = findService(ctx, requireCluster(ctx, parsed.cluster), parsed.service);
  if (!record || serviceStatus(record, ctx.now) === 'INACTIVE') throw notFound();
  if (record.deletedAt === undefined) {
    if (record.desiredCount > 0 && parsed.force !== true) {
      throw invalidParameter('The service cannot be stopped while it is scaled above 0.');
    }
    ctx.write.touch('services', record);
    record.deletedAt = ctx.now;
    const groups = ctx.state.targetGroups.filter((group) =>
      record.loadBalancers.some((binding) => binding.targetGroupArn === group.arn),
    );
    record.inactiveAt = ctx.now + drainFor(ctx.timing, groups);
    record.desiredCount = 0;
  }
  return { service: serviceView(ctx, record, false) };
};
