import { ownsService, type Placement } from './catalogue.ts';
import { OPERATION_TABLE, type Operation } from './operations.ts';
import type { TenantResources } from './resources.ts';
import { type LoadBalancerShard, shardOfListener } from './shards.ts';
import type { TenantRouting } from './tenant-record.ts';

/** What routing needs of the shared infrastructure. */
export interface PooledTarget {
  clusterName: string;
  pooledServiceName: string;
  pooledTargetGroupArn: string;
  /** The load balancer shards (the first carries the pooled rule). */
  shards?: readonly LoadBalancerShard[];
}

/**
 * How requests reach the tenant: a pooled placement shares the pooled service, the others own a
 * service (in the shared cluster, or their own). The tenant header selects the tenant either way.
 * `undefined` when an own-service placement has no service or target group recorded yet.
 */
export const tenantRouting = (
  tenantId: string,
  placement: Placement,
  resources: TenantResources,
  shared: PooledTarget,
): TenantRouting | undefined => {
  const dns = (shard: LoadBalancerShard | undefined) => (shard ? { loadBalancerDns: shard.dnsName } : {});
  if (!ownsService(placement)) {
    return {
      mode: 'pooled',
      clusterName: shared.clusterName,
      serviceName: shared.pooledServiceName,
      targetGroupArn: shared.pooledTargetGroupArn,
      tenantHeader: tenantId,
      ...dns(shared.shards?.[0]),
    };
  }
  const { service, targetGroup } = resources;
  if (!service || !targetGroup) return undefined;
  return {
    mode: 'silo',
    clusterName: service.cluster,
    serviceName: service.name,
    targetGroupArn: targetGroup.arn,
    tenantHeader: tenantId,
    ...dns(shardOfListener(shared.shards ?? [], resources.listenerRule?.listenerArn)),
  };
};

/** The `tenantConfig` written back to SBT's tenant record (a JSON string, as SBT stores strings). */
export interface TenantConfig {
  tier: string;
  routing: {
    mode: TenantRouting['mode'];
    headerName: string;
    headerValue: string;
    listenerRulePriority?: number;
    /** The load balancer (shard) to send the tenant's requests to, with the header. */
    loadBalancerDns?: string;
  };
  cluster: string;
  service: string;
  targetGroupArn?: string;
  /** The tenant's own user pool and the app client its web app signs in with (a tier with identity). */
  userPoolId?: string;
  appClientId?: string;
  /** The provider's API base URL (the deployment's setting), as the reference's app reads it. */
  apiGatewayUrl?: string;
}

/** What a deployment adds to every tenantConfig. */
export interface TenantConfigSettings {
  headerName: string;
  apiGatewayUrl?: string;
}

/** The tenantConfig settings of a deployment's configuration. */
export const tenantConfigSettings = (config: {
  tenantHeaderName: string;
  apiGatewayUrl?: string;
}): TenantConfigSettings => ({
  headerName: config.tenantHeaderName,
  ...(config.apiGatewayUrl ? { apiGatewayUrl: config.apiGatewayUrl } : {}),
});

/** The `tenantConfig` of a tenant whose routing is known (as the tenant map records it). */
export const tenantConfigOf = (
  tier: string,
  routing: TenantRouting,
  resources: TenantResources,
  settings: TenantConfigSettings,
): string => {
  const priority = resources.listenerRule?.priority;
  const { headerName, apiGatewayUrl } = settings;
  const identity = resources.identity;
  const value: TenantConfig = {
    tier,
    routing: {
      mode: routing.mode,
      headerName,
      headerValue: routing.tenantHeader,
      ...(priority === undefined ? {} : { listenerRulePriority: priority }),
      ...(routing.loadBalancerDns === undefined ? {} : { loadBalancerDns: routing.loadBalancerDns }),
    },
    cluster: routing.clusterName,
    service: routing.serviceName,
    // A shared stack without a pooled target group reports an empty output: leave the key out then.
    ...(routing.targetGroupArn === '' ? {} : { targetGroupArn: routing.targetGroupArn }),
    ...(identity ? { userPoolId: identity.userPoolId } : {}),
    ...(identity?.appClientId ? { appClientId: identity.appClientId } : {}),
    ...(apiGatewayUrl ? { apiGatewayUrl } : {}),
  };
  return JSON.stringify(value);
};

/**
 * The `tenantData` of a success event: an operation that places the tenant (onboarding, migration)
 * reports its `tenantConfig`; one that moves it to a tier it named also reports that `tier`.
 */
export const successTenantData = (
  operation: Operation,
  placement: Placement | undefined,
  routing: TenantRouting | undefined,
  resources: TenantResources,
  settings: TenantConfigSettings,
): Record<string, string> | undefined => {
  const meaning = OPERATION_TABLE[operation].tier;
  if (meaning === 'informational' || !placement || !routing) return undefined;
  const tenantConfig = tenantConfigOf(placement.tier, routing, resources, settings);
  return meaning === 'target' ? { tier: placement.tier, tenantConfig } : { tenantConfig };
};
