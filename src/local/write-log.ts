/**
 * A file kept as a snapshot and a write log beside it (`<file>.log`): each change is appended as one
 * JSON line, and from time to time the snapshot is rewritten whole and the log removed. A write then
 * costs what it changed, however large the file has grown. A kill can cut only the last line short,
 * and a change whose line is not whole had not returned: that line is left out. Used by the
 * simulated cloud's state (src/local/sim/state-file.ts) and the local execution registry.
 */
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';

/** The log beside `file`. */
export const logFileOf = (file: string): string => `${file}.log`;

/** A file's size in bytes, 0 when there is none. */
export const fileSize = (file: string): number => (existsSync(file) ? statSync(file).size : 0);

/** The lines of `file`'s log, parsed, in order; `describe` names the file in an error. */
export const readLogLines = (file: string, describe: string): unknown[] => {
  const log = logFileOf(file);
  if (!existsSync(log)) return [];
  const lines = readFileSync(log, 'utf8').split('\n');
  const values: unknown[] = [];
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    try {
      values.push(JSON.parse(line));
    } catch (error) {
      if (lines.slice(index + 1).every((rest) => rest.trim() === '')) break;
      throw new Error(`${describe} ${log}: line ${index + 1} is not JSON`, { cause: error });
    }
  }
  return values;
};

/** Appends `values` to `file`'s log, one line each (making the folder on the first write); returns the bytes written. */
export const appendLogLines = (file: string, values: readonly unknown[]): number => {
  const text = values.map((value) => `${JSON.stringify(value)}\n`).join('');
  if (text === '') return 0;
  try {
    appendFileSync(logFileOf(file), text);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dirname(file), { recursive: true });
    appendFileSync(logFileOf(file), text);
  }
  return text.length;
};

/**
 * Writes `value` to `file` as its whole snapshot, atomically (a temp file, then a rename), then
 * removes the log, whose lines the snapshot holds (replayed again, they would change nothing: a kill
 * between the two loses nothing). Returns the snapshot's size.
 */
export const writeSnapshot = (file: string, value: unknown): number => {
  const temp = `${file}.${process.pid}.tmp`;
  const text = `${JSON.stringify(value)}\n`;
  try {
    writeFileSync(temp, text);
  } catch (error) {
    // The folder is made on the first write only, not on every one.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(temp, text);
  }
  renameSync(temp, file);
  rmSync(logFileOf(file), { force: true });
  return text.length;
};
