import { arn, healthyAfter, nextHex, nextUuid, type SimContext } from './context.ts';
import { putCluster } from './services/ecs/clusters.ts';
import { putService } from './services/ecs/services.ts';
import { putTaskDefinition } from './services/ecs/task-definitions.ts';
import { putRule } from './services/elbv2/rules.ts';
import type { ListenerRecord, LoadBalancerRecord } from './services/elbv2/state.ts';
import { modifyTargetGroupAttributes, putTargetGroup } from './services/elbv2/target-groups.ts';
import { type StackEvaluator, sharedStack } from './shared-stack.ts';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** CloudFormation's property names are PascalCase where ECS's API is camelCase: the same words. */
const camel = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(camel);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      /^[A-Z]/.test(key) ? `${key[0]?.toLowerCase()}${key.slice(1)}` : key,
      camel(item),
    ]),
  );
};

/** Numbers CloudFormation takes as strings or numbers (a `!Ref` to a Number parameter is a string). */
const numbers = (value: unknown, keys: ReadonlySet<string>): unknown => {
  if (Array.isArray(value)) return value.map((item) => numbers(item, keys));
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      keys.has(key) && typeof item === 'string' && item !== '' && !Number.isNaN(Number(item))
        ? Number(item)
        : numbers(item, keys),
    ]),
  );
};

const NUMERIC = new Set([
  'containerPort',
  'ContainerPort',
  'hostPort',
  'Port',
  'Priority',
  'desiredCount',
  'base',
  'weight',
  'healthCheckGracePeriodSeconds',
  'minimumHealthyPercent',
  'maximumPercent',
]);

/** A name as CloudFormation makes one for a resource that names none: `<stack>-<logical id>-<random>`. */
const generatedName = (ctx: SimContext, stackName: string, logicalId: string, max: number): string => {
  const suffix = nextHex(ctx, 12).toUpperCase();
  const room = max - suffix.length - 2;
  const stack = stackName.slice(0, Math.ceil(room / 2));
  return `${stack}-${logicalId.slice(0, room - stack.length)}-${suffix}`;
};

const network = (ctx: SimContext, stack: StackEvaluator) => {
  ctx.state.network ??= {
    vpcId: `vpc-${nextHex(ctx, 17)}`,
    subnetIds: [`subnet-${nextHex(ctx, 17)}`, `subnet-${nextHex(ctx, 17)}`],
    securityGroupId: `sg-${nextHex(ctx, 17)}`,
  };
  const net = ctx.state.network;
  stack.record('Vpc', { ref: net.vpcId });
  stack.record('PrivateSubnet1', { ref: net.subnetIds[0] ?? '' });
  stack.record('PrivateSubnet2', { ref: net.subnetIds[1] ?? '' });
  stack.record('PublicSubnet1', { ref: `subnet-${nextHex(ctx, 17)}` });
  stack.record('PublicSubnet2', { ref: `subnet-${nextHex(ctx, 17)}` });
  stack.record('ServiceSecurityGroup', {
    ref: net.securityGroupId,
    attributes: { GroupId: net.securityGroupId },
  });
  const albGroup = `sg-${nextHex(ctx, 17)}`;
  stack.record('AlbSecurityGroup', { ref: albGroup, attributes: { GroupId: albGroup } });
  return net;
};

/** Load balancer `LoadBalancer<suffix>` and its listener `Listener<suffix>` (suffix '' for the first shard). */
const loadBalancer = (
  ctx: SimContext,
  stack: StackEvaluator,
  stackName: string,
  vpcId: string,
  suffix = '',
) => {
  const name = generatedName(ctx, stackName, `LoadBalancer${suffix}`, 32);
  const id = nextHex(ctx);
  const lb: LoadBalancerRecord = {
    arn: arn(ctx, 'elasticloadbalancing', `loadbalancer/app/${name}/${id}`),
    name,
    dnsName: `${name}-${id.slice(0, 10)}.${ctx.region}.elb.amazonaws.com`,
    vpcId,
    tags: [],
    shared: true,
    createdAt: 0,
  };
  ctx.write.add('loadBalancers', lb);
  stack.record(`LoadBalancer${suffix}`, { ref: lb.arn, attributes: { DNSName: lb.dnsName } });
  const props = stack.properties(`Listener${suffix}`);
  const listenerArn = `${lb.arn.replace(':loadbalancer/', ':listener/')}/${nextHex(ctx)}`;
  const listener: ListenerRecord = {
    arn: listenerArn,
    loadBalancerArn: lb.arn,
    port: Number(props.Port),
    protocol: props.Protocol === 'HTTPS' ? 'HTTPS' : 'HTTP',
    defaultActions: (Array.isArray(props.DefaultActions) ? props.DefaultActions : []).map((action) => {
      const a = isRecord(action) ? action : {};
      const fixed = isRecord(a.FixedResponseConfig) ? a.FixedResponseConfig : undefined;
      return {
        Type: a.Type === 'forward' ? 'forward' : 'fixed-response',
        ...(typeof a.TargetGroupArn === 'string' ? { TargetGroupArn: a.TargetGroupArn } : {}),
        ...(fixed
          ? {
              FixedResponseConfig: {
                StatusCode: String(fixed.StatusCode),
                ...(typeof fixed.ContentType === 'string' ? { ContentType: fixed.ContentType } : {}),
                ...(typeof fixed.MessageBody === 'string' ? { MessageBody: fixed.MessageBody } : {}),
              },
            }
          : {}),
      } as const;
    }),
    defaultRuleArn: `${listenerArn.replace(':listener/', ':listener-rule/')}/${nextHex(ctx)}`,
    tags: [],
  };
  ctx.write.add('listeners', listener);
  stack.record(`Listener${suffix}`, { ref: listener.arn });
};

