import { createHash, randomUUID } from 'node:crypto';
import type { MachineId } from '../../domain/saga.ts';
import type { ExecutionState, Workflows } from '../../ports/workflow.ts';
import type { ExecutionEnd, SagaEngine } from '../engines/index.ts';
import type { ExecutionRegistry, ExecutionStart } from './registry.ts';

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

/** What the starter learns of an execution's input (for the registry). */
export type DescribeInput = (input: unknown) => Pick<ExecutionStart, 'tenantId' | 'operation'>;

/**
 * Step Functions for a local run: `start` claims the execution name and runs the saga on the engine
 * in the background, as StartExecution does, with its answers: the same name and input while that
 * execution runs is the same execution (`started`, same ARN); the name taken otherwise is
 * ExecutionAlreadyExists (`duplicate`). `completion` waits for its end; `abort` is StopExecution.
 * An execution that fails, times out or is aborted is handed to `onDead`, as the EventBridge rule
 * hands it to the watcher in AWS, once its steps have settled (`quiesce`).
 */
export class LocalStarter implements Workflows {
  readonly #running = new Map<string, { end: Promise<ExecutionEnd>; controller: AbortController }>();
  /** The end of every execution started here, running or not. */
  readonly #ends = new Map<string, Promise<ExecutionEnd>>();

  constructor(
    private readonly deps: {
      region: string;
      engine: SagaEngine;
      registry: ExecutionRegistry;
      describe: DescribeInput;
      onStart: (name: string) => void;
      /** Resolves once no step of the execution is running any more. */
      quiesce: (name: string) => Promise<void>;
      onDead: (statusChange: Record<string, unknown>) => Promise<void>;
    },
  ) {}

  async start(machine: MachineId, name: string, input: unknown) {
    const executionArn = executionArnOf(this.deps.region, machine, name);
    const startedAt = Date.now();
    const hash = inputHash(input);
    const claimed = this.deps.registry.claim(machine, name, {
      at: new Date(startedAt).toISOString(),
      inputHash: hash,
      input,
      ...this.deps.describe(input),
    });
    if (!claimed) {
      const existing = this.deps.registry.get(machine, name);
      const same = existing?.status === 'RUNNING' && existing.inputHash === hash;
      return { outcome: same ? ('started' as const) : ('duplicate' as const), executionArn };
    }
    this.deps.onStart(name);
    const controller = new AbortController();
    const end = this.#run(machine, name, executionArn, startedAt, input, controller.signal);
    this.#running.set(name, { end, controller });
    this.#ends.set(name, end);
    return { outcome: 'started' as const, executionArn };
  }

  /** DescribeExecution: what the registry says of execution `name` of `machine`. */
  async describe(machine: MachineId, name: string): Promise<ExecutionState | undefined> {
    const entry = this.deps.registry.get(machine, name);
    return entry ? { status: entry.status, ...(entry.error ? { error: entry.error } : {}) } : undefined;
  }

  /** The end of an execution started here; undefined for a name this starter did not start. */
  completion(name: string): Promise<ExecutionEnd> | undefined {
    return this.#ends.get(name);
  }

  /** Names of the executions this starter runs now. */
  runningNames(): string[] {
    return [...this.#running.keys()];
  }

  /** StopExecution: ends the execution ABORTED (its watcher then runs); undefined if not running here. */
  async abort(name: string): Promise<ExecutionEnd | undefined> {
    const run = this.#running.get(name);
    if (!run) return undefined;
    run.controller.abort();
    return run.end;
  }

  /** Waits for every execution still running, including any started meanwhile (a cleanup). */
  async drain(): Promise<void> {
    for (let pending = [...this.#running.values()]; pending.length > 0; ) {
      await Promise.allSettled(pending.map((run) => run.end));
      pending = [...this.#running.values()];
    }
  }

  /**
   * Hands an execution that ended without succeeding to the watcher, as EventBridge delivers
   * "Execution Status Change" (also for one a dead process left RUNNING: see the runtime's recovery).
   */
  async reportDead(input: {
    machine: MachineId;
    name: string;
    startedAt: number;
    end: ExecutionEnd;
    executionInput: unknown;
  }): Promise<void> {
    const event = executionStatusChange({
      region: this.deps.region,
      machine: input.machine,
      name: input.name,
      executionArn: executionArnOf(this.deps.region, input.machine, input.name),
      startedAt: input.startedAt,
      end: input.end,
      executionInput: input.executionInput,
    });
    await this.deps.onDead(event);
    this.deps.registry.watched(input.machine, input.name);
  }

  async #run(
    machine: MachineId,
    name: string,
    executionArn: string,
    startedAt: number,
    input: unknown,
    signal: AbortSignal,
  ): Promise<ExecutionEnd> {
    try {
      const end = await this.deps.engine(machine, name, executionArn, input, signal);
      this.deps.registry.finish(machine, name, end.status, new Date().toISOString(), end.error);
      if (end.status !== 'SUCCEEDED') {
        // As StopExecution does not wait for a running Lambda, a step may still be running: let it end
        // before the watcher looks (the cleanup it may start would otherwise race it).
        await this.deps.quiesce(name);
        await this.reportDead({ machine, name, startedAt, end, executionInput: input }).catch(() => {});
      }
      return end;
    } finally {
      this.#running.delete(name);
    }
  }
}
