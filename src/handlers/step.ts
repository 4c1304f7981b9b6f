/** Composition root of the step dispatcher Lambda: clients and adapters built once per container. */
import { loadConfig } from '../config.ts';
import { makeStepHandler } from './make-step.ts';
import { observability } from './observability.ts';
import { awsClients, stepDeps } from './wiring.ts';

const config = loadConfig(process.env);

export const handler = makeStepHandler(stepDeps(config, awsClients(config.region)), observability('step'));
