import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { z } from 'zod';
import { describeError, ValidationError } from '../domain/errors.ts';
import { METRICS } from '../domain/metrics.ts';
import { MACHINE_IDS, STEP_NAMES, type StepPayload } from '../domain/saga.ts';
import { dispatchStep, type StepDeps } from '../steps/index.ts';
import { lifecycleContext } from './middleware/lifecycle-context.ts';
import { type Observability, tracing } from './observability.ts';

const payloadSchema = z.object({
  step: z.enum(STEP_NAMES),
  machine: z.enum(MACHINE_IDS),
  execution: z.string().min(1),
  state: z.unknown(),
});

const dimensionFieldsSchema = z.object({
  request: z.object({ operation: z.string(), tier: z.string().optional() }),
  placement: z.object({ tier: z.string() }).optional(),
});

/**
 * Tier and operation of a saga state, for metric dimensions: the tier the tenant is placed in (the
 * record's, not whatever the event said), else the onboarding's requested one; `unknown` before
 * validation.
 */
export const dimensionsOf = (state: unknown): { tier: string; operation: string } => {
  const parsed = dimensionFieldsSchema.safeParse(state);
  if (!parsed.success) return { tier: 'unknown', operation: 'unknown' };
  const { request, placement } = parsed.data;
  return { tier: placement?.tier ?? request.tier ?? 'unknown', operation: request.operation };
};

/**
 * The step dispatcher Lambda every Task of the generated ASL invokes: runs one saga step through the
 * ports and returns the next saga state. Errors are rethrown with their `name` intact: that name is
 * what the state machine's Retry and Catch match.
 */
export const makeStepHandler = (deps: StepDeps, { logger, metrics, tracer }: Observability) =>
  middy()
    .use(tracing(tracer))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics))
    .use(lifecycleContext({ logger }))
    .handler(async (event: unknown): Promise<unknown> => {
      const parsed = payloadSchema.safeParse(event);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new ValidationError(
          issue?.path.join('.') || 'payload',
          issue?.message ?? 'invalid step payload',
        );
      }
      const payload: StepPayload = parsed.data;
      const started = Date.now();
      const record = (outcome: 'succeeded' | 'failed', state: unknown, error?: unknown): void => {
        const metric = metrics.singleMetric();
        metric.addDimensions({ step: payload.step, tier: dimensionsOf(state).tier, outcome });
        metric.addMetric('StepDuration', MetricUnit.Milliseconds, Date.now() - started);
        // Without extra dimensions (one alarm sees the throttling rate of every step), each flushed
        // on its own so the lifecycle dimensions added later never reach them.
        metrics.singleMetric().addMetric(METRICS.stepInvocations, MetricUnit.Count, 1);
        const throttled = error instanceof Error && error.name === 'ThrottledError' ? 1 : 0;
        metrics.singleMetric().addMetric(METRICS.stepThrottled, MetricUnit.Count, throttled);
      };
      try {
        const next = await dispatchStep(payload, deps);
        record('succeeded', next);
        logger.info('step succeeded', { durationMs: Date.now() - started });
        if (payload.step === 'NotifySuccess' || payload.step === 'NotifyFailure') {
          metrics.addDimensions(dimensionsOf(next));
          metrics.addMetric(
            payload.step === 'NotifySuccess' ? METRICS.lifecycleSucceeded : METRICS.lifecycleFailed,
            MetricUnit.Count,
            1,
          );
        }
        return next;
      } catch (error) {
        record('failed', payload.state, error);
        logger.warn('step failed', { durationMs: Date.now() - started, error: describeError(error) });
        throw error;
      }
    });
