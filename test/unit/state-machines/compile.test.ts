import { readFileSync } from 'node:fs';
import validator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { MACHINE_IDS } from '../../../src/domain/saga.ts';
import { aslPath } from '../../../state-machines/build.ts';
import { compileMachine, renderAsl, STEP_FUNCTION_ARN_PLACEHOLDER } from '../../../state-machines/compile.ts';
import { MACHINES, RETRY_POLICY } from '../../../state-machines/index.ts';

const compiled = (machine: (typeof MACHINE_IDS)[number]) => compileMachine(MACHINES[machine]);

/** An equality the compiler guards with a presence test. */
const present = (Variable: string, test: Record<string, unknown>) => [
  { Variable, IsPresent: true },
  { Variable, ...test },
];

describe('the committed definitions', () => {
  it.each(MACHINE_IDS)(
    '%s.asl.json is the compiler output (run `npm run build:asl` after editing a model)',
    (machine) => {
      // Prepare
      const expected = renderAsl(compiled(machine));

      // Act
      const actual = readFileSync(aslPath(machine), 'utf8');

      // Assess
      expect(actual).toBe(expected);
    },
  );

  it.each(MACHINE_IDS)('%s passes asl-validator', (machine) => {
    // Prepare
    const definition = structuredClone(compiled(machine));

    // Act
    const result = validator(definition);

    // Assess
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });
});

describe('compileMachine', () => {
  it('turns a forward step into a Task with the shared retries, a Catch into a marker Pass, and the Pass', () => {
    // Prepare
    const { States, StartAt, TimeoutSeconds } = compiled('onboarding');

    // Act
    const task = States.CreateService;
    const marker = States.CreateServiceFailed;

    // Assess
    expect({ StartAt, TimeoutSeconds }).toEqual({ StartAt: 'ValidateRequest', TimeoutSeconds: 3600 });
    expect(task).toEqual({
      Type: 'Task',
      Resource: STEP_FUNCTION_ARN_PLACEHOLDER,
      Parameters: {
        step: 'CreateService',
        machine: 'onboarding',
        'execution.$': '$$.Execution.Name',
        'state.$': '$',
      },
      TimeoutSeconds: 120,
      Retry: [
        {
          ErrorEquals: [
            'Lambda.ServiceException',
            'Lambda.AWSLambdaException',
            'Lambda.SdkClientException',
            'Lambda.TooManyRequestsException',
          ],
          IntervalSeconds: 1,
          MaxAttempts: 6,
          BackoffRate: 2,
          JitterStrategy: 'FULL',
        },
        {
          ErrorEquals: ['Lambda.Unknown', 'Runtime.ExitError', 'States.Timeout'],
          IntervalSeconds: 2,
          MaxAttempts: 3,
          BackoffRate: 2,
        },
        {
          ErrorEquals: ['NotReadyError'],
          IntervalSeconds: 5,
          MaxAttempts: 22,
          BackoffRate: 1.5,
          MaxDelaySeconds: 30,
          JitterStrategy: 'FULL',
        },
        {
          ErrorEquals: ['ThrottledError'],
          IntervalSeconds: 1,
          MaxAttempts: 20,
          BackoffRate: 1.5,
          MaxDelaySeconds: 10,
          JitterStrategy: 'FULL',
        },
        {
          ErrorEquals: ['RetryableError'],
          IntervalSeconds: 2,
          MaxAttempts: 5,
          BackoffRate: 2,
          MaxDelaySeconds: 30,
          JitterStrategy: 'FULL',
        },
      ],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure.error', Next: 'CreateServiceFailed' }],
      Next: 'CreateUserPool',
    });
    expect(marker).toEqual({
      Type: 'Pass',
      Result: 'CreateService',
      ResultPath: '$.failure.step',
      // A failed step is undone first: it may have created its resource before failing.
      Next: 'DeleteService',
    });
  });

  it('gives every Task the retry budget of RETRY_POLICY', () => {
    // Prepare
    const definitions = MACHINE_IDS.map(compiled);

    // Act
    const tasks = definitions
      .flatMap((d) => Object.values(d.States))
      .flatMap((s) => (s.Type === 'Task' ? [s] : []));

    // Assess
    expect(tasks.length).toBe(27 + 15 + 8 + 20 + 14 + 5 + 8);
    for (const task of tasks) expect(task.Retry).toEqual(RETRY_POLICY);
  });

  it('chains compensations through a Catch that records the error under compensationErrors', () => {
    // Prepare
    const { States } = compiled('onboarding');

    // Act
    const catches = ['DeleteTargetGroup', 'MarkFailed', 'NotifyFailure'].map((name) => {
      const state = States[name];
      return state?.Type === 'Task' ? { Next: state.Next, Catch: state.Catch } : undefined;
    });

    // Assess
    expect(catches).toEqual([
      {
        Next: 'DeregisterTaskDefinition',
        Catch: [
          {
            ErrorEquals: ['States.ALL'],
            ResultPath: '$.compensationErrors.DeleteTargetGroup',
            Next: 'DeregisterTaskDefinition',
          },
        ],
      },
      {
        Next: 'NotifyFailure',
        Catch: [
          {
            ErrorEquals: ['States.ALL'],
            ResultPath: '$.compensationErrors.MarkFailed',
            Next: 'NotifyFailure',
          },
        ],
      },
      {
        Next: 'Failed',
        Catch: [
          { ErrorEquals: ['States.ALL'], ResultPath: '$.compensationErrors.NotifyFailure', Next: 'Failed' },
        ],
      },
    ]);
  });

  it('turns guarded always transitions into Choices, delays into Waits, final states into Succeed and Fail', () => {
    // Prepare
    const onboarding = compiled('onboarding');
    const offboarding = compiled('offboarding');

    // Act
    const { Place, IsHealthy, WaitBeforeHealthCheck, Succeeded, Failed } = onboarding.States;

    // Assess: the branches test what the placement can do, never a tier's name; a comparison first
    // makes sure the field is there (Step Functions fails one with a missing field).
    expect(Place).toEqual({
      Type: 'Choice',
      Choices: [
        { And: present('$.placement.cluster', { StringEquals: 'dedicated' }), Next: 'CreateCluster' },
        { And: present('$.placement.service', { StringEquals: 'own' }), Next: 'CreateTables' },
      ],
      Default: 'ActivateTenant',
    });
    expect(offboarding.States.HoldsLock).toEqual({
      Type: 'Choice',
      Choices: [{ And: present('$.lockWait.held', { BooleanEquals: true }), Next: 'DeleteUserPool' }],
      Default: 'WaitForLock',
    });
    expect(offboarding.States.WaitForLock).toEqual({ Type: 'Wait', Seconds: 15, Next: 'LockTenant' });
    expect(IsHealthy).toEqual({
      Type: 'Choice',
      Choices: [{ And: present('$.health.healthy', { BooleanEquals: true }), Next: 'InviteAdmin' }],
      Default: 'WaitBeforeHealthCheck',
    });
    expect(WaitBeforeHealthCheck).toEqual({ Type: 'Wait', Seconds: 15, Next: 'WaitForHealthy' });
    expect(Succeeded).toEqual({ Type: 'Succeed' });
    expect(Failed).toMatchObject({ Type: 'Fail', Error: 'TenantLifecycleFailed' });
    expect(offboarding.States.Failed).toMatchObject({ Cause: expect.stringContaining('offboarding') });
    // Time to wait out an onboarding (3600 s), then to offboard.
    expect(offboarding.TimeoutSeconds).toBe(5400);
  });
});

