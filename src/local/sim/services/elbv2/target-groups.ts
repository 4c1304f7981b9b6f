import {
  type CreateTargetGroupCommandOutput,
  type DeleteTargetGroupCommandOutput,
  type DescribeTargetGroupAttributesCommandOutput,
  type DescribeTargetGroupsCommandOutput,
  type DescribeTargetHealthCommandOutput,
  DuplicateTargetGroupNameException,
  type ModifyTargetGroupAttributesCommandOutput,
  type ModifyTargetGroupCommandOutput,
  ProtocolEnum,
  ResourceInUseException,
  type TargetGroup,
  type TargetGroupAttribute,
  type TargetHealth,
  type TargetHealthDescription,
  TargetTypeEnum,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { z } from 'zod';
import { arn, elbTags, errorMetadata, healthyAfter, nextHex, type SimContext } from '../../context.ts';
import type { Out } from '../../plugin.ts';
import { isRunning, serviceStatus } from '../ecs/service-runtime.ts';
import {
  elbTagInput,
  forwardedTargetGroups,
  loadBalancersOfTargetGroup,
  parseElb,
  targetGroupNotFound,
  targetGroupsOfLoadBalancer,
  validationError,
} from './common.ts';
import type { TargetGroupRecord } from './state.ts';

const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/;

/** A target group as DescribeTargetGroups shows it. */
export const targetGroupView = (ctx: SimContext, tg: TargetGroupRecord): TargetGroup => ({
  TargetGroupArn: tg.arn,
  TargetGroupName: tg.name,
  Protocol: tg.protocol,
  Port: tg.port,
  VpcId: tg.vpcId,
  TargetType: tg.targetType,
  HealthCheckEnabled: true,
  HealthCheckProtocol: tg.healthCheckProtocol,
  HealthCheckPort: tg.healthCheckPort,
  HealthCheckPath: tg.healthCheckPath,
  HealthCheckIntervalSeconds: tg.healthCheckIntervalSeconds,
  HealthCheckTimeoutSeconds: tg.healthCheckTimeoutSeconds,
  HealthyThresholdCount: tg.healthyThresholdCount,
  UnhealthyThresholdCount: tg.unhealthyThresholdCount,
  Matcher: { HttpCode: tg.matcherHttpCode },
  LoadBalancerArns: loadBalancersOfTargetGroup(ctx, tg.arn),
  ProtocolVersion: 'HTTP1',
  IpAddressType: 'ipv4',
});

/** The health check fields CreateTargetGroup and ModifyTargetGroup both take. */
const healthCheckInput = {
  HealthCheckProtocol: z.enum(ProtocolEnum).optional(),
  HealthCheckPort: z.string().optional(),
  HealthCheckPath: z.string().optional(),
  HealthCheckIntervalSeconds: z.number().optional(),
  HealthCheckTimeoutSeconds: z.number().optional(),
  HealthyThresholdCount: z.number().optional(),
  UnhealthyThresholdCount: z.number().optional(),
  Matcher: z.object({ HttpCode: z.string().optional() }).optional(),
};

const createInput = z.object({
  Name: z.string(),
  Protocol: z.enum(ProtocolEnum),
  Port: z.number().int().min(1).max(65535),
  VpcId: z.string(),
  TargetType: z.enum(TargetTypeEnum).optional(),
  ...healthCheckInput,
  Tags: elbTagInput,
});

/** A health check's ranges as ELBv2 enforces them for an HTTP group (the timeout below the interval). */
const checkHealthSettings = (tg: {
  healthCheckIntervalSeconds: number;
  healthCheckTimeoutSeconds: number;
  healthyThresholdCount: number;
  unhealthyThresholdCount: number;
  matcherHttpCode: string;
}): void => {
  const within = (value: number, low: number, high: number, what: string) => {
    if (!Number.isInteger(value) || value < low || value > high)
      throw validationError(`${what} must be between ${low} and ${high}`);
  };
  within(tg.healthCheckIntervalSeconds, 5, 300, 'Health check interval');
  within(tg.healthCheckTimeoutSeconds, 2, 120, 'Health check timeout');
  within(tg.healthyThresholdCount, 2, 10, 'Healthy threshold count');
  within(tg.unhealthyThresholdCount, 2, 10, 'Unhealthy threshold count');
  if (tg.healthCheckTimeoutSeconds >= tg.healthCheckIntervalSeconds)
    throw validationError('Health check interval must be greater than the timeout.');
  if (!/^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/.test(tg.matcherHttpCode))
    throw validationError(`Invalid matcher HTTP code '${tg.matcherHttpCode}'`);
};

/** The settings two CreateTargetGroup calls must share for the second to return the first's group. */
const settingsOf = (
  tg: Omit<TargetGroupRecord, 'arn' | 'tags' | 'createdAt' | 'shared' | 'deregistrationDelaySeconds'>,
): string =>
  JSON.stringify([
    tg.protocol,
    tg.port,
    tg.vpcId,
    tg.targetType,
    tg.healthCheckProtocol,
    tg.healthCheckPort,
    tg.healthCheckPath,
    tg.healthCheckIntervalSeconds,
    tg.healthCheckTimeoutSeconds,
    tg.healthyThresholdCount,
    tg.unhealthyThresholdCount,
    tg.matcherHttpCode,
  ]);

/** Creates (or finds the identical) target group; `shared` marks the seeded infrastructure. */
export const putTargetGroup = (ctx: SimContext, raw: unknown, shared = false): TargetGroupRecord => {
  const input = parseElb(createInput, raw);
  if (!NAME.test(input.Name)) {
    throw validationError(
      `Target group name '${input.Name}' can have a maximum of 32 characters, must contain only alphanumeric characters or hyphens, and must not begin or end with a hyphen`,
    );
  }
  const settings = {
    name: input.Name,
    protocol: input.Protocol,
    port: input.Port,
    vpcId: input.VpcId,
    targetType: input.TargetType ?? 'instance',
    healthCheckProtocol: input.HealthCheckProtocol ?? input.Protocol,
    healthCheckPort: input.HealthCheckPort ?? 'traffic-port',
    healthCheckPath: input.HealthCheckPath ?? '/',
    healthCheckIntervalSeconds: input.HealthCheckIntervalSeconds ?? 30,
    healthCheckTimeoutSeconds: input.HealthCheckTimeoutSeconds ?? 5,
    healthyThresholdCount: input.HealthyThresholdCount ?? 5,
    unhealthyThresholdCount: input.UnhealthyThresholdCount ?? 2,
    matcherHttpCode: input.Matcher?.HttpCode ?? '200',
  };
  checkHealthSettings(settings);
  const existing = ctx.state.targetGroups.find((tg) => tg.name === input.Name);
  if (existing) {
    if (settingsOf(existing) === settingsOf(settings)) return existing;
    throw new DuplicateTargetGroupNameException({
      message: 'A target group with the same name exists, but with different settings',
      $metadata: errorMetadata(),
    });
  }
  const record: TargetGroupRecord = {
    ...settings,
    deregistrationDelaySeconds: 300,
    arn: arn(ctx, 'elasticloadbalancing', `targetgroup/${input.Name}/${nextHex(ctx)}`),
    tags: elbTags(input.Tags),
    createdAt: ctx.now,
    shared,
  };
  ctx.write.add('targetGroups', record);
  return record;
};

export const createTargetGroup = (ctx: SimContext, input: unknown): Out<CreateTargetGroupCommandOutput> => ({
  TargetGroups: [targetGroupView(ctx, putTargetGroup(ctx, input))],
});

const describeInput = z.object({
  Names: z.array(z.string()).optional(),
  TargetGroupArns: z.array(z.string()).optional(),
  LoadBalancerArn: z.string().optional(),
});

export const describeTargetGroups = (
  ctx: SimContext,
  input: unknown,
): Out<DescribeTargetGroupsCommandOutput> => {
  const { Names, TargetGroupArns, LoadBalancerArn } = parseElb(describeInput, input);
  const all = ctx.state.targetGroups;
  const pick = (refs: string[], key: 'name' | 'arn') =>
    refs.map((ref) => {
      const found = all.find((tg) => tg[key] === ref);
      if (!found) throw targetGroupNotFound(ref);
      return found;
    });
  // The groups a load balancer reaches, found once (not the load balancers of every group).
  const reached = LoadBalancerArn ? targetGroupsOfLoadBalancer(ctx, LoadBalancerArn) : undefined;
  const selected = Names
    ? pick(Names, 'name')
    : TargetGroupArns
      ? pick(TargetGroupArns, 'arn')
      : all.filter((tg) => !reached || reached.has(tg.arn));
  return { TargetGroups: selected.map((tg) => targetGroupView(ctx, tg)) };
};

const targetGroupOf = (ctx: SimContext, arn: string): TargetGroupRecord => {
  const found = ctx.state.targetGroups.find((tg) => tg.arn === arn);
  if (!found) throw targetGroupNotFound(arn);
  return found;
};

const modifyInput = z.object({
  TargetGroupArn: z.string(),
  ...healthCheckInput,
});

/** Changes a group's health check: what the call names, the rest as it was. */
export const modifyTargetGroup = (ctx: SimContext, input: unknown): Out<ModifyTargetGroupCommandOutput> => {
  const change = parseElb(modifyInput, input);
  const tg = targetGroupOf(ctx, change.TargetGroupArn);
  const next = {
    healthCheckProtocol: change.HealthCheckProtocol ?? tg.healthCheckProtocol,
    healthCheckPort: change.HealthCheckPort ?? tg.healthCheckPort,
    healthCheckPath: change.HealthCheckPath ?? tg.healthCheckPath,
    healthCheckIntervalSeconds: change.HealthCheckIntervalSeconds ?? tg.healthCheckIntervalSeconds,
    healthCheckTimeoutSeconds: change.HealthCheckTimeoutSeconds ?? tg.healthCheckTimeoutSeconds,
    healthyThresholdCount: change.HealthyThresholdCount ?? tg.healthyThresholdCount,
    unhealthyThresholdCount: change.UnhealthyThresholdCount ?? tg.unhealthyThresholdCount,
    matcherHttpCode: change.Matcher?.HttpCode ?? tg.matcherHttpCode,
  };
  checkHealthSettings(next);
  ctx.write.touch('targetGroups', tg);
  Object.assign(tg, next);
  return { TargetGroups: [targetGroupView(ctx, tg)] };
};

const DRAIN = 'deregistration_delay.timeout_seconds';

/** The attributes the simulator keeps (ELBv2 lists more; their defaults are not modelled). */
const attributesOf = (tg: TargetGroupRecord): TargetGroupAttribute[] => [
  { Key: DRAIN, Value: String(tg.deregistrationDelaySeconds) },
];

const attributesInput = z.object({
  TargetGroupArn: z.string(),
  Attributes: z.array(z.object({ Key: z.string(), Value: z.string() })).min(1),
});

/** Sets the deregistration delay (0-3600 s); other attributes are refused rather than ignored. */
export const modifyTargetGroupAttributes = (
  ctx: SimContext,
  input: unknown,
): Out<ModifyTargetGroupAttributesCommandOutput> => {
  const { TargetGroupArn, Attributes } = parseElb(attributesInput, input);
  const tg = targetGroupOf(ctx, TargetGroupArn);
  let drain = tg.deregistrationDelaySeconds;
  for (const { Key, Value } of Attributes) {
    if (Key !== DRAIN) throw validationError(`The simulated cloud does not model the attribute '${Key}'`);
    const seconds = Number(Value);
    if (!/^\d+$/.test(Value) || seconds > 3600)
      throw validationError(`'${Value}' is not a valid value for ${DRAIN}: 0 to 3600 seconds`);
    drain = seconds;
  }
  ctx.write.touch('targetGroups', tg);
  tg.deregistrationDelaySeconds = drain;
  return { Attributes: attributesOf(tg) };
};

export const describeTargetGroupAttributes = (
  ctx: SimContext,
  input: unknown,
): Out<DescribeTargetGroupAttributesCommandOutput> => {
  const { TargetGroupArn } = parseElb(z.object({ TargetGroupArn: z.string() }), input);
  return { Attributes: attributesOf(targetGroupOf(ctx, TargetGroupArn)) };
};

const deleteInput = z.object({ TargetGroupArn: z.string() });

/**
 * Deleting a target group that does not exist succeeds, as on AWS. One a listener or a rule forwards
 * to is refused (ResourceInUse); one an ECS service still names is not (AWS allows it).
 */
export const deleteTargetGroup = (ctx: SimContext, input: unknown): Out<DeleteTargetGroupCommandOutput> => {
  const { TargetGroupArn } = parseElb(deleteInput, input);
  const inRule = ctx.state.rules.some((r) =>
    r.actions.some((a) => forwardedTargetGroups(a).includes(TargetGroupArn)),
  );
  const inListener = ctx.state.listeners.some((l) =>
    l.defaultActions.some((a) => forwardedTargetGroups(a).includes(TargetGroupArn)),
  );
  if (inRule || inListener) {
    throw new ResourceInUseException({
      message: `Target group '${TargetGroupArn}' is currently in use by a listener or a rule`,
      $metadata: errorMetadata(),
    });
  }
  ctx.write.remove('targetGroups', (tg) => tg.arn === TargetGroupArn);
  return {};
};

const healthInput = z.object({ TargetGroupArn: z.string() });

/**
 * A target's state: draining with its service, unused without a load balancer, else by health-check
 * time; once checked, unhealthy when the checks go to a port the target does not serve.
 */
const targetState = (draining: boolean, inUse: boolean, checked: boolean, reached: boolean): TargetHealth => {
  if (draining) return { State: 'draining', Reason: 'Target.DeregistrationInProgress' };
  if (!inUse) return { State: 'unused', Reason: 'Target.NotInUse' };
  if (!checked) return { State: 'initial', Reason: 'Elb.InitialHealthChecking' };
  return reached ? { State: 'healthy' } : { State: 'unhealthy', Reason: 'Target.FailedHealthChecks' };
};

/**
 * Targets are the tasks of the services attached to the group, healthy `healthyAfter` their start
 * (the fixed time, or the group's own threshold × interval in modelled seconds).
 */
export const describeTargetHealth = (
  ctx: SimContext,
  input: unknown,
): Out<DescribeTargetHealthCommandOutput> => {
  const { TargetGroupArn } = parseElb(healthInput, input);
  const tg = ctx.state.targetGroups.find((t) => t.arn === TargetGroupArn);
  if (!tg) throw targetGroupNotFound(TargetGroupArn);
  const inUse = loadBalancersOfTargetGroup(ctx, tg.arn).length > 0;
  const descriptions: TargetHealthDescription[] = [];
  for (const service of ctx.state.services) {
    const binding = service.loadBalancers.find((lb) => lb.targetGroupArn === tg.arn);
    const status = serviceStatus(service, ctx.now);
    if (!binding || status === 'INACTIVE') continue;
    const cutoff = status === 'DRAINING' ? (service.deletedAt ?? ctx.now) : ctx.now;
    for (const task of service.tasks.filter((t) => isRunning(t, cutoff))) {
      const health = targetState(
        status === 'DRAINING',
        inUse,
        ctx.now >= task.runningAt + healthyAfter(ctx.timing, tg),
        tg.healthCheckPort === 'traffic-port' || tg.healthCheckPort === String(binding.containerPort),
      );
      descriptions.push({
        Target: { Id: task.ip, Port: binding.containerPort, AvailabilityZone: task.availabilityZone },
        HealthCheckPort: String(binding.containerPort),
        TargetHealth: health,
      });
    }
  }
  return { TargetHealthDescriptions: descriptions };
};
