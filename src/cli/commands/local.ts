import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createLocalRuntime, type LocalRuntime, STATE_MARKER } from '../../local/runtime/index.ts';
import type { Command } from '../args.ts';
import { sagaDiagram } from '../diagram/index.ts';
import { type CliIo, EXIT } from '../io.ts';
import { loadEvents } from '../load-events.ts';
import { inventoryText, resultJson, resultText, tenantText } from '../output.ts';
import { sendToBus } from './to-bus.ts';

type Of<N extends Command['name']> = Extract<Command, { name: N }>;

const withRuntime = async <T>(
  options: Parameters<typeof createLocalRuntime>[0],
  body: (runtime: LocalRuntime) => Promise<T>,
) => {
  const runtime = await createLocalRuntime(options);
  try {
    return await body(runtime);
  } finally {
    await runtime.close();
  }
};

/** `replay`: each event through the ingress handler and its saga, or onto a real bus with `--to-bus`. */
export const replay = async (command: Of<'replay'>, io: CliIo): Promise<number> => {
  const loaded = await loadEvents(command.paths);
  if (!loaded.ok) {
    io.err(`tenantflow: ${loaded.message}`);
    return EXIT.usage;
  }
  if (command.toBus) return (await sendToBus(loaded.events, command.toBus, io)).exitCode;
  const { stateDir, engine, throttle, faults, verbose } = command;
  const options = {
    stateDir,
    engine,
    throttle,
    faults,
    verbose,
    onProgress: (event: { line: string }) => io.err(event.line),
  };
  return withRuntime(options, async (runtime) => {
    if (!command.json) io.err(runtime.describe());
    for (const result of await runtime.replay(loaded.events)) {
      if (command.json) io.out(resultJson(result));
      else for (const line of resultText(result)) io.out(line);
    }
    return EXIT.ok;
  });
};

/** `status` and `list`: the tenant map records with each operation's step history. */
export const tenants = async (command: Of<'status'> | Of<'list'>, io: CliIo): Promise<number> =>
  withRuntime({ stateDir: command.stateDir, engine: 'asl' }, async (runtime) => {
    if (command.name === 'status') {
      const record = await runtime.tenant(command.tenantId);
      if (!record) {
        io.err(`tenantflow: no tenant ${command.tenantId} in the tenant map of ${command.stateDir}`);
        return EXIT.failed;
      }
      if (command.json) io.out(JSON.stringify(record));
      else for (const line of tenantText(record, true)) io.out(line);
      return EXIT.ok;
    }
    const records = (await runtime.tenants()).sort((a, b) => a.tenantId.localeCompare(b.tenantId));
    if (command.json) io.out(JSON.stringify(records));
    else if (records.length === 0) io.out('no tenants');
    else for (const record of records) for (const line of tenantText(record, false)) io.out(line);
    return EXIT.ok;
  });

/** `inventory`: every resource of the simulated cloud and who owns it. */
export const inventory = async (command: Of<'inventory'>, io: CliIo): Promise<number> =>
  withRuntime({ stateDir: command.stateDir, engine: 'asl' }, async (runtime) => {
    if (command.json)
      io.out(
        JSON.stringify({ simulated: true, description: runtime.describe(), resources: runtime.inventory() }),
      );
    else for (const line of inventoryText(runtime.describe(), runtime.inventory())) io.out(line);
    return EXIT.ok;
  });

/** `diagram`: the sagas as SVG, drawn from the xstate models. */
export const diagram = async (command: Of<'diagram'>, io: CliIo): Promise<number> => {
  mkdirSync(dirname(command.out), { recursive: true });
  writeFileSync(command.out, sagaDiagram());
  io.err(`wrote ${command.out}`);
  return EXIT.ok;
};

/** Known entries of a state directory: anything else means it is not ours to empty. */
const STATE_ENTRIES = new Set([STATE_MARKER, 'cloud.json', 'dynamo', 'executions.json', 'demo']);

const looksLikeStateDir = (dir: string): boolean => {
  const entries = readdirSync(dir);
  if (entries.includes(STATE_MARKER)) return true;
  return entries.every((entry) => STATE_ENTRIES.has(entry) || entry.endsWith('.tmp'));
};

/** Empties a state directory; false (and nothing removed) when `dir` does not look like one. */
export const resetStateDir = (dir: string): boolean => {
  if (!existsSync(dir)) return true;
  if (!looksLikeStateDir(dir)) return false;
  for (const entry of readdirSync(dir)) rmSync(join(dir, entry), { recursive: true, force: true });
  return true;
};

/** `reset`. */
export const reset = async (command: Of<'reset'>, io: CliIo): Promise<number> => {
  if (!resetStateDir(command.stateDir)) {
    io.err(
      `tenantflow: ${command.stateDir} does not look like a tenantflow state dir (no ${STATE_MARKER}); not touching it`,
    );
    return EXIT.usage;
  }
  io.err(`emptied ${command.stateDir}`);
  return EXIT.ok;
};
