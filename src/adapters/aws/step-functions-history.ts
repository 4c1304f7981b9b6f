import {
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  type SFNClientConfig,
} from '@aws-sdk/client-sfn';
import type { MachineId } from '../../domain/saga.ts';
import type { DeployedExecution, ExecutionHistory } from '../../ports/workflow.ts';
import { type ClientOptions, resolveClient } from './client-options.ts';
import { translateAwsError } from './errors.ts';

export type StepFunctionsHistoryOptions = ClientOptions<SFNClient, SFNClientConfig>;

/** {@link ExecutionHistory} on Step Functions: ListStateMachines, then ListExecutions per machine. */
export class StepFunctionsHistory implements ExecutionHistory {
  readonly #client: SFNClient;

  constructor(options: StepFunctionsHistoryOptions = {}) {
    this.#client = resolveClient('StepFunctionsHistory', options, (config) => new SFNClient(config ?? {}));
  }

  async list(stateMachines: ReadonlyMap<string, MachineId>, all: boolean): Promise<DeployedExecution[]> {
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
}
