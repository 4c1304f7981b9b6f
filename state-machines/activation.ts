import { choice, compensate, final, forward, pause } from './builders.ts';
import { initialContext, sagaSetup } from './setup.ts';

/**
 * Activation and deactivation (the request says which): lock the tenant (waiting while another
 * execution holds it), scale its own service if it has one, record the new state, notify. A failure
 * after the lock marks the tenant failed and notifies.
 */
export const activationMachine = sagaSetup.createMachine({
  id: 'activation',
  context: initialContext('activation'),
  initial: 'ValidateRequest',
  states: {
    ValidateRequest: forward('ValidateRequest', 'LockTenant', 'NotifyFailure'),
    // A failure once the lock may be taken goes through MarkFailed, which frees it if it is ours.
    LockTenant: forward('LockTenant', 'HoldsLock', 'MarkFailed'),
    HoldsLock: choice([['holdsLock', 'ScaleService']], 'WaitForLock'),
    WaitForLock: pause('lockPoll', 'LockTenant'),
    ScaleService: forward('ScaleService', 'SetActivation', 'MarkFailed'),
    SetActivation: forward('SetActivation', 'NotifySuccess', 'ConfirmCommitted'),
    // SetActivation's one write ends the operation: if it went through, nothing is marked failed.
    ConfirmCommitted: compensate('ConfirmCommitted', 'WasCommitted', 'MarkFailed'),
    WasCommitted: choice([['committed', 'NotifySuccess']], 'MarkFailed'),
    NotifySuccess: forward('NotifySuccess', 'Succeeded', 'Failed'),
    MarkFailed: compensate('MarkFailed', 'NotifyFailure'),
    NotifyFailure: compensate('NotifyFailure', 'Failed'),
    Succeeded: final,
    Failed: final,
  },
});
