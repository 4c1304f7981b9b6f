import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import {
  CreateRuleCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { type SimOptions, SimulatedCloud } from '../../../../src/local/sim/index.ts';

/** A settable clock for the simulator. */
export interface TestClock {
  now: () => number;
  advance(ms: number): void;
}

export const testClock = (start = 1_700_000_000_000): TestClock => {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
};

const config = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  maxAttempts: 1,
};

/** A simulator with the four real SDK clients attached and a clock the test moves. */
export const simulatedAws = (options: SimOptions = {}) => {
  const clock = testClock();
  const cloud = new SimulatedCloud({ now: clock.now, ...options });
  return {
    cloud,
    clock,
    ecs: cloud.attach(new ECSClient(config)),
    elb: cloud.attach(new ElasticLoadBalancingV2Client(config)),
    cfn: cloud.attach(new CloudFormationClient(config)),
    events: cloud.attach(new EventBridgeClient(config)),
  };
};

export type SimulatedAws = ReturnType<typeof simulatedAws>;

/** Registers a one-container awsvpc task definition and returns its ARN. */
export const registerApp = async (aws: SimulatedAws, family = 'tf-acme'): Promise<string> => {
  const out = await aws.ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [
        { name: 'app', image: 'nginx', essential: true, portMappings: [{ containerPort: 80 }] },
      ],
    }),
  );
  return out.taskDefinition?.taskDefinitionArn ?? '';
};

/** Creates a target group and a header rule forwarding to it on the seeded listener. */
export const routedTargetGroup = async (
  aws: SimulatedAws,
  name: string,
  priority: number,
  listenerArn: string,
) => {
  const tg = await aws.elb.send(
    new CreateTargetGroupCommand({
      Name: name,
      Protocol: 'HTTP',
      Port: 80,
      VpcId: 'vpc-1',
      TargetType: 'ip',
    }),
  );
  const targetGroupArn = tg.TargetGroups?.[0]?.TargetGroupArn ?? '';
  const rule = await aws.elb.send(
    new CreateRuleCommand({
      ListenerArn: listenerArn,
      Priority: priority,
      Conditions: [
        { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'x-tenant-id', Values: [name] } },
      ],
      Actions: [{ Type: 'forward', TargetGroupArn: targetGroupArn }],
    }),
  );
  return { targetGroupArn, ruleArn: rule.Rules?.[0]?.RuleArn ?? '' };
};

/** Creates a service of `desiredCount` tasks behind `targetGroupArn` in `cluster`. */
export const createAppService = (
  aws: SimulatedAws,
  cluster: string,
  name: string,
  taskDefinition: string,
  targetGroupArn: string,
  desiredCount = 1,
  clientToken = `token-${name}`,
) =>
  aws.ecs.send(
    new CreateServiceCommand({
      cluster,
      serviceName: name,
      taskDefinition,
      desiredCount,
      clientToken,
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE', base: 1, weight: 1 }],
      loadBalancers: [{ targetGroupArn, containerName: 'app', containerPort: 80 }],
      networkConfiguration: {
        awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'], assignPublicIp: 'DISABLED' },
      },
      tags: [
        { key: 'tenantflow:tenant-id', value: 'acme' },
        { key: 'tenantflow:tier', value: 'advanced' },
      ],
    }),
  );

/** Seeds the shared infrastructure and returns the stack's outputs, read through DescribeStacks. */
export const seed = async (
  aws: SimulatedAws,
  stackName = 'tenantflow-shared',
): Promise<Record<string, string>> => {
  aws.cloud.seedSharedInfrastructure(stackName);
  const out = await aws.cfn.send(new DescribeStacksCommand({ StackName: stackName }));
  return Object.fromEntries(
    (out.Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']),
  );
};
