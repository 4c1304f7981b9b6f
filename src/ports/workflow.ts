import type { MachineId } from '../domain/saga.ts';

/** Step Functions, as the ingress handler needs it. */
export interface WorkflowStarter {
  /**
   * Starts `machine` under the execution `name`. As StartExecution does, starting a name that is
   * still running with the same input answers `'started'` with the same ARN; a name that already
   * exists otherwise (ExecutionAlreadyExists) is `'duplicate'`. Telling a redelivery from a first
   * start is the ingress's job (see `StatusLedger.recordStart`).
   */
  start(
    machine: MachineId,
    name: string,
    input: unknown,
  ): Promise<{ outcome: 'started' | 'duplicate'; executionArn: string }>;
}
