import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { DRIFT_KIND_NAMES, type ReconcileDeps, type ReconcileReport, reconcile } from '../app/reconcile.ts';
import { METRICS } from '../domain/metrics.ts';
import { logOf, type Observability, tracing } from './observability.ts';

/**
 * The scheduled reconciliation: every record against what tenantflow's tags find; repairs only when
 * `repair` (the `reconcileRepair` deploy parameter). Drift found and repaired go out per kind, each
 * drift is logged with what `tenantflow reconcile` would print.
 */
export const makeReconcileHandler = (
  deps: ReconcileDeps,
  repair: boolean,
  { logger, metrics, tracer }: Observability,
) =>
  middy()
    .use(tracing(tracer))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics))
    .handler(async (): Promise<ReconcileReport> => {
      const report = await reconcile(
        { ...deps, log: logOf(logger) },
        { repair, onStep: (line) => logger.info(line.trim()) },
      );
      for (const kind of DRIFT_KIND_NAMES) {
        const single = metrics.singleMetric();
        single.addDimension('kind', kind);
        single.addMetric(METRICS.driftFound, MetricUnit.Count, report.found[kind]);
        const repaired = metrics.singleMetric();
        repaired.addDimension('kind', kind);
        repaired.addMetric(METRICS.driftRepaired, MetricUnit.Count, report.repaired[kind]);
      }
      for (const drift of report.drifts) logger.warn('drift', { ...drift });
      for (const skipped of report.skipped)
        logger.info('skipped: another operation holds the tenant', skipped);
      return report;
    });
