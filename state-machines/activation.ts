import { compensate, final, forward } from './builders.ts';
import { initialContext, sagaSetup } from './setup.ts';

/**
 * Activation and deactivation (the request says which): lock the tenant, scale its service, record
 * the new state, notify. A failure after the lock marks the tenant failed and notifies.
 */
export const activationMachine = sagaSetup.createMachine({
  id: 'activation',
  context: initialContext('activation'),
  initial: 'ValidateRequest',
  states: {
    ValidateRequest: forward('ValidateRequest', 'LockTenant', 'NotifyFailure'),
    LockTenant: forward('LockTenant', 'ScaleService', 'NotifyFailure'),
    ScaleService: forward('ScaleService', 'SetActivation', 'MarkFailed'),
    SetActivation: forward('SetActivation', 'NotifySuccess', 'MarkFailed'),
    NotifySuccess: forward('NotifySuccess', 'Succeeded', 'Failed'),
    MarkFailed: compensate('MarkFailed', 'NotifyFailure'),
    NotifyFailure: compensate('NotifyFailure', 'Failed'),
    Succeeded: final,
    Failed: final,
  },
});
