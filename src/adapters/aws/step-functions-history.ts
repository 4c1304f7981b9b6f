import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  type SFNClientConfig,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { MachineId } from '../../domain/saga.ts';
import type {
  DeployedExecution,
  ExecutionHistory,
  ExecutionStopper,
  StopOutcome,
} from '../../ports/workflow.ts';
import { type ClientOptions, resolveClient } from './client-options.ts';
import { translateAwsError } from './errors.ts';
import { executionArnOf } from './step-functions-starter.ts';

export type StepFunctionsHistoryOptions = ClientOptions<SFNClient, SFNClientConfig>;

/**
 * {@link ExecutionHistory} and {@link ExecutionStopper} on Step Functions: ListStateMachines, then
 * ListExecutions per machine; DescribeExecution and StopExecution of one execution by name.
 */
export class StepFunctionsHistory implements ExecutionHistory, ExecutionStopper {
  readonly #client: SFNClient;

  constructor(options: StepFunctionsHistoryOptions = {}) {
    this.#client = resolveClient('StepFunctionsHistory', options, (config) => new SFNClient(config ?? {}));
  }

  async list(stateMachines: ReadonlyMap<string, MachineId>, all: boolean): Promise<DeployedExecution[]> {
    const found = await this.#machines(stateMachines);
    const executions: DeployedExecution[] = [];
    for (const { arn, machine } of found) {
      try {
        let next: string | undefined;
        do {
          const page = await this.#client.send(
            new ListExecutionsCommand({
              stateMachineArn: arn,
              maxResults: 100,
              ...(next ? { nextToken: next } : {}),
            }),
          );
          for (const execution of page.executions ?? []) {
            executions.push({
              machine,
              name: execution.name ?? '?',
              status: execution.status ?? 'UNKNOWN',
              startedAt: execution.startDate?.toISOString() ?? '',
              ...(execution.stopDate ? { stoppedAt: execution.stopDate.toISOString() } : {}),
            });
          }
          next = all ? page.nextToken : undefined;
        } while (next);
      } catch (error) {
        throw translateAwsError(error, `Step Functions ListExecutions ${arn}`);
      }
    }
    return executions.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  async stop(
    stateMachines: ReadonlyMap<string, MachineId>,
    name: string,
    cause: string,
  ): Promise<StopOutcome | undefined> {
    for (const { arn, machine } of await this.#machines(stateMachines)) {
      const executionArn = executionArnOf(arn, name);
      let status: string;
      try {
        const out = await this.#client.send(new DescribeExecutionCommand({ executionArn }));
        status = out.status ?? 'UNKNOWN';
      } catch (error) {
        if (error instanceof ExecutionDoesNotExist) continue;
        throw translateAwsError(error, `Step Functions DescribeExecution ${executionArn}`);
      }
      if (status !== 'RUNNING') return { machine, status: 'ended', ended: status };
      try {
        await this.#client.send(new StopExecutionCommand({ executionArn, error: 'OperatorAbort', cause }));
      } catch (error) {
        throw translateAwsError(error, `Step Functions StopExecution ${executionArn}`);
      }
      return { machine, status: 'ABORTED' };
    }
    return undefined;
  }

  /** The deployed machines among those named, with their ARNs. */
  async #machines(
    stateMachines: ReadonlyMap<string, MachineId>,
  ): Promise<Array<{ arn: string; machine: MachineId }>> {
    const found: Array<{ arn: string; machine: MachineId }> = [];
    try {
      let token: string | undefined;
      do {
        const page = await this.#client.send(
          new ListStateMachinesCommand({ ...(token ? { nextToken: token } : {}) }),
        );
        for (const item of page.stateMachines ?? []) {
          const machine = item.name ? stateMachines.get(item.name) : undefined;
          if (machine && item.stateMachineArn) found.push({ arn: item.stateMachineArn, machine });
        }
        token = page.nextToken;
      } while (token);
    } catch (error) {
      throw translateAwsError(error, 'Step Functions ListStateMachines');
    }
    return found;
  }
}
