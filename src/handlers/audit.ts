/** Composition root of the scheduled audit Lambda. */
import { loadConfig } from '../config.ts';
import { observability } from './lambda-observability.ts';
import { makeAuditHandler } from './make-audit.ts';
import { awsClients, stepDeps } from './wiring.ts';

const config = loadConfig(process.env);
const ports = stepDeps(config, awsClients(config.region));

export const handler = makeAuditHandler(
  { tenants: ports.tenants, now: () => new Date() },
  observability('audit'),
);
