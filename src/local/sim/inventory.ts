import { TAG_KEYS } from '../../domain/naming.ts';
import type { SimContext } from './context.ts';
import { serviceStatus } from './service-runtime.ts';
import type { SimTag } from './state.ts';

/** One resource of the simulated cloud, as the CLI and the leak checks list it. */
export interface InventoryItem {
  service: string;
  type: string;
  id: string;
  arn: string;
  tenantId?: string;
  /** The tenant's tier tag, or `shared` for the seeded infrastructure. */
  tier?: string;
  status: string;
}

const owner = (tags: SimTag[], shared: boolean): Pick<InventoryItem, 'tenantId' | 'tier'> => {
  if (shared) return { tier: 'shared' };
  const tenantId = tags.find((t) => t.key === TAG_KEYS.tenantId)?.value;
  const tier = tags.find((t) => t.key === TAG_KEYS.tier)?.value;
  return { ...(tenantId ? { tenantId } : {}), ...(tier ? { tier } : {}) };
};

/**
 * Everything that still exists: INACTIVE clusters and services are left out (AWS keeps showing them
 * for a while, but they hold nothing), and task definitions submitted for deletion. INACTIVE
 * (deregistered) task definition revisions stay listed: ECS keeps them in the account until deleted.
 */
export const inventory = (ctx: SimContext): InventoryItem[] => {
  const s = ctx.state;
  const items: InventoryItem[] = [];
  const net = s.network;
  if (net) {
    const ec2 = (type: string, id: string): InventoryItem => ({
      service: 'ec2',
      type,
      id,
      arn: `arn:aws:ec2:${ctx.region}:${ctx.accountId}:${type}/${id}`,
      tier: 'shared',
      status: 'available',
    });
    items.push(ec2('vpc', net.vpcId), ...net.subnetIds.map((id) => ec2('subnet', id)));
    items.push(ec2('security-group', net.securityGroupId));
  }
  for (const stack of s.stacks) {
    items.push({
      service: 'cloudformation',
      type: 'stack',
      id: stack.name,
      arn: stack.id,
      tier: 'shared',
      status: 'CREATE_COMPLETE',
    });
  }
  for (const lb of s.loadBalancers) {
    items.push({
      service: 'elbv2',
      type: 'load-balancer',
      id: lb.name,
      arn: lb.arn,
      // A shard the orchestrator added is shared infrastructure too.
      ...owner(lb.tags, lb.shared || lb.tags.some((t) => t.key === TAG_KEYS.shard)),
      status: 'active',
    });
  }
  for (const l of s.listeners) {
    items.push({
      service: 'elbv2',
      type: 'listener',
      id: `${l.protocol}:${l.port}`,
      arn: l.arn,
      tier: 'shared',
      status: 'ACTIVE',
    });
  }
  for (const r of s.rules) {
    items.push({
      service: 'elbv2',
      type: 'listener-rule',
      id: `priority ${r.priority}`,
      arn: r.arn,
      ...owner(r.tags, r.shared),
      status: 'ACTIVE',
    });
  }
  for (const tg of s.targetGroups) {
    items.push({
      service: 'elbv2',
      type: 'target-group',
      id: tg.name,
      arn: tg.arn,
      ...owner(tg.tags, tg.shared),
      status: 'ACTIVE',
    });
  }
  for (const c of s.clusters.filter((c) => c.status === 'ACTIVE')) {
    items.push({
      service: 'ecs',
      type: 'cluster',
      id: c.name,
      arn: c.arn,
      ...owner(c.tags, c.shared),
      status: c.status,
    });
  }
  for (const svc of s.services) {
    const status = serviceStatus(svc, ctx.now);
    if (status === 'INACTIVE') continue;
    items.push({
      service: 'ecs',
      type: 'service',
      id: `${svc.clusterName}/${svc.name}`,
      arn: svc.arn,
      ...owner(svc.tags, svc.shared),
      status,
    });
  }
  for (const td of s.taskDefinitions.filter((t) => t.status !== 'DELETE_IN_PROGRESS')) {
    items.push({
      service: 'ecs',
      type: 'task-definition',
      id: `${td.family}:${td.revision}`,
      arn: td.arn,
      ...owner(td.tags, td.shared),
      status: td.status,
    });
  }
  for (const pool of s.userPools) {
    items.push({
      service: 'cognito-idp',
      type: 'user-pool',
      id: `${pool.name} (${pool.id})`,
      arn: pool.arn,
      ...owner(pool.tags, false),
      status: 'ACTIVE',
    });
  }
  return items;
};
