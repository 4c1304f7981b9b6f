import { RESOURCE_KINDS } from '../src/domain/resource-kinds.ts';
import { choice, compensate, final, forward, pause } from './builders.ts';
import { firstRemoval, removalChain } from './resource-chains.ts';
import { initialContext, sagaSetup } from './setup.ts';

/**
 * Offboarding: lock the tenant (waiting while an onboarding still holds it), delete what the record
 * names in reverse order of creation, leave a DELETED tombstone, notify. Each deletion takes what the
 * record names and the placement's deterministic names, leaves alone anything not tagged as the
 * tenant's, and has nothing to do for a pooled tenant. Any failure after the lock marks the tenant
 * failed and notifies.
 *
 * A cleanup (the watcher's, after an execution died; `request.cleanup`) first waits until that
 * execution's last step invocation has surely ended, then runs the same deletions and leaves the
 * tenant FAILED with nothing left; it answers nobody.
 */
export const offboardingMachine = sagaSetup.createMachine({
  id: 'offboarding',
  context: initialContext('offboarding'),
  initial: 'ValidateRequest',
  states: {
    ValidateRequest: forward('ValidateRequest', 'IsCleanup', 'NotifyFailure'),
    IsCleanup: choice([['isCleanup', 'WaitOutDeadSteps']], 'LockTenant'),
    WaitOutDeadSteps: pause('deadStepGrace', 'LockTenant'),
    // A failure once the lock may be taken goes through MarkFailed, which frees it if it is ours.
    LockTenant: forward('LockTenant', 'HoldsLock', 'MarkFailed'),
    HoldsLock: choice([['holdsLock', firstRemoval(RESOURCE_KINDS, 'RemoveTenant')]], 'WaitForLock'),
    WaitForLock: pause('lockPoll', 'LockTenant'),
    ...removalChain(RESOURCE_KINDS, 'RemoveTenant', 'MarkFailed'),
    RemoveTenant: forward('RemoveTenant', 'NotifySuccess', 'ConfirmCommitted'),
    // RemoveTenant's one write ends the operation: if it went through, nothing is marked failed.
    ConfirmCommitted: compensate('ConfirmCommitted', 'WasCommitted', 'MarkFailed'),
    WasCommitted: choice([['committed', 'NotifySuccess']], 'MarkFailed'),
    NotifySuccess: forward('NotifySuccess', 'Succeeded', 'Failed'),
    MarkFailed: compensate('MarkFailed', 'NotifyFailure'),
    NotifyFailure: compensate('NotifyFailure', 'Failed'),
    Succeeded: final,
    Failed: final,
  },
});
