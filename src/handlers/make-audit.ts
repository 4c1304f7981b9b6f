import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { type StaleLock, staleLocks } from '../app/audit.ts';
import { METRICS } from '../domain/metrics.ts';
import type { TenantMap } from '../ports/tenant-map.ts';
import { type Observability, tracing } from './observability.ts';

export interface AuditDeps {
  tenants: Pick<TenantMap, 'list'>;
  now: () => Date;
}

/**
 * The scheduled audit: counts tenants held by an execution for longer than that execution can run
 * (the watcher should have freed them) and publishes the count, which an alarm watches; each one is
 * logged with what `tenantflow abort` / `retry` need.
 */
export const makeAuditHandler = (deps: AuditDeps, { logger, metrics, tracer }: Observability) =>
  middy()
    .use(tracing(tracer))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics))
    .handler(async (): Promise<{ staleLocks: StaleLock[] }> => {
      const stale = staleLocks(await deps.tenants.list(), deps.now());
      metrics.addMetric(METRICS.staleLocks, MetricUnit.Count, stale.length);
      for (const lock of stale) logger.error("tenant locked past its saga's time bound", { ...lock });
      return { staleLocks: stale };
    });