/**
 * Creates what infra/shared.yaml would, once per stack name, with the template's own names and
 * settings: the network, the load balancer and its listener, the shared cluster, the pooled service
 * with its task definition, target group and listener rule, and the stack with its outputs.
 */
export const seedSharedInfrastructure = (
  ctx: SimContext,
  stackName: string,
  parameters: Record<string, string> = {},
): void => {
  if (ctx.state.stacks.some((s) => s.name === stackName)) return;
  const stack = sharedStack(stackName, ctx.region, ctx.accountId, parameters);
  const net = network(ctx, stack);
  loadBalancer(ctx, stack, stackName, net.vpcId);
  // Further load balancer shards, as many as the stack's LoadBalancerShards declares.
  for (let n = 2; stack.template.Resources[`LoadBalancer${n}`]; n += 1)
    if (stack.creates(`LoadBalancer${n}`)) loadBalancer(ctx, stack, stackName, net.vpcId, String(n));

  const clusterProps = stack.properties('Cluster');
  const cluster = putCluster(
    ctx,
    {
      clusterName: String(clusterProps.ClusterName),
      capacityProviders: (Array.isArray(clusterProps.CapacityProviders)
        ? clusterProps.CapacityProviders
        : []
      ).map(String),
      defaultCapacityProviderStrategy: numbers(camel(clusterProps.DefaultCapacityProviderStrategy), NUMERIC),
      settings: camel(clusterProps.ClusterSettings),
    },
    true,
  );
  stack.record('Cluster', { ref: cluster.name, attributes: { Arn: cluster.arn } });
  stack.record('LogGroup', { ref: String(stack.properties('LogGroup').LogGroupName) });
  for (const role of ['TaskExecutionRole', 'TaskRole']) {
    const roleArn = `arn:aws:iam::${ctx.accountId}:role/${generatedName(ctx, stackName, role, 64)}`;
    stack.record(role, { ref: roleArn.split('/').at(-1) ?? role, attributes: { Arn: roleArn } });
  }

  const td = putTaskDefinition(ctx, numbers(camel(stack.properties('PooledTaskDefinition')), NUMERIC), true);
  stack.record('PooledTaskDefinition', { ref: td.arn });

  const tgProps = stack.properties('PooledTargetGroup');
  const tg = putTargetGroup(
    ctx,
    numbers({ ...tgProps, Name: generatedName(ctx, stackName, 'PooledTargetGroup', 32) }, NUMERIC),
    true,
  );
  // CloudFormation sets a group's attributes after creating it, as ModifyTargetGroupAttributes does.
  if (Array.isArray(tgProps.TargetGroupAttributes))
    modifyTargetGroupAttributes(ctx, { TargetGroupArn: tg.arn, Attributes: tgProps.TargetGroupAttributes });
  stack.record('PooledTargetGroup', { ref: tg.arn });
  putRule(ctx, numbers(stack.properties('PooledListenerRule'), NUMERIC), true);

  const serviceProps = numbers(camel(stack.properties('PooledService')), NUMERIC);
  const service = putService(ctx, serviceProps, true);
  // The pooled service was deployed with the stack: it is already running and healthy.
  const settledAt = ctx.now - healthyAfter(ctx.timing, tg);
  for (const task of service.tasks) task.runningAt = settledAt;
  service.rolloutCompletesAt = settledAt;
  stack.record('PooledService', { ref: service.arn, attributes: { Name: service.name } });

  ctx.write.add('stacks', {
    id: arn(ctx, 'cloudformation', `stack/${stackName}/${nextUuid(ctx)}`),
    name: stackName,
    createdAt: ctx.now,
    outputs: Object.entries(stack.outputs()).map(([key, value]) => ({ key, value })),
  });
};
