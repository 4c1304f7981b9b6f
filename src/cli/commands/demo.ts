import { join } from 'node:path';
import { createLocalRuntime, NotAStateDirError, StateDirBusyError } from '../../local/runtime/index.ts';
import { ensureStateDir } from '../../local/runtime/state-dir.ts';
import { projectPath } from '../../project-root.ts';
import type { Command } from '../args.ts';
import { type CliIo, EXIT } from '../io.ts';
import { loadEvents } from '../load-events.ts';
import { inventoryText, tenantText } from '../output.ts';
import { progressPrinter } from '../progress.ts';
import { resetStateDir } from './local.ts';

/**
 * The sample events the demo replays, in order: three onboardings (one per tier), the basic tenant
 * moved to advanced (a migration), the premium tenant put on a new release (an update), then an
 * offboarding.
 */
export const DEMO_SAMPLES = [
  'onboarding-basic.json',
  'onboarding-advanced.json',
  'onboarding-premium.json',
  'migrate-basic.json',
  'update-premium.json',
  'offboarding-advanced.json',
] as const;

const samplesDir = projectPath('events', 'samples');

/**
 * `demo` (what `npm start` runs): a fresh simulated AWS under `<state-dir>/demo`, the sample
 * lifecycle replayed through the committed ASL with a progress line per step, the status events that
 * would go back to SBT, then the tenant map and the inventory.
 */
export const demo = async (command: Extract<Command, { name: 'demo' }>, io: CliIo): Promise<number> => {
  const stateDir = join(command.stateDir, 'demo');
  try {
    // The demo's cloud lives inside the state dir, which the other commands then use: it is made
    // (and marked) here, so the commands the demo suggests work in it straight away.
    ensureStateDir(command.stateDir, 'create');
    const done = resetStateDir(stateDir);
    if (done !== true) {
      io.err(`tenantflow: ${done}`);
      return EXIT.usage;
    }
  } catch (error) {
    if (error instanceof NotAStateDirError) {
      io.err(`tenantflow: ${error.message}`);
      return EXIT.usage;
    }
    if (!(error instanceof StateDirBusyError)) throw error;
    io.err(`tenantflow: ${error.message} (a demo is already running there)`);
    return EXIT.usage;
  }
  const loaded = await loadEvents(DEMO_SAMPLES.map((name) => join(samplesDir, name)));
  if (!loaded.ok) {
    io.err(`tenantflow: ${loaded.message}`);
    return EXIT.usage;
  }
  const banner = [
    '──────────────────────────────────────────────────────────────────────────────',
    ' tenantflow — the embedded default',
    ' Everything runs on this machine against a SIMULATED AWS: no account, no credentials,',
    ' nothing leaves the machine. The production handlers and adapters run unchanged; the',
    ' committed Step Functions definitions run in a local interpreter; the tenant map is a',
    ' local DynamoDB (dynalite). Simulated delays and waits are shortened.',
    ` State: ${stateDir}`,
    '──────────────────────────────────────────────────────────────────────────────',
  ];
  for (const line of banner) io.out(line);
  const started = Date.now();
  const progress = progressPrinter(io.out);
  const runtime = await createLocalRuntime({
    stateDir,
    engine: 'asl',
    verbose: command.verbose,
    onProgress: progress.onProgress,
  });
  try {
    io.out(runtime.describe());
    for (const [index, raw] of loaded.events.entries()) {
      io.out('');
      io.out(`▶ ${DEMO_SAMPLES[index] ?? `event ${index + 1}`}`);
      const [result] = await runtime.replay([raw]);
      progress.flush();
      if (!result) continue;
      io.out(`  → ${result.outcome.toUpperCase()}${result.error ? `: ${result.error}` : ''}`);
      if (result.statusEvent) {
        io.out(
          `  status event back to SBT: ${result.statusEvent['detail-type']} (source ${result.statusEvent.source})`,
        );
        io.out(`    ${JSON.stringify(result.statusEvent.detail)}`);
      }
    }
    io.out('');
    io.out('Tenant map (DynamoDB):');
    for (const record of await runtime.tenants())
      for (const line of tenantText(record, false)) io.out(`  ${line}`);
    io.out('');
    io.out('Inventory:');
    for (const line of inventoryText(runtime.describe(), runtime.inventory())) io.out(`  ${line}`);
  } finally {
    await runtime.close();
  }
  io.out('');
  io.out(
    `Done in ${((Date.now() - started) / 1000).toFixed(1)} s. The demo's cloud stays in ${stateDir}; look around:`,
  );
  // The first sample's tenant (the basic one the demo migrates).
  const tenant =
    (loaded.events[0] as { detail?: { tenantId?: string } } | undefined)?.detail?.tenantId ?? '<tenantId>';
  for (const next of [
    'list',
    `status ${tenant}`,
    'inventory',
    'reconcile',
    `migrate ${tenant} --to premium`,
    'update --tier advanced --image public.ecr.aws/nginx/nginx:1.28 --dry-run',
  ])
    io.out(`  npx tenantflow ${next} --state-dir ${stateDir}`);
  io.out('  npx tenantflow help');
  return EXIT.ok;
};
