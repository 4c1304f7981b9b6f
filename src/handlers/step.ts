/** Composition root of the step dispatcher Lambda: clients and adapters built once per container. */
import { loadConfig } from '../config.ts';
import { makeStepHandler } from './make-step.ts';
import { logOf, observability } from './observability.ts';
import { awsClients, stepDeps } from './wiring.ts';

const config = loadConfig(process.env);
const obs = observability('step');

export const handler = makeStepHandler(
  stepDeps(config, awsClients(config.region), { log: logOf(obs.logger) }),
  obs,
);
