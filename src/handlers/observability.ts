import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type middy from '@middy/core';
import { METRIC_NAMESPACE, METRIC_SERVICE } from '../domain/metrics.ts';
import type { Log } from '../ports/log.ts';

/**
 * The Powertools trio one function uses. The tracer is there in Lambda only (`lambda-observability.ts`
 * builds it): importing Powertools' Tracer loads the X-Ray SDK, which switches on an async hook for
 * every promise in the process, a cost the local runtime and the CLI, which never trace, do not pay.
 */
export interface Observability {
  logger: Logger;
  metrics: Metrics;
  tracer?: Tracer;
}

/** Logger and metrics for `functionName` (service name and log level from the POWERTOOLS_* variables). */
export const untracedObservability = (functionName: string): Observability => ({
  logger: new Logger({ serviceName: 'tenantflow', persistentKeys: { function: functionName } }),
  metrics: new Metrics({ namespace: METRIC_NAMESPACE, serviceName: METRIC_SERVICE }),
});

/** The tracing middleware when there is a tracer, else none. */
export const tracing = (tracer: Tracer | undefined): middy.MiddlewareObj[] =>
  tracer ? [captureLambdaHandler(tracer)] : [];

/** The steps' {@link Log} on Powertools' logger (one structured line per call). */
export const logOf = (logger: Logger): Log => ({
  info: (message, fields) => (fields ? logger.info(message, fields) : logger.info(message)),
  warn: (message, fields) => (fields ? logger.warn(message, fields) : logger.warn(message)),
});
