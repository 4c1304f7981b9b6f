/** Where a command writes: stdout for results, stderr for progress and diagnostics. */
export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** The process's own streams. */
export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Exit codes: 0 done, 1 the work failed, 2 the command line (or a file it names) was unusable. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
