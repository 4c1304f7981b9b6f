import { choice, compensate, final, forward, pause } from './builders.ts';
import { initialContext, sagaSetup } from './setup.ts';

/**
 * A release update of one tenant, served throughout: lock the tenant (waiting while another execution
 * holds it), note what it runs, register the release's revision, deploy it, wait until the deployment
 * has completed with healthy targets, record the release, retire the revision it ran. Any failure goes back in reverse: the
 * service on its previous revision (waiting until that deployment completes), the new revision
 * removed, the tenant as it was with the reason. An update answers nobody at SBT (nothing SBT keeps
 * changes); the rollout that sent it reports.
 */
export const updateMachine = sagaSetup.createMachine({
  id: 'update',
  context: initialContext('update'),
  initial: 'ValidateRequest',
  states: {
    ValidateRequest: forward('ValidateRequest', 'LockTenant', 'NotifyFailure'),
    // Failing where the lock may be taken: AbandonUpdate frees it if it was, changing nothing else.
    LockTenant: forward('LockTenant', 'HoldsLock', 'AbandonUpdate'),
    HoldsLock: choice([['holdsLock', 'PlanUpdate']], 'WaitForLock'),
    WaitForLock: pause('lockPoll', 'LockTenant'),
    PlanUpdate: forward('PlanUpdate', 'RegisterRelease', 'AbandonUpdate'),
    RegisterRelease: forward('RegisterRelease', 'DeployRelease', 'DeregisterRelease'),
    // From here the service may run the new revision: the way back starts with the rollback.
    DeployRelease: forward('DeployRelease', 'WaitForDeployment', 'RollBackRelease'),
    WaitForDeployment: forward('WaitForDeployment', 'IsDeployed', 'RollBackRelease'),
    IsDeployed: choice([['isDeployed', 'CommitRelease']], 'WaitBeforeDeploymentCheck'),
    WaitBeforeDeploymentCheck: pause('healthPoll', 'WaitForDeployment'),
    CommitRelease: forward('CommitRelease', 'RetireRevisions', 'ConfirmCommitted'),
    // CommitRelease's one write ends the update: if it went through, nothing is rolled back.
    ConfirmCommitted: compensate('ConfirmCommitted', 'WasCommitted', 'RollBackRelease'),
    WasCommitted: choice([['committed', 'RetireRevisions']], 'RollBackRelease'),
    // Tidying after the commit: a revision that will not go is left to reconcile (an orphan).
    RetireRevisions: compensate('RetireRevisions', 'NotifySuccess'),
    NotifySuccess: forward('NotifySuccess', 'Succeeded', 'Failed'),
    // Going back, in reverse. A rollback that cannot finish goes on (recorded): the tenant ends FAILED.
    RollBackRelease: compensate('RollBackRelease', 'RolledBack', 'DeregisterRelease'),
    RolledBack: choice([['isRolledBack', 'DeregisterRelease']], 'WaitBeforeRollbackCheck'),
    WaitBeforeRollbackCheck: pause('healthPoll', 'RollBackRelease'),
    DeregisterRelease: compensate('DeregisterRelease', 'AbandonUpdate'),
    AbandonUpdate: compensate('AbandonUpdate', 'NotifyFailure'),
    NotifyFailure: compensate('NotifyFailure', 'Failed'),
    Succeeded: final,
    Failed: final,
  },
});
