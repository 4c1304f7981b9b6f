import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Events read from files, or the one-line reason a path could not be read. */
export type LoadedEvents =
  | {
      ok: true;
      events: unknown[];
      /** Where each event came from: its file, with `[i]` when the file holds several. */
      sources: string[];
    }
  | { ok: false; message: string };

const readJson = async (file: string): Promise<unknown[]> => {
  const text = await readFile(file, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  return Array.isArray(parsed) ? parsed : [parsed];
};

/**
 * Reads EventBridge events from files and directories, in the order given: a file holds one event
 * or an array of them; a directory contributes its `*.json` files (not recursive) in name order, or,
 * given `rankOf`, by the rank of each file's first event, then name (a folder of a tenant's events
 * runs in the order of its life, whatever the files are called).
 */
export const loadEvents = async (
  paths: readonly string[],
  rankOf?: (event: unknown) => number,
): Promise<LoadedEvents> => {
  const events: unknown[] = [];
  const sources: string[] = [];
  const add = (file: string, read: unknown[]) => {
    events.push(...read);
    sources.push(...read.map((_, i) => (read.length > 1 ? `${file}[${i}]` : file)));
  };
  try {
    for (const path of paths) {
      const info = await stat(path).catch(() => undefined);
      if (!info) return { ok: false, message: `${path}: no such file or directory` };
      if (info.isDirectory()) {
        const names = (await readdir(path)).filter((name) => name.endsWith('.json')).sort();
        const files = await Promise.all(
          names.map(async (name) => ({ name, events: await readJson(join(path, name)) })),
        );
        const rank = (file: { events: unknown[] }) => (rankOf ? rankOf(file.events[0]) : 0);
        files.sort((a, b) => rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        for (const file of files) add(join(path, file.name), file.events);
      } else {
        add(path, await readJson(path));
      }
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, message: message.split('\n')[0] ?? message };
  }
  return { ok: true, events, sources };
};
