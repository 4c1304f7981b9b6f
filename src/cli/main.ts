import { readFileSync } from 'node:fs';
import { parseCommandLine } from './args.ts';
import { demo } from './commands/demo.ts';
import {
  abort,
  diagram,
  executions,
  inventory,
  migrate,
  reconcileCommand,
  replay,
  reset,
  retry,
  tenants,
} from './commands/local.ts';
import { redriveDeadLetters } from './commands/redrive.ts';
import { commandHelp, HELP } from './help.ts';
import { type CliIo, EXIT, processIo } from './io.ts';

/** The version in package.json (read when asked, not at start-up). */
const packageVersion = (): string =>
  (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;

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
        return await replay(command, io);
      case 'status':
      case 'list':
        return await tenants(command, io);
      case 'inventory':
        return await inventory(command, io);
      case 'executions':
        return await executions(command, io);
      case 'abort':
        return await abort(command, io);
      case 'retry':
        return await retry(command, io);
      case 'migrate':
        return await migrate(command, io);
      case 'reconcile':
        return await reconcileCommand(command, io);
      case 'redrive':
        return await redriveDeadLetters(command, io);
      case 'diagram':
        return await diagram(command, io);
      case 'reset':
        return await reset(command, io);
      case 'demo':
        return await demo(command, io);
    }
  } catch (error) {
    io.err(`tenantflow: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    return EXIT.failed;
  }
};
