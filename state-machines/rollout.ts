import { choice, final, forward, pause } from './builders.ts';
import { initialContext, sagaSetup } from './setup.ts';

/**
 * A fleet rollout: a release to every tenant of a tier that runs its own service, in waves. Plan the
 * waves; run a wave (each tenant's update execution, started and looked at again after each pause);
 * a wave every tenant of which is on the release passes its gate: bake, then the next wave (and, after
 * the last, the tenants another operation held). A wave that fails its gate (a tenant not on the
 * release, or the request's CloudWatch alarm in ALARM during the bake) is rolled back (its tenants
 * back on the release each ran) and the rollout halts. Whatever happens, it ends with its
 * summary event. Each tenant's update is a saga of its own (update.ts): stopping a rollout leaves every
 * tenant whole, on one release.
 */
export const rolloutMachine = sagaSetup.createMachine({
  id: 'rollout',
  context: initialContext('rollout'),
  initial: 'PlanRollout',
  states: {
    PlanRollout: forward('PlanRollout', 'HasWave', 'ReportRollout'),
    HasWave: choice([['waveRunning', 'RunWave']], 'ReportRollout'),
    RunWave: forward('RunWave', 'WaveSettled', 'ReportRollout'),
    WaveSettled: choice([['waveSettled', 'WavePassed']], 'WaitForWave'),
    WaitForWave: pause('rolloutPoll', 'RunWave'),
    WavePassed: choice([['wavePassed', 'BakeWave']], 'RollBackWave'),
    BakeWave: forward('BakeWave', 'NextWave', 'ReportRollout'),
    NextWave: choice(
      [
        ['alarmRaised', 'RollBackWave'],
        ['waveRunning', 'RunWave'],
        ['rolloutDone', 'ReportRollout'],
      ],
      'WaitDuringBake',
    ),
    WaitDuringBake: pause('rolloutPoll', 'BakeWave'),
    RollBackWave: forward('RollBackWave', 'WaveRolledBack', 'ReportRollout'),
    WaveRolledBack: choice([['waveSettled', 'ReportRollout']], 'WaitForRollback'),
    WaitForRollback: pause('rolloutPoll', 'RollBackWave'),
    ReportRollout: forward('ReportRollout', 'RolloutEnded', 'Failed'),
    RolloutEnded: choice([['rolloutCompleted', 'Succeeded']], 'Failed'),
    Succeeded: final,
    Failed: final,
  },
});
