import type { MachineId } from '../saga-contract.ts';

/** Step Functions, as the ingress handler needs it. */
export interface WorkflowStarter {
  /**
   * Starts `machine` under the execution `name`. `'duplicate'` when an execution of that name
   * already exists (ExecutionAlreadyExists): a redelivered event starts nothing new.
   */
  start(
    machine: MachineId,
    name: string,
    input: unknown,
  ): Promise<{ outcome: 'started' | 'duplicate'; executionArn: string }>;
}
