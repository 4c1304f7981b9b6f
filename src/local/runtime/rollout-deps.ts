import type { RolloutDeps } from '../../app/rollout.ts';
import { RequestNotRunError, type Runtime } from './runtime.ts';

/**
 * What a rollout needs, from a runtime (the embedded default or `--target aws`): each tenant's update
 * runs as a replayed update request; one the runtime will not start (the tenant is held, or gone) is
 * a failed update of that tenant, not an error of the rollout.
 */
export const rolloutDepsOf = (runtime: Runtime): RolloutDeps => ({
  tenants: () => runtime.tenants(),
  tenant: (id) => runtime.tenant(id),
  update: async (id, release) => {
    try {
      const result = await runtime.update(id, release);
      return { outcome: result.outcome, ...(result.error ? { error: result.error } : {}) };
    } catch (error) {
      if (!(error instanceof RequestNotRunError)) throw error;
      return { outcome: 'failed', error: error.message };
    }
  },
  initialRelease: (tier) => runtime.initialRelease(tier),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  publish: (event) => runtime.publish(event),
});
