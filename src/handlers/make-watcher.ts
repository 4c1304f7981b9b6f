import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { z } from 'zod';
import { handleExecutionStatusChange, type WatchDeps, type WatchResult } from '../app/watch.ts';
import { lifecycleContext } from './middleware/lifecycle-context.ts';
import { type Observability, tracing } from './observability.ts';

const envelopeSchema = z.object({ detail: z.unknown() });

/**
 * The execution watcher Lambda: on a Step Functions execution that FAILED, TIMED_OUT or was ABORTED,
 * the control plane still hears back (once) and the tenant map ends consistent.
 */
export const makeWatcherHandler = (deps: WatchDeps, { logger, metrics, tracer }: Observability) =>
  middy()
    .use(tracing(tracer))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics))
    .use(lifecycleContext({ logger }))
    .handler(async (event: unknown): Promise<WatchResult> => {
      const envelope = envelopeSchema.safeParse(event);
      const result = await handleExecutionStatusChange(
        envelope.success ? envelope.data.detail : undefined,
        deps,
      );
      if (result.outcome === 'notified') {
        metrics.addMetric('DeadExecutionReported', MetricUnit.Count, 1);
        logger.warn('dead execution reported to the control plane', {
          execution: result.execution,
          tenantId: result.tenantId,
          releasedLock: result.releasedLock,
        });
      } else {
        logger.info(`watcher: ${result.outcome}`, { ...result });
      }
      if (result.outcome !== 'ignored' && result.outcome !== 'rollout-reported' && result.cleanup) {
        metrics.addMetric('DeadExecutionCleanupStarted', MetricUnit.Count, 1);
        logger.warn('cleanup started after a dead execution', {
          execution: result.execution,
          tenantId: result.tenantId,
          cleanup: result.cleanup,
        });
      }
      return result;
    });
