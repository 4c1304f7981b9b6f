/** Composition root of the step dispatcher Lambda: clients and adapters built once per container. */
import { loadConfig } from '../config.ts';
import { observability } from './lambda-observability.ts';
import { makeStepHandler } from './make-step.ts';
import { logOf } from './observability.ts';
import { awsClients, stateMachineArns, stepDeps, workflowStarter } from './wiring.ts';

const config = loadConfig(process.env);
const obs = observability('step');
const clients = awsClients(config.region);

export const handler = makeStepHandler(
  stepDeps(config, clients, {
    log: logOf(obs.logger),
    // The rollout's steps start and read the update executions of its tenants.
    workflows: workflowStarter(clients, stateMachineArns(process.env)),
  }),
  obs,
);
