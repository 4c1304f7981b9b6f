import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { applyEntries, type JournalEntry } from './journal.ts';
import { emptyState, type SimState, simStateSchema } from './state.ts';

/**
 * The state file is a snapshot (`file`) and a write log beside it (`<file>.log`): each changing
 * call appends the items it touched as one line, and from time to time the snapshot is rewritten
 * whole and the log emptied (see `SimulatedCloud`). A crash can cut only the last line short, and a
 * call whose line is not whole had not returned: that line is left out.
 */
export const logFileOf = (file: string): string => `${file}.log`;

const readLog = (file: string): JournalEntry[] => {
  const log = logFileOf(file);
  if (!existsSync(log)) return [];
  const lines = readFileSync(log, 'utf8').split('\n');
  const entries: JournalEntry[] = [];
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    try {
      entries.push(JSON.parse(line) as JournalEntry);
    } catch (error) {
      const last = lines.slice(index + 1).every((rest) => rest.trim() === '');
      if (last) break;
      throw new Error(`simulated AWS state log ${log}: line ${index + 1} is not JSON`, { cause: error });
    }
  }
  return entries;
};

/** Reads `file` (and its log) when it exists; a file that does not parse is an error, never silently replaced. */
export const loadState = (file: string): SimState => {
  const entries = readLog(file);
  if (!existsSync(file) && entries.length === 0) return emptyState();
  const raw: unknown = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : emptyState();
  const base = simStateSchema.safeParse(raw);
  if (!base.success) {
    throw new Error(`simulated AWS state file ${file} is not valid: ${base.error.message}`);
  }
  if (entries.length === 0) return base.data;
  const parsed = simStateSchema.safeParse(applyEntries(base.data, entries));
  if (!parsed.success) {
    throw new Error(`simulated AWS state log ${logFileOf(file)} is not valid: ${parsed.error.message}`);
  }
  return parsed.data;
};

/** Appends one call's line to the log of `file` (making the folder on the first write). */
export const appendEntry = (file: string, entry: JournalEntry): number => {
  const line = `${JSON.stringify(entry)}\n`;
  try {
    appendFileSync(logFileOf(file), line);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dirname(file), { recursive: true });
    appendFileSync(logFileOf(file), line);
  }
  return line.length;
};

/**
 * Writes `state` to `file` atomically (temp file then rename), so a crash never leaves half a file,
 * then empties its log (whose lines the snapshot holds). Compact: the file is for the simulator
 * (`jq .` indents it). Returns the snapshot's size.
 */
export const saveState = (file: string, state: SimState): number => {
  const temp = `${file}.${process.pid}.tmp`;
  const text = `${JSON.stringify(state)}\n`;
  try {
    writeFileSync(temp, text);
  } catch (error) {
    // The folder is made on the first save only, not on every one.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(temp, text);
  }
  renameSync(temp, file);
  // Replaying a line the snapshot already holds changes nothing: a crash here loses nothing.
  rmSync(logFileOf(file), { force: true });
  return text.length;
};
