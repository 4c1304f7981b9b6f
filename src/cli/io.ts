/** Where a command writes: stdout for results, stderr for progress and diagnostics. */
export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

// C0 controls (tab and ESC included), DEL and C1 controls: never printed raw.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * A line as a terminal should show it: every control character written as an escape, so a tenant
 * name holding a newline or an ANSI sequence cannot forge a line or repaint the screen. JSON output
 * is unchanged by this (JSON.stringify already escapes them).
 */
export const printable = (line: string): string =>
  line.replace(CONTROL, (char) => NAMED[char] ?? `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);

let pipeWatched = false;
/**
 * A reader that goes away (`tenantflow list | head -1`) is not an error: the output is simply no
 * longer wanted, so the process ends quietly with the exit code it has.
 */
const watchPipes = (): void => {
  if (pipeWatched) return;
  pipeWatched = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
};

/** Text with line breaks kept (help, JSON lines): every other control character escaped. */
const printableLines = (text: string): string => text.split('\n').map(printable).join('\n');

const SGR = {
  green: '\u001b[32m',
  red: '\u001b[31m',
  yellow: '\u001b[33m',
  bold: '\u001b[1m',
  reset: '\u001b[0m',
};
const MARK_COLOUR: Record<string, string> = { '✓': SGR.green, '✗': SGR.red, '↩': SGR.yellow };
const OUTCOME_COLOUR: Record<string, string> = { SUCCEEDED: SGR.green, FAILED: SGR.red, REJECTED: SGR.red };

/**
 * Colour for a terminal, added after escaping (so only the CLI's own sequences reach it): step marks,
 * execution headers and outcomes. Off unless `enabled` (a TTY, and no `NO_COLOR`).
 */
export const colourise = (line: string, enabled: boolean): string => {
  if (!enabled) return line;
  return line
    .replace(
      /^( {2})([✓✗↩])/,
      (_all, indent: string, mark: string) => `${indent}${MARK_COLOUR[mark]}${mark}${SGR.reset}`,
    )
    .replace(/^▶ /, `${SGR.bold}▶${SGR.reset} `)
    .replace(
      /→ (SUCCEEDED|FAILED|REJECTED)\b/,
      (_all, outcome: string) => `→ ${OUTCOME_COLOUR[outcome]}${outcome}${SGR.reset}`,
    );
};

/** Whether `stream` gets colour: a terminal, and `NO_COLOR` unset or empty (no-color.org). */
const wantsColour = (stream: NodeJS.WriteStream): boolean => stream.isTTY === true && !process.env.NO_COLOR;

/**
 * The process's own streams. The text builders escape free text (names, reasons) with
 * {@link printable}, line breaks included; what reaches a stream has no other control character.
 */
export const processIo: CliIo = {
  out: (line) => {
    watchPipes();
    process.stdout.write(`${colourise(printableLines(line), wantsColour(process.stdout))}\n`);
  },
  err: (line) => {
    watchPipes();
    process.stderr.write(`${colourise(printableLines(line), wantsColour(process.stderr))}\n`);
  },
};

/**
 * `--verbose`: Powertools logs and metric blobs go to stderr like every other diagnostic, so stdout
 * keeps only results (`--json` stays parseable). Powertools writes through the global console in its
 * dev mode; that console's stdout methods are pointed at stderr (the CLI itself never uses them).
 * Call before the runtime makes its loggers.
 */
export const powertoolsToStderr = (): void => {
  process.env.POWERTOOLS_DEV = 'true';
  // Dev mode would turn metrics off: verbose is asked for to see them.
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  console.log = console.error;
  console.info = console.error;
  console.debug = console.error;
};

/** Exit codes: 0 done, 1 the work failed, 2 the command line (or a file it names) was unusable. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
