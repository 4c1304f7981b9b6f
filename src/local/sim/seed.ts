import { arn, nextHex, nextUuid, type SimContext } from './context.ts';
import { putCluster } from './ecs-clusters.ts';
import { findService, putService } from './ecs-services.ts';
import { findTaskDefinition, putTaskDefinition } from './ecs-task-definitions.ts';
import { putRule } from './elbv2-rules.ts';
import { putTargetGroup } from './elbv2-target-groups.ts';
import { isLive } from './service-runtime.ts';
import type { ListenerRecord, LoadBalancerRecord } from './state.ts';

/** Names of the shared resources, as infra/shared.yaml creates them. */
export const SHARED_NAMES = {
  cluster: 'tenantflow-shared',
  loadBalancer: 'tenantflow-alb',
  pooled: 'tenantflow-pooled',
  image: 'public.ecr.aws/nginx/nginx:stable',
  containerPort: 80,
  logGroup: '/tenantflow/tenants',
  pooledRulePriority: 50_000,
} as const;

const network = (ctx: SimContext) => {
  ctx.state.network ??= {
    vpcId: `vpc-${nextHex(ctx, 17)}`,
    subnetIds: [`subnet-${nextHex(ctx, 17)}`, `subnet-${nextHex(ctx, 17)}`],
    securityGroupId: `sg-${nextHex(ctx, 17)}`,
  };
  return ctx.state.network;
};

const loadBalancer = (
  ctx: SimContext,
  vpcId: string,
): { lb: LoadBalancerRecord; listener: ListenerRecord } => {
  let lb = ctx.state.loadBalancers.find((l) => l.name === SHARED_NAMES.loadBalancer);
  if (!lb) {
    const id = nextHex(ctx);
    lb = {
      arn: arn(ctx, 'elasticloadbalancing', `loadbalancer/app/${SHARED_NAMES.loadBalancer}/${id}`),
      name: SHARED_NAMES.loadBalancer,
      dnsName: `${SHARED_NAMES.loadBalancer}-${id.slice(0, 10)}.${ctx.region}.elb.amazonaws.com`,
      vpcId,
      tags: [],
      shared: true,
    };
    ctx.state.loadBalancers.push(lb);
  }
  const lbArn = lb.arn;
  let listener = ctx.state.listeners.find((l) => l.loadBalancerArn === lbArn && l.port === 80);
  if (!listener) {
    const listenerArn = `${lbArn.replace(':loadbalancer/', ':listener/')}/${nextHex(ctx)}`;
    listener = {
      arn: listenerArn,
      loadBalancerArn: lbArn,
      port: 80,
      protocol: 'HTTP',
      defaultActions: [
        {
          Type: 'fixed-response',
          FixedResponseConfig: {
            StatusCode: '404',
            ContentType: 'text/plain',
            MessageBody: 'unknown tenant',
          },
        },
      ],
      defaultRuleArn: `${listenerArn.replace(':listener/', ':listener-rule/')}/${nextHex(ctx)}`,
    };
    ctx.state.listeners.push(listener);
  }
  return { lb, listener };
};

/** Creates what infra/ would, once per stack name: the resources tenants are provisioned into. */
export const seedSharedInfrastructure = (ctx: SimContext, stackName: string): void => {
  if (ctx.state.stacks.some((s) => s.name === stackName)) return;
  const net = network(ctx);
  const { lb, listener } = loadBalancer(ctx, net.vpcId);
  const cluster = putCluster(
    ctx,
    {
      clusterName: SHARED_NAMES.cluster,
      capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
      defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', base: 1, weight: 1 }],
      settings: [{ name: 'containerInsights', value: 'enabled' }],
    },
    true,
  );
  const executionRoleArn = `arn:aws:iam::${ctx.accountId}:role/tenantflow-task-execution`;
  const taskRoleArn = `arn:aws:iam::${ctx.accountId}:role/tenantflow-task`;
  const td =
    findTaskDefinition(ctx, SHARED_NAMES.pooled) ??
    putTaskDefinition(
      ctx,
      {
        family: SHARED_NAMES.pooled,
        cpu: '256',
        memory: '512',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        executionRoleArn,
        taskRoleArn,
        containerDefinitions: [
          {
            name: 'app',
            image: SHARED_NAMES.image,
            essential: true,
            portMappings: [{ containerPort: SHARED_NAMES.containerPort, protocol: 'tcp' }],
          },
        ],
      },
      true,
    );
  const tg = putTargetGroup(
    ctx,
    {
      Name: SHARED_NAMES.pooled,
      Protocol: 'HTTP',
      Port: SHARED_NAMES.containerPort,
      VpcId: net.vpcId,
      TargetType: 'ip',
      HealthCheckPath: '/',
      Matcher: { HttpCode: '200-399' },
    },
    true,
  );
  if (
    !ctx.state.rules.some(
      (r) => r.listenerArn === listener.arn && r.priority === SHARED_NAMES.pooledRulePriority,
    )
  ) {
    putRule(
      ctx,
      {
        ListenerArn: listener.arn,
        Priority: SHARED_NAMES.pooledRulePriority,
        Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }],
        Actions: [{ Type: 'forward', TargetGroupArn: tg.arn }],
      },
      true,
    );
  }
  const existing = findService(ctx, cluster, SHARED_NAMES.pooled);
  if (!existing || !isLive(existing, ctx.now)) {
    const service = putService(
      ctx,
      {
        cluster: cluster.name,
        serviceName: SHARED_NAMES.pooled,
        taskDefinition: td.arn,
        desiredCount: 2,
        capacityProviderStrategy: [{ capacityProvider: 'FARGATE', base: 1, weight: 1 }],
        loadBalancers: [
          { targetGroupArn: tg.arn, containerName: 'app', containerPort: SHARED_NAMES.containerPort },
        ],
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: net.subnetIds,
            securityGroups: [net.securityGroupId],
            assignPublicIp: 'DISABLED',
          },
        },
      },
      true,
    );
    // The pooled service was deployed with the stack: it is already running and healthy.
    const settledAt = ctx.now - ctx.timing.healthyAfterMs;
    for (const task of service.tasks) task.runningAt = settledAt;
    service.rolloutCompletesAt = settledAt;
  }
  const outputs: Record<string, string> = {
    VpcId: net.vpcId,
    PrivateSubnetIds: net.subnetIds.join(','),
    ServiceSecurityGroupId: net.securityGroupId,
    LoadBalancerArn: lb.arn,
    ListenerArn: listener.arn,
    ClusterName: cluster.name,
    PooledServiceName: SHARED_NAMES.pooled,
    PooledTargetGroupArn: tg.arn,
    TaskExecutionRoleArn: executionRoleArn,
    TaskRoleArn: taskRoleArn,
    LogGroupName: SHARED_NAMES.logGroup,
    TenantImage: SHARED_NAMES.image,
    ContainerPort: String(SHARED_NAMES.containerPort),
  };
  ctx.state.stacks.push({
    id: arn(ctx, 'cloudformation', `stack/${stackName}/${nextUuid(ctx)}`),
    name: stackName,
    createdAt: ctx.now,
    outputs: Object.entries(outputs).map(([key, value]) => ({ key, value })),
  });
};
