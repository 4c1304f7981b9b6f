/**
 * The two implementations every port contract spec runs against: the in-memory fake the unit tests
 * use, and the production adapter over the real AWS SDK client (DynamoDB adapters on dynalite; ECS,
 * ELBv2 and EventBridge adapters on the simulated cloud). A fake that disagrees with its adapter
 * fails the spec for one of the two.
 */
import { randomUUID } from 'node:crypto';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll } from 'vitest';
import { z } from 'zod';
import {
  CognitoIdentityProvider,
  DynamoPriorityRegistry,
  DynamoShardRegistry,
  DynamoStatusLedger,
  DynamoTableStore,
  DynamoTenantMap,
  EcsContainerPlatform,
  ElbLoadBalancer,
  EventBridgePublisher,
} from '../../../src/adapters/aws/index.ts';
import { type LocalDynamo, startLocalDynamo } from '../../../src/local/dynamo.ts';
import { SimulatedCloud } from '../../../src/local/sim/index.ts';
import type {
  ContainerPlatform,
  EventPublisher,
  IdentityProvider,
  LoadBalancer,
  OutboundEvent,
  TableStore,
} from '../../../src/ports/index.ts';
import type {
  PriorityRegistry,
  ShardRegistry,
  StatusLedger,
  TenantMap,
} from '../../../src/ports/tenant-map.ts';
import {
  FakeContainerPlatform,
  FakeEventPublisher,
  FakeIdentityProvider,
  FakeLoadBalancer,
  FakePriorityRegistry,
  FakeShardRegistry,
  FakeStatusLedger,
  FakeTableStore,
  FakeTenantMap,
  GROUP_HEALTH,
} from '../../support/fake-ports.ts';

export const TABLE = 'tenantflow-contract';
const sdk = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'contract', secretAccessKey: 'contract' },
  maxAttempts: 1,
};

let dynamo: Promise<LocalDynamo> | undefined;
const documents: DynamoDBDocumentClient[] = [];
afterAll(async () => {
  for (const document of documents.splice(0)) document.destroy();
  const running = dynamo;
  dynamo = undefined;
  if (running) await (await running).stop();
});

/** A document client on this file's in-memory dynalite (one server per test file). */
const document = async (): Promise<DynamoDBDocumentClient> => {
  dynamo ??= startLocalDynamo({ tableName: TABLE });
  const local = await dynamo;
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ ...local.clientConfig, maxAttempts: 1 }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  documents.push(client);
  return client;
};

/** A fresh simulated cloud with the shared stack, and its listener and VPC. */
export const simulatedCloud = () => {
  const cloud = new SimulatedCloud({ serviceStartMs: 0, healthyAfterMs: 0, drainMs: 0 });
  cloud.seedSharedInfrastructure('tenantflow-shared');
  const outputs = new Map(
    cloud.stackOutputs('tenantflow-shared').map((output) => [output.key, output.value] as const),
  );
  return {
    cloud,
    listenerArn: outputs.get('ListenerArn') ?? '',
    vpcId: outputs.get('VpcId') ?? '',
    subnets: (outputs.get('PrivateSubnetIds') ?? '').split(','),
    clusterName: outputs.get('ClusterName') ?? '',
  };
};

export interface Implementation<Port> {
  name: 'fake' | 'adapter' | 'flows emulation' | 'moto';
  make(): Promise<Port>;
  /**
   * What this implementation is known not to emulate (an emulator outside this project): the spec's
   * cases for it run against the others only. Each entry says where the difference was seen.
   */
  gaps?: readonly ContractGap[];
}

/** Behaviours of AWS an emulator outside this project does not reproduce. */
export type ContractGap =
  /** moto 5.2.1 lets a second pool take a Cognito prefix domain another pool holds. */
  'cognito-domain-uniqueness';

/** Unique ids per test: the DynamoDB implementations share one table per file. */
export const uniqueId = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

export const tenantMaps: Implementation<TenantMap>[] = [
  { name: 'fake', make: async () => new FakeTenantMap() },
  { name: 'adapter', make: async () => new DynamoTenantMap({ client: await document(), tableName: TABLE }) },
];

export const priorityRegistries: Implementation<PriorityRegistry>[] = [
  { name: 'fake', make: async () => new FakePriorityRegistry() },
  {
    name: 'adapter',
    make: async () => new DynamoPriorityRegistry({ client: await document(), tableName: TABLE }),
  },
];

export const shardRegistries: Implementation<ShardRegistry>[] = [
  { name: 'fake', make: async () => new FakeShardRegistry() },
  {
    name: 'adapter',
    // Every grown shard is under one partition key: tests sharing the table use indexes of their own.
    make: async () => new DynamoShardRegistry({ client: await document(), tableName: TABLE }),
  },
];

