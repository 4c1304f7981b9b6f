import {
  CloudFormationClient,
  DescribeStacksCommand,
  type DescribeStacksCommandInput,
  type DescribeStacksCommandOutput,
} from '@aws-sdk/client-cloudformation';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandInput,
  type PutEventsCommandOutput,
} from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { fakeEcs } from './fake-ecs.ts';
import { fakeElb, LISTENER_ARN, LOAD_BALANCER_ARN, POOLED_TARGET_GROUP_ARN } from './fake-elb.ts';
import { ACCOUNT, answer, emptyWorld, nextHex, ok, REGION, type World } from './world.ts';

export { LISTENER_ARN, POOLED_TARGET_GROUP_ARN } from './fake-elb.ts';

/** The mocked SDK clients (class-level: every instance of each client is mocked). */
export const mocks = {
  ecs: mockClient(ECSClient),
  elb: mockClient(ElasticLoadBalancingV2Client),
  cloudformation: mockClient(CloudFormationClient),
  eventbridge: mockClient(EventBridgeClient),
};

export const SHARED_STACK = 'tenantflow-shared';
export const SHARED_CLUSTER = 'tf-shared';
export const POOLED_SERVICE = 'tf-pool';
export const SUBNETS = ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'];
export const SECURITY_GROUP = 'sg-0123456789abcdef0';
export const VPC_ID = 'vpc-0123456789abcdef0';
export const IMAGE = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/tenant-app:1.4.2`;
export const EXECUTION_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/tf-task-execution`;
export const TASK_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/tf-task`;
export const LOG_GROUP = '/tenantflow/tenants';
/** A rule some earlier tenant holds at priority 1: the next free priority is 2. */
export const EARLIER_RULE_ARN = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:listener-rule/app/tf-shared/50dc6c495c0c9188/f2f7dc8efc522ab2/1111111111111111`;

/** The shared load balancer's DNS name (the first and only shard's). */
export const LOAD_BALANCER_DNS = 'tf-shared-1234567890.us-east-1.elb.amazonaws.com';

/** The shared stack's outputs: every key CloudFormationInfrastructure reads. */
const STACK_OUTPUTS: Record<string, string> = {
  VpcId: VPC_ID,
  PrivateSubnetIds: SUBNETS.join(','),
  ServiceSecurityGroupId: SECURITY_GROUP,
  LoadBalancerArn: LOAD_BALANCER_ARN,
  ListenerArn: LISTENER_ARN,
  LoadBalancerDnsName: LOAD_BALANCER_DNS,
  ClusterName: SHARED_CLUSTER,
  PooledServiceName: POOLED_SERVICE,
  PooledTargetGroupArn: POOLED_TARGET_GROUP_ARN,
  TaskExecutionRoleArn: EXECUTION_ROLE_ARN,
  TaskRoleArn: TASK_ROLE_ARN,
  LogGroupName: LOG_GROUP,
  TenantImage: IMAGE,
  ContainerPort: '8080',
};

/** The shared infrastructure as it stands before any tenant is onboarded. */
const seed = (world: World): void => {
  world.clusters.set(SHARED_CLUSTER, {
    arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${SHARED_CLUSTER}`,
    name: SHARED_CLUSTER,
    status: 'ACTIVE',
    tags: [],
  });
  world.services.push({
    arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${SHARED_CLUSTER}/${POOLED_SERVICE}`,
    name: POOLED_SERVICE,
    cluster: SHARED_CLUSTER,
    desiredCount: 2,
    taskDefinition: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/tf-pool:1`,
    targetGroupArns: [POOLED_TARGET_GROUP_ARN],
    tags: [],
    describes: 2,
  });
  world.targetGroups.push({
    arn: POOLED_TARGET_GROUP_ARN,
    name: 'tf-pool',
    port: 8080,
    vpcId: VPC_ID,
    healthCheck: {
      path: '/',
      intervalSeconds: 30,
      timeoutSeconds: 5,
      healthyThreshold: 5,
      unhealthyThreshold: 2,
      matcher: '200-399',
    },
    drainSeconds: 30,
    tags: [],
  });
  world.rules.push(
    {
      arn: `${LISTENER_ARN.replace(':listener/', ':listener-rule/')}/0000000000000000`,
      priority: 'default',
      headerValues: [],
      targetGroupArn: POOLED_TARGET_GROUP_ARN,
      isDefault: true,
      tags: [],
    },
    {
      arn: EARLIER_RULE_ARN,
      priority: '1',
      headerValues: ['earlier-tenant'],
      targetGroupArn: POOLED_TARGET_GROUP_ARN,
      isDefault: false,
      tags: [],
    },
  );
};

/** Resets every mock and installs a fresh account with the shared infrastructure in place. */
export const freshCloud = (): World => {
  for (const mock of Object.values(mocks)) mock.reset();
  const world = emptyWorld();
  seed(world);
  fakeEcs(mocks.ecs, world);
  fakeElb(mocks.elb, world);
  mocks.cloudformation.on(DescribeStacksCommand).callsFake((input: DescribeStacksCommandInput) =>
    answer(world, 'CFN.DescribeStacks', input, ({ StackName = SHARED_STACK }) => {
      const output: DescribeStacksCommandOutput = {
        ...ok(world),
        Stacks: [
          {
            StackName,
            StackId: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${StackName}/5f1d4a40-3f7a-11f0-9a2b-0a1b2c3d4e5f`,
            CreationTime: new Date('2025-05-01T08:00:00Z'),
            StackStatus: 'CREATE_COMPLETE',
            Outputs: Object.entries(STACK_OUTPUTS).map(([OutputKey, OutputValue]) => ({
              OutputKey,
              OutputValue,
            })),
          },
        ],
      };
      return { output };
    }),
  );
  mocks.eventbridge.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) =>
    answer(world, 'EVB.PutEvents', input, ({ Entries = [] }) => {
      const output: PutEventsCommandOutput = {
        ...ok(world),
        FailedEntryCount: 0,
        Entries: Entries.map(() => ({ EventId: `11111111-2222-3333-4444-${nextHex(world).slice(4)}` })),
      };
      return { output };
    }),
  );
  return world;
};

/** Call names in order (`ECS.CreateService`, …), a rejected call suffixed with `!` and its error. */
export const trace = (world: World): string[] =>
  world.log.map((record) => (record.error ? `${record.call} ! ${record.error}` : record.call));

/** The resources created and deleted by the calls that succeeded, in order. */
export const effects = (world: World, kind: 'created' | 'deleted'): string[] =>
  world.log.flatMap((record) => (record.effect?.kind === kind ? [record.effect.resource] : []));

/** What exists beyond the seeded shared infrastructure (ACTIVE and INACTIVE task definitions included). */
export const leftovers = (world: World): string[] => [
  ...[...world.clusters.keys()].filter((name) => name !== SHARED_CLUSTER).map((name) => `cluster ${name}`),
  ...world.taskDefinitions
    .filter((td) => td.status !== 'DELETE_IN_PROGRESS')
    .map((td) => `task-definition ${td.arn}`),
  ...world.services.filter((s) => s.name !== POOLED_SERVICE).map((s) => `service ${s.cluster}/${s.name}`),
  ...world.targetGroups.filter((g) => g.arn !== POOLED_TARGET_GROUP_ARN).map((g) => `target-group ${g.arn}`),
  ...world.rules.filter((r) => !r.isDefault && r.arn !== EARLIER_RULE_ARN).map((r) => `rule ${r.arn}`),
];
