/** Handler factories (the composition roots `ingress.ts`, `step.ts`, `watcher.ts` export `handler`). */
export { makeAuditHandler } from './make-audit.ts';
export { makeIngressHandler } from './make-ingress.ts';
export { makeStepHandler } from './make-step.ts';
export { makeWatcherHandler } from './make-watcher.ts';
export { lifecycleContext } from './middleware/lifecycle-context.ts';
export { logOf, type Observability, untracedObservability } from './observability.ts';
export { type AwsClients, awsClients, stepDeps } from './wiring.ts';
