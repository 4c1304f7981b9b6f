import { choice, compensate, final, forward, pause } from './builders.ts';
import { initialContext, sagaSetup } from './setup.ts';

/**
 * Adding a load balancer shard: reserve the next shard in the registry, create its ALB in the shared
 * stack's public subnets with its security group, wait until it is active, give it a listener whose
 * default answer is 404, and record it ACTIVE: from then on onboardings place tenants on it. A failure
 * undoes what was made, in reverse (listener, load balancer, reservation), unless the shard was
 * already recorded ACTIVE (tenants may be on it): then nothing is undone and the execution succeeds.
 */
export const shardMachine = sagaSetup.createMachine({
  id: 'shard',
  context: initialContext('shard'),
  initial: 'PlanShard',
  states: {
    PlanShard: forward('PlanShard', 'ShardPlanned', 'ReleaseShard'),
    ShardPlanned: choice([['shardPlanned', 'CreateLoadBalancer']], 'Succeeded'),
    CreateLoadBalancer: forward('CreateLoadBalancer', 'WaitForLoadBalancer', 'DeleteShardLoadBalancer'),
    WaitForLoadBalancer: forward('WaitForLoadBalancer', 'LoadBalancerReady', 'DeleteShardLoadBalancer'),
    LoadBalancerReady: choice([['shardReady', 'CreateShardListener']], 'WaitForShard'),
    WaitForShard: pause('shardPoll', 'WaitForLoadBalancer'),
    CreateShardListener: forward('CreateShardListener', 'RecordShard', 'DeleteShardListener'),
    RecordShard: forward('RecordShard', 'Succeeded', 'DeleteShardListener'),
    DeleteShardListener: compensate('DeleteShardListener', 'DeleteShardLoadBalancer'),
    DeleteShardLoadBalancer: compensate('DeleteShardLoadBalancer', 'ReleaseShard'),
    ReleaseShard: compensate('ReleaseShard', 'ShardUndone'),
    ShardUndone: choice([['committed', 'Succeeded']], 'Failed'),
    Succeeded: final,
    Failed: final,
  },
});
