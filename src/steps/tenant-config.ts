import type { TenantFlowConfig } from '../config.ts';
import type { TenantRequest } from '../domain/request.ts';
import type { TenantResources } from '../domain/resources.ts';
import type { TenantRouting } from '../domain/tenant-record.ts';
import { tierOwnsService } from '../domain/tier.ts';
import type { SharedInfrastructure } from '../ports/shared-infrastructure.ts';
import { namesFor, required, serviceCluster } from './placement.ts';

/**
 * How requests reach the tenant: basic tenants share the pooled service, the others own a service
 * (in the shared cluster, or their own for premium). The tenant header selects the tenant either way.
 */
export const tenantRouting = (
  request: TenantRequest,
  resources: TenantResources,
  infra: SharedInfrastructure,
  config: TenantFlowConfig,
): TenantRouting => {
  if (!tierOwnsService(request.tier)) {
    return {
      mode: 'pooled',
      clusterName: infra.clusterName,
      serviceName: infra.pooledServiceName,
      targetGroupArn: infra.pooledTargetGroupArn,
      tenantHeader: request.tenantId,
    };
  }
  const names = namesFor(config, request.tenantId);
  return {
    mode: 'silo',
    clusterName: serviceCluster(request.tier, names, infra),
    serviceName: resources.serviceName ?? names.serviceName,
    targetGroupArn: required(resources.targetGroupArn, 'resources.targetGroupArn'),
    tenantHeader: request.tenantId,
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
  };
  cluster: string;
  service: string;
  targetGroupArn?: string;
}

/** The `tenantConfig` of a tenant whose routing is known (as the tenant map records it). */
export const tenantConfigOf = (
  tier: string,
  routing: TenantRouting,
  listenerRulePriority: number | undefined,
  config: TenantFlowConfig,
): string => {
  const value: TenantConfig = {
    tier,
    routing: {
      mode: routing.mode,
      headerName: config.tenantHeaderName,
      headerValue: routing.tenantHeader,
      ...(listenerRulePriority === undefined ? {} : { listenerRulePriority }),
    },
    cluster: routing.clusterName,
    service: routing.serviceName,
    // A shared stack without a pooled target group reports an empty output: leave the key out then.
    ...(routing.targetGroupArn === '' ? {} : { targetGroupArn: routing.targetGroupArn }),
  };
  return JSON.stringify(value);
};

/** Builds the tenant's `tenantConfig` from its routing and the listener rule priority, if it has one. */
export const tenantConfig = (
  request: TenantRequest,
  resources: TenantResources,
  infra: SharedInfrastructure,
  config: TenantFlowConfig,
): string =>
  tenantConfigOf(
    request.tier,
    tenantRouting(request, resources, infra, config),
    resources.listenerRulePriority,
    config,
  );
