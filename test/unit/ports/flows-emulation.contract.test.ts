/**
 * The flow tests' own ECS and ELBv2 emulation (test/unit/flows/support/fake-ecs.ts and fake-elb.ts,
 * answering the real SDK clients through aws-sdk-client-mock) held to the same port contracts as the
 * fake ports and the simulated cloud: the production adapters over its mocked clients. Its own file:
 * the mocks replace every client of their class while this file runs.
 */
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { EcsContainerPlatform, ElbLoadBalancer } from '../../../src/adapters/aws/index.ts';
import { freshCloud, LISTENER_ARN, SHARED_CLUSTER, SUBNETS, VPC_ID } from '../flows/support/fake-aws.ts';
import { containerPlatformContract } from './container-platform.contract.ts';
import { type EcsWorld, type ElbWorld, type Implementation, routedGroups } from './implementations.ts';
import { loadBalancerContract } from './load-balancer.contract.ts';

const sdk = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'contract', secretAccessKey: 'contract' },
  maxAttempts: 1,
};

containerPlatformContract([
  {
    name: 'flows emulation',
    make: async (): Promise<EcsWorld> => {
      freshCloud();
      const elb = new ElbLoadBalancer({ client: new ElasticLoadBalancingV2Client(sdk) });
      const [group, other] = await routedGroups(elb, VPC_ID, LISTENER_ARN);
      return {
        ecs: new EcsContainerPlatform({ client: new ECSClient(sdk) }),
        targetGroupArn: group,
        otherTargetGroupArn: other,
        subnets: SUBNETS,
        sharedCluster: SHARED_CLUSTER,
      };
    },
  },
] satisfies Implementation<EcsWorld>[]);

// It emulates the routing a tenant's onboarding and offboarding use: target groups, rules, tags and
// health (no weighted forwards, no load balancers of its own).
loadBalancerContract(
  [
    {
      name: 'flows emulation',
      make: async (): Promise<ElbWorld> => {
        // The listener as the contract starts it: its default rule only.
        const world = freshCloud();
        world.rules = world.rules.filter((rule) => rule.isDefault);
        return {
          elb: new ElbLoadBalancer({ client: new ElasticLoadBalancingV2Client(sdk) }),
          listenerArn: LISTENER_ARN,
          vpcId: VPC_ID,
        };
      },
    },
  ] satisfies Implementation<ElbWorld>[],
  ['routing'],
);
