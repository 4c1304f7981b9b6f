/**
 * The tenantflow CLI as a child process, to be killed or interrupted at chosen points. It runs from
 * an esbuild bundle of src/cli (built once per test run, about a second) rather than through tsx, so
 * a child starts in about 0.7 s instead of two. The children work on prepared state directories, so
 * nothing reads infra/shared.yaml beside the bundle (the simulated shared stack exists already).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/** Under node_modules, so the bundle's own imports (external packages) resolve from the project. */
const OUT = join(ROOT, 'node_modules', '.cache', 'tenantflow-tests');

let built: Promise<string> | undefined;

/** The path of a script that runs the CLI (`node <script> replay …`). */
export const cliScript = (): Promise<string> => {
  built ??= (async () => {
    const { build } = await import('esbuild');
    mkdirSync(OUT, { recursive: true });
    const bundle = join(OUT, `cli.${process.pid}.mjs`);
    await build({
      entryPoints: [join(ROOT, 'src', 'cli', 'main.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      // Everything in one file starts fastest (~0.7 s); dynalite finds its storage modules itself.
      external: ['dynalite'],
      banner: {
        js: "import { createRequire as bundleRequire } from 'node:module'; const require = bundleRequire(import.meta.url);",
      },
      outfile: bundle,
      logLevel: 'silent',
    });
    const runner = join(OUT, `run.${process.pid}.mjs`);
    const temp = `${runner}.tmp`;
    writeFileSync(
      temp,
      [
        "process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';",
        `const { main } = await import(${JSON.stringify(`./cli.${process.pid}.mjs`)});`,
        'process.exitCode = await main(process.argv.slice(2));',
        '',
      ].join('\n'),
    );
    renameSync(temp, runner);
    return runner;
  })();
  return built;
};

/** What to do to the child, and when. */
export interface Interruption {
  /** SIGKILL (a crash, kill -9), or SIGINT once or twice (Ctrl-C). */
  signal: 'SIGKILL' | 'SIGINT' | 'SIGINT twice';
  /** After this many step lines on stderr (0: after the first line of any kind, i.e. during start-up or ingress). */
  afterLines: number;
  /** Then this many milliseconds more. */
  delayMs: number;
}

/** How the child ended. */
export interface ChildEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when the interruption was delivered before the child ended on its own. */
  interrupted: boolean;
  stdout: string;
  stderr: string;
}

/** Runs `node <script> <args>` and interrupts it as `interruption` says. */
export const runInterrupted = async (
  args: readonly string[],
  interruption: Interruption,
): Promise<ChildEnd> => {
  const script = await cliScript();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let lines = 0;
    let seen = 0;
    let interrupted = false;
    const fire = () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      interrupted = true;
      if (interruption.signal === 'SIGKILL') child.kill('SIGKILL');
      else {
        child.kill('SIGINT');
      }
    };
    // The second Ctrl-C goes as soon as the child says it took the first (a fixed delay raced the end
    // of a short last step: the event could finish before it landed).
    let again = false;
    const secondInterrupt = (text: string) => {
      if (interruption.signal !== 'SIGINT twice' || again || !interrupted) return;
      if (!text.includes('interrupted: finishing the running event')) return;
      again = true;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    };
    let armed = false;
    const arm = () => {
      if (armed) return;
      armed = true;
      setTimeout(fire, interruption.delayMs);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      stderr += text;
      secondInterrupt(stderr);
      for (const line of text.split('\n').filter(Boolean)) {
        seen += 1;
        if (/^ {2}[✓✗↩] /.test(line)) lines += 1;
        if (interruption.afterLines === 0 ? seen >= 1 : lines >= interruption.afterLines) arm();
      }
    });
    child.on('close', (code, signal) => resolve({ code, signal, interrupted, stdout, stderr }));
  });
};

/** Removes the bundle this run built (the suite leaves nothing behind). */
export const removeCliScript = async (): Promise<void> => {
  if (!built) return;
  const runner = await built.catch(() => undefined);
  built = undefined;
  if (!runner) return;
  const { rmSync } = await import('node:fs');
  rmSync(runner, { force: true });
  rmSync(join(OUT, `cli.${process.pid}.mjs`), { force: true });
};
