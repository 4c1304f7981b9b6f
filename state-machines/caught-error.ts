import type { CaughtError } from '../src/domain/saga-state.ts';

/**
 * What Step Functions records for an error a Lambda function threw: `Error` is the error's `name`
 * (the Node.js runtime's `errorType`), `Cause` is the runtime's JSON error report (without the trace).
 * Both engines record failures in this shape.
 */
export const toCaughtError = (error: unknown): CaughtError => {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  return { Error: name, Cause: JSON.stringify({ errorType: name, errorMessage: message }) };
};
