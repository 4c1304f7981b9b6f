import { operationCommitted } from '../domain/tenant-record.ts';
import type { Step } from './types.ts';

/**
 * ConfirmCommitted: runs when an operation's final step (ActivateTenant, RemoveTenant, SetActivation)
 * failed. That step ends the operation with one conditional write; a handler that died after the
 * write went through (a crash, a timeout) fails the step although the operation is done. Then the
 * tenant map says it finished, and nothing must be undone: the saga reports success instead of
 * compensating. A migration is past its point of no return at its commit (CommitMigration): when only
 * its end (FinishMigration) failed, the tenant is on the target, and that is what SBT hears; the
 * execution then ends failed, so the watcher frees the tenant and removes what is left of the source.
 */
export const confirmCommitted: Step = async (state, deps, ctx) => {
  const record = await deps.tenants.get(state.request.tenantId);
  const committed =
    record !== undefined && operationCommitted(record, ctx.execution, state.request.operation);
  if (committed) {
    deps.log.warn('the final step failed after its write went through: reporting success, undoing nothing', {
      tenantId: state.request.tenantId,
      execution: ctx.execution,
    });
  }
  // Committed: the record is what the operation made; the saga goes on from it (NotifySuccess reports it).
  if (committed && record?.placement)
    return { ...state, committed, placement: record.placement, resources: record.resources };
  return { ...state, committed };
};
