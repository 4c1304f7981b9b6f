import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MACHINE_IDS } from '../../../src/domain/saga.ts';
import { aslDefinitionSchema } from '../../../state-machines/asl.ts';
import { aslPath } from '../../../state-machines/build.ts';
import { CREATION_CHAIN, REMOVAL_CHAIN } from '../../support/resource-steps.ts';
import { walkAsl } from './support/asl-walk.ts';
import { INPUT, modelPaths } from './support/model-paths.ts';

/** Every kind's creation and removal, as the models chain them (a premium tenant owns every kind). */
const CREATE_ALL = CREATION_CHAIN;
const REMOVE_ALL = REMOVAL_CHAIN;

const committed = (machine: (typeof MACHINE_IDS)[number]) =>
  aslDefinitionSchema.parse(JSON.parse(readFileSync(aslPath(machine), 'utf8')));

describe('every path of each model, held against the committed ASL', () => {
  it.each(MACHINE_IDS)(
    '%s: the ASL runs the same steps, ends the same way, with the same state',
    (machine) => {
      // Prepare
      const definition = committed(machine);
      const paths = modelPaths(machine);

      // Act
      const walks = paths.map((path) => walkAsl(definition, INPUT, path.outcomes));

      // Assess
      expect(paths.length).toBeGreaterThan(10);
      walks.forEach((walk, index) => {
        const path = paths[index];
        expect({ steps: walk.steps, end: walk.end, state: walk.state }).toEqual({
          steps: path?.steps,
          end: path?.final === 'Succeeded' ? 'Succeed' : 'Fail',
          state: path?.state,
        });
      });
    },
  );

  it('onboarding: the paths include the briefed happy path of each tier and the premium undo after CreateService', () => {
    // Prepare
    const runs = modelPaths('onboarding').map((path) => `${path.steps.join(' > ')} => ${path.final}`);
    const premiumHappy = [
      'ValidateRequest',
      'ReserveTenant',
      'RemoveLeftovers',
      'AdmitTenant',
      ...CREATE_ALL,
      'WaitForHealthy',
      'WaitForHealthy',
      'InviteAdmin',
      'ActivateTenant',
      'NotifySuccess',
    ];
    // CreateService failing: its own removal first, then the rest in reverse order.
    const premiumUndo = [
      ...premiumHappy.slice(0, premiumHappy.indexOf('CreateService') + 1),
      // The kinds made after the service (the user pool) were not made: their removals are not run.
      ...REMOVE_ALL.slice(REMOVE_ALL.indexOf('DeleteService')),
      'MarkFailed',
      'NotifyFailure',
    ];

    // Act
    const has = (steps: string[], final: string) => runs.includes(`${steps.join(' > ')} => ${final}`);

    // Assess
    expect(has(premiumHappy, 'Succeeded')).toBe(true);
    expect(
      has(
        premiumHappy.filter((step) => step !== 'CreateCluster'),
        'Succeeded',
      ),
    ).toBe(true);
    const pooled = ['ValidateRequest', 'ReserveTenant', 'RemoveLeftovers', 'AdmitTenant', 'ActivateTenant'];
    expect(has([...pooled, 'NotifySuccess'], 'Succeeded')).toBe(true);
    expect(has(premiumUndo, 'Failed')).toBe(true);
    const undoChain = REMOVE_ALL;
    // A failed activation first asks whether its write went through: committed, it reports success.
    expect(has([...pooled, 'ConfirmCommitted', ...undoChain, 'MarkFailed', 'NotifyFailure'], 'Failed')).toBe(
      true,
    );
    expect(has([...pooled, 'ConfirmCommitted', 'NotifySuccess'], 'Succeeded')).toBe(true);
    expect(
      has(['ValidateRequest', 'ReserveTenant', 'RemoveLeftovers', 'MarkFailed', 'NotifyFailure'], 'Failed'),
    ).toBe(true);
  });

  it('offboarding: the paths include waiting once for the lock, then deleting in reverse order', () => {
    const runs = modelPaths('offboarding').map((path) => `${path.steps.join(' > ')} => ${path.final}`);
    const waited = [
      'ValidateRequest',
      'LockTenant',
      'LockTenant',
      ...REMOVE_ALL,
      'RemoveTenant',
      'NotifySuccess',
    ];
    expect(runs).toContain(`${waited.join(' > ')} => Succeeded`);
  });

  it('migration: build, switch, commit, remove; back in reverse before the commit; only forward after it', () => {
    const runs = modelPaths('migration').map((path) => `${path.steps.join(' > ')} => ${path.final}`);
    const has = (steps: string[], final: string) => runs.includes(`${steps.join(' > ')} => ${final}`);
    const lock = ['ValidateRequest', 'LockTenant', 'PlanMigration'];
    // The routing's kind (the listener rule) is handed over, not built: the target's group is attached.
    // The user pool and the tables are not the placement's either (a migration of a tenant with
    // either is refused).
    const build = [
      ...CREATE_ALL.filter((step) => step !== 'CreateUserPool' && step !== 'CreateTables').map((step) =>
        step === 'CreateListenerRule' ? 'AttachTargetGroup' : step,
      ),
      'WaitForHealthy',
      'WaitForHealthy',
    ];
    const finish = ['CommitMigration', 'RemoveMigrationSource', 'FinishMigration', 'NotifySuccess'];
    const back = ['SwitchBack', 'UndoMigrationTarget', 'RestoreTenant', 'NotifyFailure'];
    // To a dedicated cluster, and to a pooled tier (nothing to build).
    expect(has([...lock, ...build, 'SwitchRouting', ...finish], 'Succeeded')).toBe(true);
    expect(has([...lock, 'SwitchRouting', ...finish], 'Succeeded')).toBe(true);
    // A failure once the target's group hangs on the tenant's rule lets go of it first.
    expect(has([...lock, ...build.slice(0, build.indexOf('CreateService') + 1), ...back], 'Failed')).toBe(
      true,
    );
    expect(has([...lock, ...build, 'SwitchRouting', 'CommitMigration', ...back], 'Failed')).toBe(true);
    // Before anything exists: only the tenant is given back.
    expect(
      has([...lock, 'CreateCluster', 'UndoMigrationTarget', 'RestoreTenant', 'NotifyFailure'], 'Failed'),
    ).toBe(true);
    // After the commit: a source that will not go, or an end that fails, still reports the success.
    expect(
      has(
        [
          ...lock,
          'SwitchRouting',
          'CommitMigration',
          'RemoveMigrationSource',
          'FinishMigration',
          'ConfirmCommitted',
          'NotifySuccess',
        ],
        'Failed',
      ),
    ).toBe(true);
  });

  it('update: register, deploy, wait, commit, retire; back on the previous revision after a failure past the registration', () => {
    const paths = modelPaths('update');
    const runs = paths.map((path) => `${path.steps.join(' > ')} => ${path.final}`);
    const has = (steps: string[], final: string) => runs.includes(`${steps.join(' > ')} => ${final}`);
    const lock = ['ValidateRequest', 'LockTenant', 'PlanUpdate'];
    const deploy = ['RegisterRelease', 'DeployRelease', 'WaitForDeployment', 'WaitForDeployment'];
    const back = [
      'RollBackRelease',
      'RollBackRelease',
      'DeregisterRelease',
      'AbandonUpdate',
      'NotifyFailure',
    ];
    expect(has([...lock, ...deploy, 'CommitRelease', 'RetireRevisions', 'NotifySuccess'], 'Succeeded')).toBe(
      true,
    );
    // Once UpdateService may have happened, the way back starts with the rollback (waited for).
    expect(has([...lock, 'RegisterRelease', 'DeployRelease', ...back], 'Failed')).toBe(true);
    expect(has([...lock, ...deploy, 'CommitRelease', 'ConfirmCommitted', ...back], 'Failed')).toBe(true);
    // Before anything runs the release: the new revision (if any) goes, the tenant is given back.
    expect(
      has([...lock, 'RegisterRelease', 'DeregisterRelease', 'AbandonUpdate', 'NotifyFailure'], 'Failed'),
    ).toBe(true);
    // A commit that went through is not undone; tidying that fails still ends in success.
    expect(
      has(
        [...lock, ...deploy, 'CommitRelease', 'ConfirmCommitted', 'RetireRevisions', 'NotifySuccess'],
        'Succeeded',
      ),
    ).toBe(true);
    // No path that ends Succeeded skips the commit, and none that deployed ends without AbandonUpdate.
    for (const path of paths) {
      if (path.final === 'Succeeded') expect(path.steps).toContain('CommitRelease');
      if (
        path.final === 'Failed' &&
        path.steps.includes('DeployRelease') &&
        path.steps.at(-1) !== 'NotifySuccess'
      )
        expect(path.steps).toContain('AbandonUpdate');
    }
  });
});

