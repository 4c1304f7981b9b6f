/** Composition root of the execution watcher Lambda: clients and adapters built once per container. */
import { loadConfig } from '../config.ts';
import { observability } from './lambda-observability.ts';
import { makeWatcherHandler } from './make-watcher.ts';
import { awsClients, stateMachineArns, stepDeps, workflowStarter } from './wiring.ts';

const config = loadConfig(process.env);
const clients = awsClients(config.region);
const ports = stepDeps(config, clients);

export const handler = makeWatcherHandler(
  {
    config,
    tenants: ports.tenants,
    ledger: ports.ledger,
    events: ports.events,
    starter: workflowStarter(clients, stateMachineArns(process.env)),
    now: () => new Date(),
  },
  observability('watcher'),
);
