import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { MachineId } from '../../domain/saga.ts';

/** How a local execution stands (the Step Functions execution statuses a local run can reach). */
export const LOCAL_EXECUTION_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const;
export type LocalExecutionStatus = (typeof LOCAL_EXECUTION_STATUSES)[number];

const entrySchema = z.object({
  machine: z.string(),
  name: z.string(),
  status: z.enum(LOCAL_EXECUTION_STATUSES),
  startedAt: z.string(),
  /** Hash of the execution input: StartExecution of a running name with the same input is idempotent. */
  inputHash: z.string().optional(),
  stoppedAt: z.string().optional(),
  error: z.string().optional(),
});
export type ExecutionEntry = z.infer<typeof entrySchema>;

const fileSchema = z.object({ executions: z.array(entrySchema) });

/**
 * The executions started in a state directory, by machine and name: what makes a second start of
 * the same name a duplicate, as Step Functions does for 90 days. Persisted after every change.
 */
export class ExecutionRegistry {
  readonly #file: string;
  readonly #entries = new Map<string, ExecutionEntry>();

  constructor(file: string) {
    this.#file = file;
    if (existsSync(file)) {
      const parsed = fileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      if (!parsed.success) throw new Error(`${file}: not an execution registry`);
      for (const entry of parsed.data.executions) this.#entries.set(`${entry.machine}/${entry.name}`, entry);
    }
  }

  /** Claims `name` for `machine`; false when an execution of that name already exists (running or ended). */
  claim(machine: MachineId, name: string, at: string, inputHash: string): boolean {
    const key = `${machine}/${name}`;
    if (this.#entries.has(key)) return false;
    this.#entries.set(key, { machine, name, status: 'RUNNING', startedAt: at, inputHash });
    this.#save();
    return true;
  }

  /** Records how an execution ended. */
  finish(
    machine: MachineId,
    name: string,
    status: Exclude<LocalExecutionStatus, 'RUNNING'>,
    at: string,
    error?: string,
  ): void {
    const key = `${machine}/${name}`;
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.set(key, { ...entry, status, stoppedAt: at, ...(error ? { error } : {}) });
    this.#save();
  }

  get(machine: MachineId, name: string): ExecutionEntry | undefined {
    return this.#entries.get(`${machine}/${name}`);
  }

  list(): ExecutionEntry[] {
    return [...this.#entries.values()];
  }

  #save(): void {
    mkdirSync(dirname(this.#file), { recursive: true });
    const temp = `${this.#file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify({ executions: this.list() }, null, 2)}\n`);
    renameSync(temp, this.#file);
  }
}