describe('the rollout model', () => {
  it('runs a wave until it settles, bakes, runs the next; rolls a failed wave back; always reports last', () => {
    // Prepare
    const paths = modelPaths('rollout');

    // Act
    const runs = paths.map((path) => `${path.steps.join(' > ')} => ${path.final}`);

    // Assess
    expect(runs).toContain(
      'PlanRollout > RunWave > RunWave > BakeWave > BakeWave > RunWave > BakeWave > ReportRollout => Succeeded',
    );
    expect(runs).toContain(
      'PlanRollout > RunWave > RunWave > RollBackWave > RollBackWave > ReportRollout => Failed',
    );
    expect(runs).toContain('PlanRollout > ReportRollout => Succeeded');
    // The alarm in ALARM during the bake: the wave goes back, though every tenant of it took the release.
    expect(runs).toContain(
      'PlanRollout > RunWave > RunWave > BakeWave > RollBackWave > RollBackWave > ReportRollout => Failed',
    );
    // A step failing for good (PlanRollout on a bad request, any other) still ends in the report.
    expect(runs).toContain('PlanRollout > ReportRollout => Failed');
    for (const path of paths) expect(path.steps.at(-1)).toBe('ReportRollout');
  });
});

describe('the shard model', () => {
  it('adds a shard (waiting for its load balancer), or nothing; undoes in reverse; an ACTIVE shard is kept', () => {
    // Prepare
    const paths = modelPaths('shard');

    // Act
    const runs = paths.map((path) => `${path.steps.join(' > ')} => ${path.final}`);

    // Assess
    expect(runs).toContain(
      'PlanShard > CreateLoadBalancer > WaitForLoadBalancer > WaitForLoadBalancer > CreateShardListener > RecordShard => Succeeded',
    );
    expect(runs).toContain('PlanShard => Succeeded');
    expect(runs).toContain(
      'PlanShard > CreateLoadBalancer > WaitForLoadBalancer > CreateShardListener > RecordShard > DeleteShardListener > DeleteShardLoadBalancer > ReleaseShard => Failed',
    );
    // RecordShard failed after its write went through: nothing is undone, the shard stays.
    expect(runs).toContain(
      'PlanShard > CreateLoadBalancer > WaitForLoadBalancer > CreateShardListener > RecordShard > DeleteShardListener > DeleteShardLoadBalancer > ReleaseShard => Succeeded',
    );
    expect(runs).toContain('PlanShard > ReleaseShard => Failed');
    expect(runs).toContain(
      'PlanShard > CreateLoadBalancer > DeleteShardLoadBalancer > ReleaseShard => Failed',
    );
  });
});