export const statusLedgers: Implementation<StatusLedger>[] = [
  { name: 'fake', make: async () => new FakeStatusLedger() },
  {
    name: 'adapter',
    make: async () => new DynamoStatusLedger({ client: await document(), tableName: TABLE }),
  },
];

/** Two target groups, each with a rule of the listener forwarding to it (ECS refuses a group no load balancer uses). */
export const routedGroups = async (
  elb: LoadBalancer,
  vpcId: string,
  listenerArn: string,
): Promise<[string, string]> => {
  const arns: string[] = [];
  for (const [index, name] of ['tf-contract', 'tf-contract-2'].entries()) {
    const group = await elb.createTargetGroup({ name, vpcId, port: 80, health: GROUP_HEALTH, tags: [] });
    await elb.createListenerRule({
      listenerArn,
      priority: 7 + index,
      headerName: 'x-tenant-id',
      headerValue: `contract-${index}`,
      targetGroupArn: group.arn,
      tags: [],
    });
    arns.push(group.arn);
  }
  return [arns[0] ?? '', arns[1] ?? ''];
};

/** ECS with what a service needs around it (a target group the listener forwards to). */
export interface EcsWorld {
  ecs: ContainerPlatform;
  /** A target group a rule forwards to: what CreateService's load balancer needs. */
  targetGroupArn: string;
  /** A second one, to move a service to. */
  otherTargetGroupArn: string;
  subnets: string[];
  sharedCluster: string;
}

export const containerPlatforms: Implementation<EcsWorld>[] = [
  {
    name: 'fake',
    make: async () => ({
      ecs: new FakeContainerPlatform(),
      targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg/1',
      otherTargetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg2/2',
      subnets: ['subnet-a'],
      sharedCluster: 'tenantflow-shared',
    }),
  },
  {
    name: 'adapter',
    make: async () => {
      const sim = simulatedCloud();
      const elb = new ElbLoadBalancer({ client: sim.cloud.attach(new ElasticLoadBalancingV2Client(sdk)) });
      const [group, other] = await routedGroups(elb, sim.vpcId, sim.listenerArn);
      return {
        ecs: new EcsContainerPlatform({ client: sim.cloud.attach(new ECSClient(sdk)) }),
        targetGroupArn: group,
        otherTargetGroupArn: other,
        subnets: sim.subnets,
        sharedCluster: sim.clusterName,
      };
    },
  },
];

export interface ElbWorld {
  elb: LoadBalancer;
  listenerArn: string;
  vpcId: string;
}

export const loadBalancers: Implementation<ElbWorld>[] = [
  {
    name: 'fake',
    make: async () => ({
      elb: new FakeLoadBalancer(),
      listenerArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/tf-alb/1/2',
      vpcId: 'vpc-0abc',
    }),
  },
  {
    name: 'adapter',
    make: async () => {
      const sim = simulatedCloud();
      return {
        elb: new ElbLoadBalancer({ client: sim.cloud.attach(new ElasticLoadBalancingV2Client(sdk)) }),
        listenerArn: sim.listenerArn,
        vpcId: sim.vpcId,
      };
    },
  },
];

export interface BusWorld {
  events: EventPublisher;
  /** What the bus received, as the control plane would see it. */
  received(): OutboundEvent[];
}

export const publishers: Implementation<BusWorld>[] = [
  {
    name: 'fake',
    make: async () => {
      const events = new FakeEventPublisher();
      return { events, received: () => events.published };
    },
  },
  {
    name: 'adapter',
    make: async () => {
      const sim = simulatedCloud();
      const client = sim.cloud.attach(new EventBridgeClient(sdk));
      return {
        events: new EventBridgePublisher({ client, eventBusName: 'sbt-bus' }),
        received: () =>
          sim.cloud
            .publishedEvents()
            .filter((event) => event.eventBusName === 'sbt-bus')
            .map(({ source, detailType, detail }) => ({
              source,
              detailType,
              detail: z.record(z.string(), z.unknown()).parse(detail),
            })),
      };
    },
  },
];

export const identityProviders: Implementation<IdentityProvider>[] = [
  { name: 'fake', make: async () => new FakeIdentityProvider() },
  {
    name: 'adapter',
    make: async () =>
      new CognitoIdentityProvider({
        client: simulatedCloud().cloud.attach(new CognitoIdentityProviderClient(sdk)),
      }),
  },
];

export const tableStores: Implementation<TableStore>[] = [
  { name: 'fake', make: async () => new FakeTableStore() },
  {
    name: 'adapter',
    make: async () =>
      new DynamoTableStore({ client: simulatedCloud().cloud.attach(new DynamoDBClient(sdk)) }),
  },
];
