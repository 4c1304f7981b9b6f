import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteServiceCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { applyEntries, Journal, journaled } from '../../../../src/local/sim/journal.ts';
import { emptyState, type SimState } from '../../../../src/local/sim/state.ts';
import { loadState, logFileOf } from '../../../../src/local/sim/state-file.ts';
import { createAppService, registerApp, routedTargetGroup, seed, simulatedAws } from './helpers.ts';

const dirs: string[] = [];
const tempFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'tf-journal-'));
  dirs.push(dir);
  return join(dir, 'cloud.json');
};

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const alarm = (name: string) => ({ name, state: 'OK' as const, reason: 'r', updatedAt: 1 });

/** A state with two alarms and a counter, for the journal's own tests. */
const twoAlarms = (): SimState => ({ ...emptyState(), seq: 7, alarms: [alarm('a'), alarm('b')] });

describe('Journal', () => {
  it('undoes what a failed change added, changed and removed, in reverse, scalars included', () => {
    // Prepare
    const state = twoAlarms();
    const before = structuredClone(state);

    // Act
    const run = () =>
      journaled(
        state,
        (write) => {
          write.add('alarms', alarm('c'));
          const a = state.alarms[0];
          if (a) write.touch('alarms', a).state = 'ALARM';
          write.remove('alarms', (item) => item.name === 'b');
          state.seq += 5;
          throw new Error('boom');
        },
        { check: true, what: 'a test change' },
      );

    // Assess
    expect(run).toThrow('boom');
    expect(state).toEqual(before);
  });

  it('logs only what the change touched, and the log replays onto the old state to the new one', () => {
    // Prepare
    const state = twoAlarms();
    const before = structuredClone(state);

    // Act
    const { journal } = journaled(
      state,
      (write) => {
        write.add('alarms', alarm('c'));
        const b = state.alarms[1];
        if (b) write.touch('alarms', b).reason = 'changed';
        write.remove('alarms', (item) => item.name === 'a');
        state.seq += 1;
      },
      { check: true, what: 'a test change' },
    );
    const entry = journal.entry();

    // Assess
    expect(entry).toEqual({
      put: { alarms: [alarm('c'), { ...alarm('b'), reason: 'changed' }] },
      del: { alarms: ['a'] },
      seq: 8,
    });
    expect(applyEntries(structuredClone(before), entry ? [JSON.parse(JSON.stringify(entry))] : [])).toEqual(
      state,
    );
  });

  it('with the check on, refuses a change that went around the journal, naming the call', () => {
    // Prepare
    const state = twoAlarms();
    const sneaky = (write: unknown) => {
      void write;
      const a = state.alarms[0];
      if (a) a.state = 'ALARM';
    };

    // Act
    const run = () => journaled(state, sneaky, { check: true, what: 'cloudwatch SneakyCall' });

    // Assess
    expect(run).toThrow(
      'simulated AWS: cloudwatch SneakyCall changed the state beyond what its journal logged',
    );
  });

  it('is checked in every simulated cloud the test suites make (vitest.shared.ts)', () => {
    expect(process.env.TENANTFLOW_SIM_CHECK).toBe('1');
  });

  it('logs nothing for a change that changed nothing', () => {
    expect(new Journal(twoAlarms()).entry()).toBeUndefined();
  });
});

describe('SimulatedCloud: write-through log', () => {
  it('writes each changing call as a line of the log, which a new instance reads back without a save', async () => {
    // Prepare
    const stateFile = tempFile();
    const first = simulatedAws({ stateFile });
    const shared = await seed(first);
    const td = await registerApp(first);
    const { targetGroupArn } = await routedTargetGroup(first, 'tf-acme-1234', 5, shared.ListenerArn ?? '');
    await createAppService(first, 'tenantflow-shared', 'tf-acme', td, targetGroupArn, 1);
    await first.ecs.send(
      new UpdateServiceCommand({ cluster: 'tenantflow-shared', service: 'tf-acme', desiredCount: 3 }),
    );

    // Act: no save, as after a kill
    const lines = readFileSync(logFileOf(stateFile), 'utf8').trim().split('\n');
    const second = simulatedAws({ stateFile });

    // Assess: the seed was saved whole; the five calls after it (register, target group, rule,
    // service, update) are one line each
    expect(lines).toHaveLength(5);
    expect(JSON.parse(lines[4] ?? '{}').put.services).toHaveLength(1);
    expect(second.cloud.inventory()).toEqual(first.cloud.inventory());
    expect(loadState(stateFile).services.find((s) => s.name === 'tf-acme')?.desiredCount).toBe(3);
  });

  it('leaves out a last line cut short by a crash, and empties the log when it compacts', async () => {
    // Prepare
    const stateFile = tempFile();
    const aws = simulatedAws({ stateFile });
    await seed(aws);
    await registerApp(aws);
    appendFileSync(logFileOf(stateFile), '{"put":{"clusters":[{"arn":"x"');

    // Act
    const loaded = loadState(stateFile);
    aws.cloud.compact();

    // Assess
    expect(loaded.taskDefinitions.map((td) => td.family)).toContain('tf-acme');
    expect(existsSync(logFileOf(stateFile))).toBe(false);
    expect(loadState(stateFile)).toEqual(loaded);
  });

  it('refuses a log whose broken line is not the last', () => {
    // Prepare
    const stateFile = tempFile();
    writeFileSync(stateFile, JSON.stringify(emptyState()));
    writeFileSync(logFileOf(stateFile), 'not json\n{"seq":1}\n');

    // Act
    const load = () => loadState(stateFile);

    // Assess
    expect(load).toThrow(/line 1 is not JSON/);
  });

  it('a failed call writes nothing and changes nothing', async () => {
    // Prepare
    const stateFile = tempFile();
    const aws = simulatedAws({ stateFile });
    await seed(aws);
    const before = aws.cloud.inventory();

    // Act
    const failed = aws.ecs.send(
      new DeleteServiceCommand({ cluster: 'tenantflow-shared', service: 'nothing' }),
    );

    // Assess
    await expect(failed).rejects.toMatchObject({ name: 'ServiceNotFoundException' });
    expect(existsSync(logFileOf(stateFile))).toBe(false);
    expect(aws.cloud.inventory()).toEqual(before);
  });
});
