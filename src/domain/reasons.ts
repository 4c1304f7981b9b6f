import { z } from 'zod';
import type { CaughtError, SagaFailure } from './saga-state.ts';

/** Longest reason kept: it travels in a status event and a DynamoDB item. */
export const MAX_REASON_LENGTH = 1000;

/** Step Functions' `Cause` for a Lambda error: `{"errorType","errorMessage","trace"}` as a JSON string. */
const lambdaCauseSchema = z.object({ errorType: z.string().optional(), errorMessage: z.string().optional() });

const parseLambdaCause = (cause: string): z.infer<typeof lambdaCauseSchema> | undefined => {
  try {
    const parsed = lambdaCauseSchema.safeParse(JSON.parse(cause));
    if (!parsed.success) return undefined;
    const { errorType, errorMessage } = parsed.data;
    return errorType === undefined && errorMessage === undefined ? undefined : parsed.data;
  } catch {
    return undefined;
  }
};

const bounded = (text: string): string =>
  text.length > MAX_REASON_LENGTH ? `${text.slice(0, MAX_REASON_LENGTH - 1)}…` : text;

/** `<errorType>: <message>` of a caught error, whether its `Cause` is Lambda's JSON or plain text. */
export const describeCaught = (error: CaughtError): string => {
  const lambda = parseLambdaCause(error.Cause);
  const type = lambda?.errorType ?? error.Error;
  const message = lambda ? (lambda.errorMessage ?? '') : error.Cause;
  return bounded(message === '' ? type : `${type}: ${message}`);
};

/** The step a saga failed at, `unknown` when nothing was recorded. */
export const failedStep = (failure: SagaFailure | undefined): string => failure?.step ?? 'unknown';

/** `<errorType>: <message>` of the saga's failure (what the status event puts after the step). */
export const failureCause = (failure: SagaFailure | undefined): string =>
  failure ? describeCaught(failure.error) : 'the saga failed without a recorded error';

/** The human-readable reason of a failed saga: `<step>: <errorType>: <message>`, bounded. */
export const failureReason = (failure: SagaFailure | undefined): string =>
  bounded(`${failedStep(failure)}: ${failureCause(failure)}`);
