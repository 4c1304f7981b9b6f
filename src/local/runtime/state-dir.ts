/**
 * The rules of a local state directory (the simulated cloud, the tenant map, the executions):
 * - it is marked as tenantflow's by `STATE_MARKER`, written only into a new or empty directory, so a
 *   command pointed at a directory of the user's own never adopts it (and `reset` never empties it);
 * - one process uses it at a time: a lock file names the holder's pid; a second process is refused
 *   with `StateDirBusyError` while that pid lives, and takes over a lock its dead holder left;
 * - a command that only reads never creates one: it needs an existing state directory.
 */
import {
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/** The file that marks a directory as a tenantflow state directory. */
export const STATE_MARKER = '.tenantflow-state';

/** The lock file of the process using the directory. */
export const LOCK_FILE = 'lock.json';

/** Entries tenantflow writes into a state directory (anything else is someone else's). */
export const STATE_ENTRIES: ReadonlySet<string> = new Set([
  STATE_MARKER,
  LOCK_FILE,
  'cloud.json',
  // the simulated cloud's write log beside its snapshot (src/local/sim/state.ts)
  'cloud.json.log',
  'dynamo',
  'executions.json',
  // the execution registry's write log beside its snapshot (registry.ts)
  'executions.json.log',
  'requests',
  'demo',
  // --target aws: the registry of executions run in process against AWS (see aws-runtime.ts).
  'aws',
  'target.json',
]);

/** Another live process uses the state directory. */
export class StateDirBusyError extends Error {
  override readonly name = 'StateDirBusyError';
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`state dir ${dir} in use by pid ${pid}`);
  }
}

/** The directory is not a tenantflow state directory (and is not to be made one). */
export class NotAStateDirError extends Error {
  override readonly name = 'NotAStateDirError';
}

const lockSchema = z.object({ pid: z.number().int(), host: z.string(), since: z.string() });

const isLive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const isMarked = (dir: string): boolean => {
  try {
    return statSync(dir).isDirectory() && existsSync(join(dir, STATE_MARKER));
  } catch {
    return false;
  }
};

/**
 * True when `dir` is a state directory: the marker alone makes one (a folder that only holds entries
 * named like ours, `aws` or `demo`, is still the user's).
 */
export const isStateDir = (dir: string): boolean => isMarked(dir);

/** The entries of a state directory tenantflow did not write (a reset refuses to touch them). */
export const foreignEntries = (dir: string): string[] =>
  readdirSync(dir).filter((entry) => !STATE_ENTRIES.has(entry) && !entry.endsWith('.tmp'));

/**
 * A directory `npm start` made before the parent was marked: nothing in it but the demo's own
 * (marked) state directory. It is tenantflow's, and gets its marker.
 */
const onlyTheDemo = (dir: string, entries: readonly string[]): boolean =>
  entries.length === 1 && entries[0] === 'demo' && isMarked(join(dir, 'demo'));

/**
 * Makes sure `dir` is a state directory. `create`: a missing or empty directory becomes one (the
 * marker is written); `existing`: it must already be one. A non-empty directory without the marker
 * is refused either way.
 */
export const ensureStateDir = (dir: string, mode: 'create' | 'existing'): void => {
  if (!existsSync(dir)) {
    if (mode === 'existing')
      throw new NotAStateDirError(`no tenantflow state in ${dir} (nothing has run there yet)`);
    mkdirSync(dir, { recursive: true });
  }
  if (!statSync(dir).isDirectory())
    throw new NotAStateDirError(`${dir} is a file, not a directory: not a tenantflow state dir`);
  const entries = readdirSync(dir);
  if (entries.includes(STATE_MARKER)) return;
  if (mode === 'create' && onlyTheDemo(dir, entries)) {
    writeFileSync(join(dir, STATE_MARKER), MARKER_TEXT);
    return;
  }
  if (entries.length > 0) {
    throw new NotAStateDirError(
      `${dir} is not empty and has no ${STATE_MARKER} marker: not a tenantflow state dir, not using it`,
    );
  }
  if (mode === 'existing')
    throw new NotAStateDirError(`no tenantflow state in ${dir} (nothing has run there yet)`);
  writeFileSync(join(dir, STATE_MARKER), MARKER_TEXT);
};

const MARKER_TEXT =
  'a tenantflow state directory (a simulated cloud, or the executions run against AWS); `tenantflow reset` empties it\n';

/** Who holds the state directory's lock, if a live process does. */
export const lockHolder = (dir: string): number | undefined => {
  const file = join(dir, LOCK_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const lock = lockSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    if (lock.host !== hostname()) return lock.pid;
    return isLive(lock.pid) ? lock.pid : undefined;
  } catch {
    // Unreadable: being written this instant by its new holder, or torn by a crash. Not ours to judge.
    return -1;
  }
};

/** The state directory's lock, held by this process until `release`. */
export interface StateDirLock {
  release(): void;
}

/**
 * Takes the lock of state directory `dir` for this process (atomically: a hard link of a complete
 * file, so nobody ever reads a half-written lock). A lock whose holder is dead is taken over;
 * one held by a live process is `StateDirBusyError`.
 */
export const lockStateDir = (dir: string): StateDirLock => {
  const file = join(dir, LOCK_FILE);
  const mine = join(dir, `${LOCK_FILE}.${process.pid}.tmp`);
  writeFileSync(
    mine,
    JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }),
  );
  try {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        linkSync(mine, file);
        return {
          release: () => {
            try {
              if (lockSchema.parse(JSON.parse(readFileSync(file, 'utf8'))).pid === process.pid)
                unlinkSync(file);
            } catch {
              // Gone already (a reset emptied the directory): nothing to release.
            }
          },
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = lockHolder(dir);
      if (holder !== undefined && holder !== -1) throw new StateDirBusyError(dir, holder);
      if (holder === -1 && attempt < 2) continue;
      // The holder died without letting go (kill -9, a crash): its lock is stale.
      rmSync(file, { force: true });
    }
    throw new StateDirBusyError(dir, lockHolder(dir) ?? -1);
  } finally {
    rmSync(mine, { force: true });
  }
};
