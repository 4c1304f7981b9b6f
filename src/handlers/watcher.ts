/** Composition root of the execution watcher Lambda: clients and adapters built once per container. */
import { loadConfig } from '../config.ts';
import { makeWatcherHandler } from './make-watcher.ts';
import { observability } from './observability.ts';
import { awsClients, stepDeps } from './wiring.ts';

const config = loadConfig(process.env);
const ports = stepDeps(config, awsClients(config.region));

export const handler = makeWatcherHandler(
  { config, tenants: ports.tenants, ledger: ports.ledger, events: ports.events, now: () => new Date() },
  observability('watcher'),
);
