import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { METRIC_NAMESPACE, METRIC_SERVICE } from '../domain/metrics.ts';
import type { Log } from '../ports/log.ts';

/** The Powertools trio one function uses. */
export interface Observability {
  logger: Logger;
  metrics: Metrics;
  tracer: Tracer;
}

/** Builds the trio for `functionName` (service name and log level come from the POWERTOOLS_* variables). */
export const observability = (functionName: string): Observability => ({
  logger: new Logger({ serviceName: 'tenantflow', persistentKeys: { function: functionName } }),
  metrics: new Metrics({ namespace: METRIC_NAMESPACE, serviceName: METRIC_SERVICE }),
  tracer: new Tracer({ serviceName: 'tenantflow' }),
});

/** The steps' {@link Log} on Powertools' logger (one structured line per call). */
export const logOf = (logger: Logger): Log => ({
  info: (message, fields) => (fields ? logger.info(message, fields) : logger.info(message)),
  warn: (message, fields) => (fields ? logger.warn(message, fields) : logger.warn(message)),
});
