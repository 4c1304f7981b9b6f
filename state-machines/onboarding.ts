import { RESOURCE_KINDS } from '../src/domain/resource-kinds.ts';
import { choice, compensate, final, forward, pause } from './builders.ts';
import { compensationChain, creationChain, firstRemoval, placeChoice } from './resource-chains.ts';
import { initialContext, sagaSetup } from './setup.ts';

/** The way back once something may have been created: every kind's removal, in removal order. */
const UNDO = firstRemoval(RESOURCE_KINDS, 'MarkFailed');

/**
 * Onboarding: reserve the tenant (recording its placement), remove what a failed earlier placement
 * left, admit it against the AWS quotas its placement uses, create the placement's resources, wait until the target group reports a healthy target,
 * activate, notify. A failure undoes the completed steps in reverse order, marks the tenant failed
 * and notifies; a failure before the tenant is reserved only notifies.
 *
 * A failed forward step starts with its OWN compensation: the step may have created its resource and
 * died before recording it (a crash, a failed checkpoint, a priority claimed but no rule made).
 * Compensations find resources by their deterministic names and tags and treat "not found" as done,
 * and one with nothing of its placement to remove returns at once, so every failure takes one chain.
 */
export const onboardingMachine = sagaSetup.createMachine({
  id: 'onboarding',
  context: initialContext('onboarding'),
  initial: 'ValidateRequest',
  states: {
    ValidateRequest: forward('ValidateRequest', 'ReserveTenant', 'NotifyFailure'),
    // A failure once the lock may be taken goes through MarkFailed, which frees it if it is ours.
    ReserveTenant: forward('ReserveTenant', 'RemoveLeftovers', 'MarkFailed'),
    RemoveLeftovers: forward('RemoveLeftovers', 'AdmitTenant', 'MarkFailed'),
    // Nothing is created before the placement is known to fit the AWS quotas it uses.
    AdmitTenant: forward('AdmitTenant', 'Place', 'MarkFailed'),
    Place: placeChoice(RESOURCE_KINDS, 'ActivateTenant'),
    // Each creation fails into its own removal: it may have made its resource and died before recording it.
    ...creationChain(RESOURCE_KINDS, { exit: 'WaitForHealthy' }),
    // WaitForHealthy throws once its attempt bound is reached, which ends the loop.
    WaitForHealthy: forward('WaitForHealthy', 'IsHealthy', UNDO),
    IsHealthy: choice([['isHealthy', 'InviteAdmin']], 'WaitBeforeHealthCheck'),
    WaitBeforeHealthCheck: pause('healthPoll', 'WaitForHealthy'),
    // The admin's invitation goes out only once the tenant serves (a tenant with its own user pool).
    InviteAdmin: forward('InviteAdmin', 'ActivateTenant', UNDO),
    ActivateTenant: forward('ActivateTenant', 'NotifySuccess', 'ConfirmCommitted'),
    // ActivateTenant's one write ends the operation: if it went through, nothing is undone.
    ConfirmCommitted: compensate('ConfirmCommitted', 'WasCommitted', UNDO),
    WasCommitted: choice([['committed', 'NotifySuccess']], UNDO),
    NotifySuccess: forward('NotifySuccess', 'Succeeded', 'Failed'),
    // Compensations, in reverse order of creation.
    ...compensationChain(RESOURCE_KINDS, 'MarkFailed'),
    MarkFailed: compensate('MarkFailed', 'NotifyFailure'),
    NotifyFailure: compensate('NotifyFailure', 'Failed'),
    Succeeded: final,
    Failed: final,
  },
});