describe('compileMachine on constructs it does not support', () => {
  const base = setup({
    guards: { isPremium: () => true, isLucky: () => true },
    delays: { healthPoll: 10, soon: 1 },
  });

  it.each([
    [
      'Nested',
      base.createMachine({
        id: 'onboarding',
        initial: 'Nested',
        states: { Nested: { initial: 'A', states: { A: {} } } },
      }),
    ],
    [
      'Listening',
      base.createMachine({
        id: 'onboarding',
        initial: 'Listening',
        states: { Listening: { on: { GO: 'Done' } }, Done: { type: 'final' } },
      }),
    ],
    [
      'Gamble',
      base.createMachine({
        id: 'onboarding',
        initial: 'Gamble',
        states: {
          Gamble: { always: [{ guard: 'isLucky', target: 'Failed' }, { target: 'Failed' }] },
          Failed: { type: 'final' },
        },
      }),
    ],
    [
      'Nap',
      base.createMachine({
        id: 'onboarding',
        initial: 'Nap',
        states: { Nap: { after: { soon: 'Failed' } }, Failed: { type: 'final' } },
      }),
    ],
    [
      'Finished',
      base.createMachine({ id: 'onboarding', initial: 'Finished', states: { Finished: { type: 'final' } } }),
    ],
  ])('names the state %s', (state, machine) => {
    // Prepare
    const compile = () => compileMachine(machine);

    // Act
    const act = () => compile();

    // Assess
    expect(act).toThrow(`state ${state}:`);
  });

  it('refuses a machine whose id is not a MachineId', () => {
    // Prepare
    const machine = base.createMachine({
      id: 'billing',
      initial: 'Failed',
      states: { Failed: { type: 'final' } },
    });

    // Act
    const act = () => compileMachine(machine);

    // Assess
    expect(act).toThrow('state billing: the machine id must be one of onboarding, offboarding, activation');
  });
});
