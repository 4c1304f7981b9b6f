import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { OPERATIONS } from '../../domain/operations.ts';
import { MACHINE_IDS, type MachineId } from '../../domain/saga.ts';
import { appendLogLines, fileSize, logFileOf, readLogLines, writeSnapshot } from '../write-log.ts';

/** How a local execution stands (the Step Functions execution statuses a local run can reach). */
export const LOCAL_EXECUTION_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const;
export type LocalExecutionStatus = (typeof LOCAL_EXECUTION_STATUSES)[number];

const entrySchema = z.object({
  machine: z.enum(MACHINE_IDS),
  name: z.string(),
  status: z.enum(LOCAL_EXECUTION_STATUSES),
  startedAt: z.string(),
  /** Hash of the execution input: StartExecution of a running name with the same input is idempotent. */
  inputHash: z.string().optional(),
  /** The execution input, kept until the execution is over and handled (a recovery may need it). */
  input: z.unknown().optional(),
  tenantId: z.string().optional(),
  operation: z.enum(OPERATIONS).optional(),
  /** The process that runs it (RUNNING only makes sense while that process lives). */
  pid: z.number().int().optional(),
  /** The last step that ended, and how. */
  step: z.string().optional(),
  stepOk: z.boolean().optional(),
  stoppedAt: z.string().optional(),
  error: z.string().optional(),
  /**
   * False from the moment an execution ends without succeeding until the watcher has handled it
   * (reported it, released its tenant, started its cleanup): a process killed in between leaves it
   * for the next one to finish.
   */
  watched: z.boolean().optional(),
});
export type ExecutionEntry = z.infer<typeof entrySchema>;

const fileSchema = z.object({ executions: z.array(entrySchema) });

/** What is known of an execution when it starts. */
export interface ExecutionStart {
  at: string;
  inputHash: string;
  input: unknown;
  tenantId?: string;
  operation?: ExecutionEntry['operation'];
}

/** The registry's write log, beside its snapshot: one line per entry written since the snapshot. */
export const registryLogOf = logFileOf;

const keyOf = (entry: Pick<ExecutionEntry, 'machine' | 'name'>): string => `${entry.machine}/${entry.name}`;

/**
 * Reads the registry file of a state directory (its snapshot, then its log: src/local/write-log.ts)
 * without taking it over (for a read-only look).
 */
export const readRegistry = (file: string): ExecutionEntry[] => {
  const entries = new Map<string, ExecutionEntry>();
  if (existsSync(file)) {
    const parsed = fileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) throw new Error(`${file}: not an execution registry`);
    for (const entry of parsed.data.executions) entries.set(keyOf(entry), entry);
  }
  for (const [index, value] of readLogLines(file, 'execution registry').entries()) {
    const parsed = entrySchema.safeParse(value);
    if (!parsed.success) throw new Error(`${logFileOf(file)}: entry ${index + 1} is not an execution entry`);
    entries.set(keyOf(parsed.data), parsed.data);
  }
  return [...entries.values()];
};

/**
 * The executions started in a state directory, by machine and name: what makes a second start of
 * the same name a duplicate, as Step Functions does for 90 days, and what a later process needs to
 * recover an execution whose process died. Starts and ends are written at once (a line of the log,
 * appended); step notes are batched, at most `NOTE_DELAY_MS` late. The snapshot is rewritten whole
 * only once the log has outgrown it, and by `flush()` (a runtime closing): a write costs the entry
 * it writes, however many executions the directory has seen.
 */
export class ExecutionRegistry {
  static readonly NOTE_DELAY_MS = 200;
  readonly #file: string;
  readonly #entries = new Map<string, ExecutionEntry>();
  readonly #dirty = new Set<string>();
  #pending: NodeJS.Timeout | undefined;
  #logBytes: number;
  #snapshotBytes: number;

  constructor(file: string) {
    this.#file = file;
    for (const entry of readRegistry(file)) this.#entries.set(keyOf(entry), entry);
    this.#snapshotBytes = fileSize(file);
    this.#logBytes = fileSize(logFileOf(file));
  }

  /** Claims `name` for `machine`; false when an execution of that name already exists (running or ended). */
  claim(machine: MachineId, name: string, start: ExecutionStart): boolean {
    const key = `${machine}/${name}`;
    if (this.#entries.has(key)) return false;
    this.#entries.set(key, {
      machine,
      name,
      status: 'RUNNING',
      startedAt: start.at,
      inputHash: start.inputHash,
      input: start.input,
      pid: process.pid,
      ...(start.tenantId ? { tenantId: start.tenantId } : {}),
      ...(start.operation ? { operation: start.operation } : {}),
    });
    this.#save(key);
    return true;
  }

  /** Notes the last step of a running execution (for `tenantflow executions`). */
  noteStep(machine: MachineId, name: string, step: string, ok: boolean): void {
    const entry = this.#entries.get(`${machine}/${name}`);
    if (entry?.status !== 'RUNNING') return;
    entry.step = step;
    entry.stepOk = ok;
    this.#dirty.add(`${machine}/${name}`);
    this.#pending ??= setTimeout(() => this.#writeDirty(), ExecutionRegistry.NOTE_DELAY_MS).unref();
  }

  /** Records how an execution ended; one that did not succeed waits for the watcher (`watched`). */
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
    // The input is kept only while a recovery may need it.
    const { pid: _pid, input, ...rest } = entry;
    this.#entries.set(key, {
      ...rest,
      status,
      stoppedAt: at,
      ...(error ? { error } : {}),
      ...(status === 'SUCCEEDED' ? {} : { watched: false, input }),
    });
    this.#save(key);
  }

  /** The watcher has handled an execution that ended without succeeding. */
  watched(machine: MachineId, name: string): void {
    const entry = this.#entries.get(`${machine}/${name}`);
    if (entry?.watched !== false) return;
    entry.watched = true;
    delete entry.input;
    this.#save(`${machine}/${name}`);
  }

  get(machine: MachineId, name: string): ExecutionEntry | undefined {
    return this.#entries.get(`${machine}/${name}`);
  }

  /** The execution of that name on any machine. */
  find(name: string): ExecutionEntry | undefined {
    return this.list().find((entry) => entry.name === name);
  }

  list(): ExecutionEntry[] {
    return [...this.#entries.values()];
  }

  /** Writes everything as one snapshot now, its log emptied (and stops the batching timer). */
  flush(): void {
    if (this.#pending) clearTimeout(this.#pending);
    this.#pending = undefined;
    this.#dirty.clear();
    this.#snapshotBytes = writeSnapshot(this.#file, { executions: this.list() });
    this.#logBytes = 0;
  }

  /** Appends the entries changed since the last write (`key`'s among them) to the log. */
  #save(key: string): void {
    this.#dirty.add(key);
    this.#writeDirty();
  }

  #writeDirty(): void {
    if (this.#pending) clearTimeout(this.#pending);
    this.#pending = undefined;
    const entries = [...this.#dirty].flatMap((key) => {
      const entry = this.#entries.get(key);
      return entry ? [entry] : [];
    });
    this.#dirty.clear();
    this.#logBytes += appendLogLines(this.#file, entries);
    if (this.#logBytes > Math.max(1 << 18, this.#snapshotBytes)) this.flush();
  }
}
