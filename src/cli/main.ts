import { readFileSync } from 'node:fs';
import { projectPath } from '../project-root.ts';
import { parseCommandLine } from './args.ts';
import { commandHelp, HELP } from './help.ts';
import { type CliIo, EXIT, processIo } from './io.ts';

// Commands are imported when run: `help` and `--version` load neither the AWS SDK nor the simulator.
const local = () => import('./commands/local.ts');

/** The version in package.json (read when asked, not at start-up). */
const packageVersion = (): string =>
  (JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { version: string }).version;

/**
 * The `tenantflow` CLI. Returns the exit code: 0 done, 1 the work failed, 2 the command line (or a
 * file it names) was unusable, with a one-line message on stderr.
 */
export const main = async (argv: readonly string[], io: CliIo = processIo): Promise<number> => {
  const parsed = parseCommandLine(argv);
  if (!parsed.ok) {
    io.err(`tenantflow: ${parsed.message}`);
    return EXIT.usage;
  }
  const { command } = parsed;
  try {
    switch (command.name) {
      case 'help':
        io.out((command.topic && commandHelp(command.topic)) || HELP);
        return EXIT.ok;
      case 'version':
        io.out(`tenantflow ${packageVersion()}`);
        return EXIT.ok;
      case 'replay':
        return await (await local()).replay(command, io);
      case 'status':
      case 'list':
        return await (await local()).tenants(command, io);
      case 'inventory':
        return await (await local()).inventory(command, io);
      case 'executions':
        return await (await local()).executions(command, io);
      case 'abort':
        return await (await local()).abort(command, io);
      case 'retry':
        return await (await local()).retry(command, io);
      case 'migrate':
        return await (await local()).migrate(command, io);
      case 'update':
        return await (await local()).update(command, io);
      case 'releases':
        return await (await local()).releases(command, io);
      case 'shards':
        return await (await local()).shards(command, io);
      case 'reconcile':
        return await (await local()).reconcileCommand(command, io);
      case 'follow':
        return await (await local()).follow(command, io);
      case 'alarm':
        return await (await local()).alarm(command, io);
      case 'redrive':
        return await (await import('./commands/redrive.ts')).redriveDeadLetters(command, io);
      case 'diagram':
        return await (await import('./commands/diagram.ts')).diagram(command, io);
      case 'reset':
        return await (await local()).reset(command, io);
      case 'demo':
        return await (await import('./commands/demo.ts')).demo(command, io);
    }
  } catch (error) {
    io.err(`tenantflow: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    return EXIT.failed;
  }
};
