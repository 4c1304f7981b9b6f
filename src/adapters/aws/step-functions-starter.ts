import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  ExecutionLimitExceeded,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
  type SFNClientConfig,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { z } from 'zod';
import { FatalError, RetryableError } from '../../domain/errors.ts';
import type { MachineId } from '../../domain/saga.ts';
import type { ExecutionEvent, ExecutionEvents, ExecutionState, Workflows } from '../../ports/workflow.ts';
import { type ClientOptions, resolveClient } from './client-options.ts';
import { translateAwsError } from './errors.ts';
import { parseResult } from './parse.ts';

/** Options of {@link StepFunctionsStarter}: the client (or its config) and each machine's ARN. */
export type StepFunctionsStarterOptions = ClientOptions<SFNClient, SFNClientConfig> & {
  stateMachineArns: Readonly<Record<MachineId, string>>;
};

const startSchema = z.object({ executionArn: z.string().min(1) });

/**
 * The ARN of execution `name` of a state machine:
 * `arn:…:states:<region>:<account>:stateMachine:<machine>` → `arn:…:execution:<machine>:<name>`.
 */
export const executionArnOf = (stateMachineArn: string, name: string): string => {
  const marker = ':stateMachine:';
  const at = stateMachineArn.lastIndexOf(marker);
  if (at < 0) throw new FatalError(`not a state machine ARN: ${stateMachineArn}`);
  return `${stateMachineArn.slice(0, at)}:execution:${stateMachineArn.slice(at + marker.length)}:${name}`;
};

const describeSchema = z.object({
  status: z.string().min(1),
  error: z.string().nullish(),
  cause: z.string().nullish(),
  output: z.string().nullish(),
});

/** A JSON text as a value; text that is not JSON is kept as the text. */
const jsonOrText = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/**
 * A history event as a step event: a Task state entered; its Lambda function (or service
 * integration) started, succeeded or failed (a time-out or a failure to start is a failure too).
 * Every other event (Pass, Choice, Wait states, the execution's own) is none.
 */
export const stepEventOf = (event: HistoryEvent): ExecutionEvent | undefined => {
  const id = event.id ?? 0;
  const at = event.timestamp?.getTime() ?? 0;
  const failed = (details: { error?: string | undefined; cause?: string | undefined } | undefined) => ({
    id,
    at,
    kind: 'failed' as const,
    error: details?.error ?? event.type ?? 'Failed',
    ...(details?.cause ? { cause: details.cause } : {}),
  });
  switch (event.type) {
    case 'ExecutionStarted':
      return { id, at, kind: 'began' };
    case 'TaskStateEntered':
      return { id, at, kind: 'entered', step: event.stateEnteredEventDetails?.name ?? '?' };
    case 'LambdaFunctionStarted':
    case 'TaskStarted':
      return { id, at, kind: 'started' };
    case 'LambdaFunctionSucceeded':
    case 'TaskSucceeded': {
      const output =
        event.lambdaFunctionSucceededEventDetails?.output ?? event.taskSucceededEventDetails?.output;
      return { id, at, kind: 'succeeded', ...(output ? { output: jsonOrText(output) } : {}) };
    }
    case 'LambdaFunctionFailed':
      return failed(event.lambdaFunctionFailedEventDetails);
    case 'LambdaFunctionTimedOut':
      return failed({ error: 'States.Timeout', ...event.lambdaFunctionTimedOutEventDetails });
    case 'LambdaFunctionStartFailed':
      return failed(event.lambdaFunctionStartFailedEventDetails);
    case 'LambdaFunctionScheduleFailed':
      return failed(event.lambdaFunctionScheduleFailedEventDetails);
    case 'TaskFailed':
      return failed(event.taskFailedEventDetails);
    case 'TaskTimedOut':
      return failed({ error: 'States.Timeout', ...event.taskTimedOutEventDetails });
    case 'TaskStartFailed':
      return failed(event.taskStartFailedEventDetails);
    default:
      return undefined;
  }
};

/**
 * {@link Workflows} on AWS Step Functions: StartExecution (the execution name is the idempotency key)
 * and DescribeExecution; {@link ExecutionEvents}: GetExecutionHistory, every page.
 */
export class StepFunctionsStarter implements Workflows, ExecutionEvents {
  readonly #client: SFNClient;
  readonly #arns: Readonly<Record<MachineId, string>>;

  constructor(options: StepFunctionsStarterOptions) {
    this.#client = resolveClient('StepFunctionsStarter', options, (config) => new SFNClient(config ?? {}));
    this.#arns = options.stateMachineArns;
  }

  async start(
    machine: MachineId,
    name: string,
    input: unknown,
  ): Promise<{ outcome: 'started' | 'duplicate'; executionArn: string }> {
    const stateMachineArn = this.#arns[machine];
    if (!stateMachineArn) throw new FatalError(`no state machine ARN configured for ${machine}`);
    const context = `Step Functions StartExecution ${machine} ${name}`;
    try {
      const out = await this.#client.send(
        new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
      );
      return { outcome: 'started', executionArn: parseResult(startSchema, out, context).executionArn };
    } catch (error) {
      // Same name, same machine: the event was delivered again and its execution already exists.
      if (error instanceof ExecutionAlreadyExists) {
        return { outcome: 'duplicate', executionArn: executionArnOf(stateMachineArn, name) };
      }
      // Too many open executions is a moment's state, not a verdict on the event: deliver it again later.
      if (error instanceof ExecutionLimitExceeded) {
        throw new RetryableError(`${context}: ${error.message}`, { cause: error });
      }
      throw translateAwsError(error, context);
    }
  }

  async describe(machine: MachineId, name: string): Promise<ExecutionState | undefined> {
    const stateMachineArn = this.#arns[machine];
    if (!stateMachineArn) throw new FatalError(`no state machine ARN configured for ${machine}`);
    const context = `Step Functions DescribeExecution ${machine} ${name}`;
    try {
      const out = await this.#client.send(
        new DescribeExecutionCommand({ executionArn: executionArnOf(stateMachineArn, name) }),
      );
      const { status, error, cause, output } = parseResult(describeSchema, out, context);
      return {
        status,
        ...(error ? { error } : {}),
        ...(cause ? { cause } : {}),
        ...(output ? { output: jsonOrText(output) } : {}),
      };
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return undefined;
      throw translateAwsError(error, context);
    }
  }

  async history(machine: MachineId, name: string, after = 0): Promise<ExecutionEvent[]> {
    const stateMachineArn = this.#arns[machine];
    if (!stateMachineArn) throw new FatalError(`no state machine ARN configured for ${machine}`);
    const executionArn = executionArnOf(stateMachineArn, name);
    const context = `Step Functions GetExecutionHistory ${machine} ${name}`;
    const events: ExecutionEvent[] = [];
    try {
      let nextToken: string | undefined;
      do {
        // Newest first when only what came after `after` is wanted: the pages stop there.
        const page = await this.#client.send(
          new GetExecutionHistoryCommand({
            executionArn,
            maxResults: 1000,
            includeExecutionData: true,
            ...(after > 0 ? { reverseOrder: true } : {}),
            ...(nextToken ? { nextToken } : {}),
          }),
        );
        let reachedSeen = false;
        for (const event of page.events ?? []) {
          if ((event.id ?? 0) <= after) {
            reachedSeen = true;
            continue;
          }
          const step = stepEventOf(event);
          if (step) events.push(step);
        }
        nextToken = reachedSeen ? undefined : page.nextToken;
      } while (nextToken);
      if (after > 0) events.reverse();
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return [];
      throw translateAwsError(error, context);
    }
    return events;
  }
}
