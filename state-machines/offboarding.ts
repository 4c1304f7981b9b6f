import { choice, compensate, final, forward } from './builders.ts';
import { initialContext, sagaSetup } from './setup.ts';

/**
 * Offboarding: lock the tenant, delete its resources in reverse order of creation, remove it from
 * the tenant map, notify. Deletions treat "not found" as done, so a basic tenant passes through
 * them untouched. Any failure after the lock marks the tenant failed and notifies.
 */
export const offboardingMachine = sagaSetup.createMachine({
  id: 'offboarding',
  context: initialContext('offboarding'),
  initial: 'ValidateRequest',
  states: {
    ValidateRequest: forward('ValidateRequest', 'LockTenant', 'NotifyFailure'),
    LockTenant: forward('LockTenant', 'DeleteService', 'NotifyFailure'),
    DeleteService: forward('DeleteService', 'DeleteListenerRule', 'MarkFailed'),
    DeleteListenerRule: forward('DeleteListenerRule', 'DeleteTargetGroup', 'MarkFailed'),
    DeleteTargetGroup: forward('DeleteTargetGroup', 'DeregisterTaskDefinition', 'MarkFailed'),
    DeregisterTaskDefinition: forward('DeregisterTaskDefinition', 'HasCluster', 'MarkFailed'),
    HasCluster: choice([['isPremium', 'DeleteCluster']], 'RemoveTenant'),
    DeleteCluster: forward('DeleteCluster', 'RemoveTenant', 'MarkFailed'),
    RemoveTenant: forward('RemoveTenant', 'NotifySuccess', 'MarkFailed'),
    NotifySuccess: forward('NotifySuccess', 'Succeeded', 'Failed'),
    MarkFailed: compensate('MarkFailed', 'NotifyFailure'),
    NotifyFailure: compensate('NotifyFailure', 'Failed'),
    Succeeded: final,
    Failed: final,
  },
});
