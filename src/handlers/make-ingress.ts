import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { type IngestDeps, type IngestResult, ingestEvent } from '../app/ingest.ts';
import { lifecycleContext } from './middleware/lifecycle-context.ts';
import { type Observability, tracing } from './observability.ts';

/**
 * The ingress Lambda: SBT EventBridge event → validated request → StartExecution. Returns what became
 * of the event; throws only for AWS faults (EventBridge then retries the delivery).
 */
export const makeIngressHandler = (deps: IngestDeps, { logger, metrics, tracer }: Observability) =>
  middy()
    .use(tracing(tracer))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics))
    .use(lifecycleContext({ logger }))
    .handler(async (event: unknown): Promise<IngestResult> => {
      const result = await ingestEvent(event, deps);
      metrics.addDimensions({ operation: result.operation ?? 'unknown' });
      if (result.outcome === 'rejected') {
        metrics.addMetric('EventRejected', MetricUnit.Count, 1);
        logger.warn('event rejected', {
          field: result.error.field,
          reason: result.error.message,
          statusEventSent: result.statusEvent !== undefined,
        });
      } else if (result.outcome === 'duplicate') {
        metrics.addMetric('EventDuplicate', MetricUnit.Count, 1);
        logger.info('duplicate delivery: execution already exists', { execution: result.execution });
      } else {
        metrics.addMetric('ExecutionStarted', MetricUnit.Count, 1);
        logger.info('execution started', { execution: result.execution, machine: result.machine });
      }
      return result;
    });
