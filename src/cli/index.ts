/** The tenantflow CLI. */
export { type Command, DEFAULT_STATE_DIR, parseCommandLine } from './args.ts';
export { type CliIo, EXIT, processIo } from './io.ts';
export { main } from './main.ts';
