/** Composition root of the scheduled reconciliation Lambda. */
import { TaggingDiscovery } from '../adapters/aws/tagging-discovery.ts';
import { loadConfig } from '../config.ts';
import { observability } from './lambda-observability.ts';
import { makeReconcileHandler } from './make-reconcile.ts';
import { awsClients, stepDeps } from './wiring.ts';

const config = loadConfig(process.env);
const clients = awsClients(config.region);

export const handler = makeReconcileHandler(
  { ...stepDeps(config, clients), discovery: new TaggingDiscovery({ client: clients.tagging }) },
  process.env.RECONCILE_REPAIR === 'true',
  observability('reconcile'),
);
