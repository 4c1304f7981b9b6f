/**
 * The simulated cloud's state file: a snapshot (`cloud.json`) and its write log (src/local/write-log.ts),
 * each changing call one line holding the items it touched (see `SimulatedCloud`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { appendLogLines, readLogLines, writeSnapshot } from '../write-log.ts';
import { applyEntries, type JournalEntry } from './journal.ts';
import { emptyState, type SimState, simStateSchema } from './state.ts';

export { logFileOf } from '../write-log.ts';

/** Reads `file` (and its log) when it exists; a file that does not parse is an error, never silently replaced. */
export const loadState = (file: string): SimState => {
  // Our own lines, each a journal entry; the state they make is checked whole below.
  const entries = readLogLines(file, 'simulated AWS state log') as JournalEntry[];
  if (!existsSync(file) && entries.length === 0) return emptyState();
  const raw: unknown = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : emptyState();
  const base = simStateSchema.safeParse(raw);
  if (!base.success) {
    throw new Error(`simulated AWS state file ${file} is not valid: ${base.error.message}`);
  }
  if (entries.length === 0) return base.data;
  const parsed = simStateSchema.safeParse(applyEntries(base.data, entries));
  if (!parsed.success) {
    throw new Error(`simulated AWS state log ${file}.log is not valid: ${parsed.error.message}`);
  }
  return parsed.data;
};

/** Appends one call's line to the log of `file`; returns the bytes written. */
export const appendEntry = (file: string, entry: JournalEntry): number => appendLogLines(file, [entry]);

/**
 * Writes `state` to `file` as one snapshot, compact (the file is for the simulator; `jq .` indents
 * it), and empties its log. Returns the snapshot's size.
 */
export const saveState = (file: string, state: SimState): number => writeSnapshot(file, state);
