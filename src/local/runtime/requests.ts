/**
 * Requests to the process that holds a state directory, from another tenantflow process (the only
 * one today: abort an execution it runs). A request is a file in `<state dir>/requests/`; the
 * holder answers with a file beside it and removes the request. Files, not sockets: they work
 * wherever the state directory does, and a request left by a process that gave up is just removed.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const REQUESTS = 'requests';
const POLL_MS = 100;

/** The answer to an abort request. */
export interface AbortAnswer {
  execution: string;
  /** ABORTED when it was stopped; otherwise how it stands (it was not running here). */
  status: string;
  detail?: string;
}

const answerSchema = z.object({ execution: z.string(), status: z.string(), detail: z.string().optional() });

const requestFile = (dir: string, execution: string) => join(dir, REQUESTS, `abort-${execution}.json`);
const answerFile = (dir: string, execution: string) => join(dir, REQUESTS, `abort-${execution}.answer.json`);

const writeAtomically = (file: string, text: string): void => {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, file);
};

/**
 * Asks the holder of `dir` to abort `execution`; resolves with its answer, or `undefined` when none
 * came within `timeoutMs`.
 */
export const requestAbort = async (
  dir: string,
  execution: string,
  timeoutMs = 30_000,
): Promise<AbortAnswer | undefined> => {
  mkdirSync(join(dir, REQUESTS), { recursive: true });
  rmSync(answerFile(dir, execution), { force: true });
  writeAtomically(requestFile(dir, execution), JSON.stringify({ execution, at: new Date().toISOString() }));
  for (const until = Date.now() + timeoutMs; Date.now() < until; ) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const file = answerFile(dir, execution);
    if (!existsSync(file)) continue;
    const answer = answerSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    rmSync(file, { force: true });
    if (answer.success) return answer.data;
  }
  rmSync(requestFile(dir, execution), { force: true });
  return undefined;
};

/**
 * Serves abort requests for the holder of `dir` until the returned stop function is called. The
 * poll timer never keeps the process alive on its own.
 */
export const serveAbortRequests = (
  dir: string,
  abort: (execution: string) => Promise<AbortAnswer>,
): (() => void) => {
  const folder = join(dir, REQUESTS);
  let busy = false;
  const poll = async () => {
    if (busy || !existsSync(folder)) return;
    busy = true;
    try {
      for (const name of readdirSync(folder)) {
        const match = /^abort-(.+)\.json$/.exec(name);
        if (!match?.[1] || name.endsWith('.answer.json')) continue;
        const execution = match[1];
        rmSync(join(folder, name), { force: true });
        const answer = await abort(execution).catch(
          (error: unknown): AbortAnswer => ({ execution, status: 'ERROR', detail: String(error) }),
        );
        writeAtomically(answerFile(dir, execution), JSON.stringify(answer));
      }
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void poll(), POLL_MS);
  timer.unref();
  return () => clearInterval(timer);
};
