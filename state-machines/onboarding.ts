import { choice, compensate, final, forward, pause } from './builders.ts';
import { initialContext, sagaSetup } from './setup.ts';

/**
 * Onboarding: reserve the tenant, create its tier's resources, wait until the target group reports a
 * healthy target, activate, notify. A failure undoes the completed steps in reverse order, marks the
 * tenant failed and notifies; a failure before the tenant is reserved only notifies.
 */
export const onboardingMachine = sagaSetup.createMachine({
  id: 'onboarding',
  context: initialContext('onboarding'),
  initial: 'ValidateRequest',
  states: {
    ValidateRequest: forward('ValidateRequest', 'ReserveTenant', 'NotifyFailure'),
    ReserveTenant: forward('ReserveTenant', 'ChooseTier', 'NotifyFailure'),
    ChooseTier: choice(
      [
        ['isPremium', 'CreateCluster'],
        ['isAdvanced', 'RegisterTaskDefinition'],
      ],
      'ActivateTenant',
    ),
    CreateCluster: forward('CreateCluster', 'RegisterTaskDefinition', 'MarkFailed'),
    RegisterTaskDefinition: forward('RegisterTaskDefinition', 'CreateTargetGroup', 'HasCluster'),
    CreateTargetGroup: forward('CreateTargetGroup', 'CreateListenerRule', 'DeregisterTaskDefinition'),
    CreateListenerRule: forward('CreateListenerRule', 'CreateService', 'DeleteTargetGroup'),
    CreateService: forward('CreateService', 'WaitForHealthy', 'DeleteListenerRule'),
    // WaitForHealthy throws once its attempt bound is reached, which ends the loop.
    WaitForHealthy: forward('WaitForHealthy', 'IsHealthy', 'DeleteService'),
    IsHealthy: choice([['isHealthy', 'ActivateTenant']], 'WaitBeforeHealthCheck'),
    WaitBeforeHealthCheck: pause('healthPoll', 'WaitForHealthy'),
    ActivateTenant: forward('ActivateTenant', 'NotifySuccess', 'HasService'),
    NotifySuccess: forward('NotifySuccess', 'Succeeded', 'Failed'),
    // Compensations, in reverse order of creation.
    HasService: choice([['isBasic', 'MarkFailed']], 'DeleteService'),
    DeleteService: compensate('DeleteService', 'DeleteListenerRule'),
    DeleteListenerRule: compensate('DeleteListenerRule', 'DeleteTargetGroup'),
    DeleteTargetGroup: compensate('DeleteTargetGroup', 'DeregisterTaskDefinition'),
    DeregisterTaskDefinition: compensate('DeregisterTaskDefinition', 'HasCluster'),
    HasCluster: choice([['isPremium', 'DeleteCluster']], 'MarkFailed'),
    DeleteCluster: compensate('DeleteCluster', 'MarkFailed'),
    MarkFailed: compensate('MarkFailed', 'NotifyFailure'),
    NotifyFailure: compensate('NotifyFailure', 'Failed'),
    Succeeded: final,
    Failed: final,
  },
});
