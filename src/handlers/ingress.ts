/** Composition root of the ingress Lambda: clients and adapters built once per container. */
import { loadConfig } from '../config.ts';
import { observability } from './lambda-observability.ts';
import { makeIngressHandler } from './make-ingress.ts';
import { awsClients, stateMachineArns, stepDeps, workflowStarter } from './wiring.ts';

const config = loadConfig(process.env);
const clients = awsClients(config.region);
const ports = stepDeps(config, clients);

export const handler = makeIngressHandler(
  {
    config,
    starter: workflowStarter(clients, stateMachineArns(process.env)),
    events: ports.events,
    ledger: ports.ledger,
    now: () => new Date(),
  },
  observability('ingress'),
);
