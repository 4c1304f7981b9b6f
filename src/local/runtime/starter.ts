import { createHash, randomUUID } from 'node:crypto';
import type { MachineId } from '../../domain/saga.ts';
import type { WorkflowStarter } from '../../ports/workflow.ts';
import type { ExecutionEnd, SagaEngine } from '../engines/index.ts';
import type { ExecutionRegistry } from './registry.ts';

/** The account id of everything local (the simulator's default). */
export const LOCAL_ACCOUNT = '000000000000';

/** A Step Functions "Execution Status Change" event, as EventBridge delivers it to the watcher. */
export const executionStatusChange = (input: {
  region: string;
  machine: MachineId;
  name: string;
  executionArn: string;
  startedAt: number;
  end: ExecutionEnd;
  executionInput: unknown;
}): Record<string, unknown> => {
  const stopDate = Date.now();
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account: LOCAL_ACCOUNT,
    time: new Date(stopDate).toISOString(),
    region: input.region,
    resources: [input.executionArn],
    detail: {
      executionArn: input.executionArn,
      stateMachineArn: stateMachineArn(input.region, input.machine),
      name: input.name,
      status: input.end.status,
      startDate: input.startedAt,
      stopDate,
      input: JSON.stringify(input.executionInput),
      output: null,
      error: input.end.error ?? null,
      cause: input.end.cause ?? null,
    },
  };
};

export const stateMachineArn = (region: string, machine: MachineId): string =>
  `arn:aws:states:${region}:${LOCAL_ACCOUNT}:stateMachine:tenantflow-${machine}`;

export const executionArnOf = (region: string, machine: MachineId, name: string): string =>
  `arn:aws:states:${region}:${LOCAL_ACCOUNT}:execution:tenantflow-${machine}:${name}`;

const inputHash = (input: unknown): string =>
  createHash('sha256')
    .update(JSON.stringify(input) ?? '')
    .digest('hex');

/**
 * Step Functions for a local run: `start` claims the execution name and runs the saga on the engine
 * in the background, as StartExecution does, with its answers: the same name and input while that
 * execution runs is the same execution (`started`, same ARN); the name taken otherwise is
 * ExecutionAlreadyExists (`duplicate`). `completion` waits for its end. An execution that fails,
 * times out or is aborted is handed to `onDead`, as the EventBridge rule hands it to the watcher in AWS.
 */
export class LocalStarter implements WorkflowStarter {
  readonly #running = new Map<string, Promise<ExecutionEnd>>();

  constructor(
    private readonly deps: {
      region: string;
      engine: SagaEngine;
      registry: ExecutionRegistry;
      onStart: (name: string) => void;
      onDead: (statusChange: Record<string, unknown>) => Promise<void>;
    },
  ) {}

  async start(machine: MachineId, name: string, input: unknown) {
    const executionArn = executionArnOf(this.deps.region, machine, name);
    const startedAt = Date.now();
    const hash = inputHash(input);
    if (!this.deps.registry.claim(machine, name, new Date(startedAt).toISOString(), hash)) {
      const existing = this.deps.registry.get(machine, name);
      const same = existing?.status === 'RUNNING' && existing.inputHash === hash;
      return { outcome: same ? ('started' as const) : ('duplicate' as const), executionArn };
    }
    this.deps.onStart(name);
    const run = this.#run(machine, name, executionArn, startedAt, input);
    this.#running.set(name, run);
    return { outcome: 'started' as const, executionArn };
  }

  /** The end of an execution started here; undefined for a name this starter did not start. */
  completion(name: string): Promise<ExecutionEnd> | undefined {
    return this.#running.get(name);
  }

  /** Waits for every execution still running. */
  async drain(): Promise<void> {
    await Promise.allSettled(this.#running.values());
  }

  async #run(
    machine: MachineId,
    name: string,
    executionArn: string,
    startedAt: number,
    input: unknown,
  ): Promise<ExecutionEnd> {
    const end = await this.deps.engine(machine, name, executionArn, input);
    this.deps.registry.finish(machine, name, end.status, new Date().toISOString(), end.error);
    if (end.status !== 'SUCCEEDED') {
      const event = executionStatusChange({
        region: this.deps.region,
        machine,
        name,
        executionArn,
        startedAt,
        end,
        executionInput: input,
      });
      await this.deps.onDead(event).catch(() => {});
    }
    return end;
  }
}
