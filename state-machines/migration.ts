import { CREATION_ORDER, PLACEMENT_KINDS, type ResourceKind } from '../src/domain/resource-kinds.ts';
import { choice, compensate, final, forward, pause } from './builders.ts';
import { creationChain, nextCreation, placeChoice } from './resource-chains.ts';
import { initialContext, sagaSetup } from './setup.ts';

/** Whether `kind` is created after the target's group is attached to the tenant's rule. */
const attached = (kind: ResourceKind): boolean =>
  CREATION_ORDER.indexOf(kind) > CREATION_ORDER.indexOf('targetGroup');

/**
 * Tier migration, served throughout: lock the tenant, plan the target placement (next generation),
 * build it with the onboarding's own steps, wait until it is healthy, switch the routing in one ELB
 * change, let requests in flight finish, commit the record to the target, remove the source, release.
 *
 * Before the commit any failure goes back: routing as it was, the target removed, the tenant ACTIVE
 * where it was (RestoreTenant), and a failure event that leaves SBT's registration alone. After the
 * commit only forward: a source that cannot be removed whole stays named on the record, and the
 * execution ends failed so that the watcher's cleanup removes it.
 *
 * A cleanup (the watcher's, after a migration died) plans from the record: back when the switch was
 * not committed, forward when it was; it answers nobody.
 */
export const migrationMachine = sagaSetup.createMachine({
  id: 'migration',
  context: initialContext('migration'),
  initial: 'ValidateRequest',
  states: {
    ValidateRequest: forward('ValidateRequest', 'LockTenant', 'NotifyFailure'),
    // Failing where the lock is taken: RestoreTenant frees it if it was taken, changing nothing else.
    LockTenant: forward('LockTenant', 'HoldsLock', 'RestoreTenant'),
    HoldsLock: choice([['holdsLock', 'PlanMigration']], 'WaitForLock'),
    WaitForLock: pause('lockPoll', 'LockTenant'),
    PlanMigration: forward('PlanMigration', 'AfterPlan', 'RestoreTenant'),
    AfterPlan: choice(
      [
        ['rollsForward', 'RemoveMigrationSource'],
        ['isCleanup', 'SwitchBack'],
      ],
      'Place',
    ),
    Place: placeChoice(PLACEMENT_KINDS, 'SwitchRouting'),
    // The target placement's own kinds (its rule is the routing's: SwitchRouting hands it over).
    ...creationChain(PLACEMENT_KINDS, {
      exit: 'WaitForHealthy',
      // From the attachment on, the target's group hangs on the tenant's rule: SwitchBack lets go of it.
      onError: (kind) => (attached(kind) ? 'SwitchBack' : 'UndoMigrationTarget'),
      after: {
        targetGroup: {
          // ECS takes a service's group only once a load balancer forwards to it: attached at weight 0.
          AttachTargetGroup: forward(
            'AttachTargetGroup',
            nextCreation(PLACEMENT_KINDS, 'targetGroup', 'WaitForHealthy'),
            'SwitchBack',
          ),
        },
      },
    }),
    WaitForHealthy: forward('WaitForHealthy', 'IsHealthy', 'SwitchBack'),
    IsHealthy: choice([['isHealthy', 'SwitchRouting']], 'WaitBeforeHealthCheck'),
    WaitBeforeHealthCheck: pause('healthPoll', 'WaitForHealthy'),
    SwitchRouting: forward('SwitchRouting', 'DrainPrevious', 'SwitchBack'),
    DrainPrevious: pause('drainPrevious', 'CommitMigration'),
    CommitMigration: forward('CommitMigration', 'RemoveMigrationSource', 'SwitchBack'),
    // Past the commit: a source that will not go is recorded, and the migration still finishes.
    RemoveMigrationSource: compensate('RemoveMigrationSource', 'FinishMigration'),
    // Its end failing does not undo a committed migration: SBT hears the success (from the record),
    // and the execution ends failed so that the watcher frees the tenant. Should even that record be
    // unreadable, the watcher reports from it instead.
    FinishMigration: forward('FinishMigration', 'NotifySuccess', 'ConfirmCommitted'),
    ConfirmCommitted: compensate('ConfirmCommitted', 'WasCommitted', 'Failed'),
    WasCommitted: choice([['committed', 'NotifySuccess']], 'Failed'),
    NotifySuccess: forward('NotifySuccess', 'SourceRemoved', 'Failed'),
    // Done, and reported; a source that would not go makes the execution end failed, so the
    // watcher's cleanup removes it (its status event is the success already sent).
    // Ends failed too when FinishMigration could not free the tenant (reported from the commit): the
    // watcher frees it then.
    SourceRemoved: choice(
      [
        ['sourceLeft', 'Failed'],
        ['carriesFailure', 'Failed'],
      ],
      'Succeeded',
    ),
    // Going back, in reverse.
    SwitchBack: compensate('SwitchBack', 'UndoMigrationTarget'),
    UndoMigrationTarget: compensate('UndoMigrationTarget', 'RestoreTenant'),
    RestoreTenant: compensate('RestoreTenant', 'AfterRestore'),
    AfterRestore: choice([['isCleanup', 'Succeeded']], 'NotifyFailure'),
    NotifyFailure: compensate('NotifyFailure', 'Failed'),
    Succeeded: final,
    Failed: final,
  },
});
