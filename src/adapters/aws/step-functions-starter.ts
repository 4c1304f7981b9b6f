import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  ExecutionLimitExceeded,
  SFNClient,
  type SFNClientConfig,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { z } from 'zod';
import { FatalError, RetryableError } from '../../domain/errors.ts';
import type { MachineId } from '../../domain/saga.ts';
import type { ExecutionState, Workflows } from '../../ports/workflow.ts';
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
});

/**
 * {@link Workflows} on AWS Step Functions: StartExecution (the execution name is the idempotency key)
 * and DescribeExecution.
 */
export class StepFunctionsStarter implements Workflows {
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
      const { status, error, cause } = parseResult(describeSchema, out, context);
      return { status, ...(error ? { error } : {}), ...(cause ? { cause } : {}) };
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return undefined;
      throw translateAwsError(error, context);
    }
  }
}
