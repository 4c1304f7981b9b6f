/** The Lambda functions' observability: logger, metrics and the X-Ray tracer (composition roots only). */
import { Tracer } from '@aws-lambda-powertools/tracer';
import { type Observability, untracedObservability } from './observability.ts';

export const observability = (functionName: string): Observability => ({
  ...untracedObservability(functionName),
  tracer: new Tracer({ serviceName: 'tenantflow' }),
});
