import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  SFNServiceException,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { StepFunctionsHistory } from '../../../../src/adapters/aws/step-functions-history.ts';

const sfn = mockClient(SFNClient);
const history = new StepFunctionsHistory({ client: new SFNClient({ region: 'us-east-1' }) });
const meta = { $metadata: {} };
const arn = (name: string) => `arn:aws:states:us-east-1:111122223333:stateMachine:${name}`;
const NAMES = new Map([
  ['tenantflow-prod-onboarding', 'onboarding' as const],
  ['tenantflow-prod-offboarding', 'offboarding' as const],
]);

afterEach(() => {
  sfn.reset();
});

describe('StepFunctionsHistory', () => {
  it("lists the named machines' executions over every page of machines, newest first, 100 each", async () => {
    // Prepare
    sfn
      .on(ListStateMachinesCommand)
      .resolvesOnce({
        stateMachines: [
          {
            name: 'tenantflow-prod-onboarding',
            stateMachineArn: arn('tenantflow-prod-onboarding'),
            type: 'STANDARD',
            creationDate: new Date(),
          },
          {
            name: 'someone-else',
            stateMachineArn: arn('someone-else'),
            type: 'STANDARD',
            creationDate: new Date(),
          },
        ],
        nextToken: 'machines-2',
        ...meta,
      })
      .resolvesOnce({
        stateMachines: [
          {
            name: 'tenantflow-prod-offboarding',
            stateMachineArn: arn('tenantflow-prod-offboarding'),
            type: 'STANDARD',
            creationDate: new Date(),
          },
        ],
        ...meta,
      });
    sfn
      .on(ListExecutionsCommand, { stateMachineArn: arn('tenantflow-prod-onboarding') })
      .resolves({
        executions: [
          {
            executionArn: 'e1',
            stateMachineArn: arn('tenantflow-prod-onboarding'),
            name: 'onboard-1',
            status: 'SUCCEEDED',
            startDate: new Date('2026-01-01T00:00:00Z'),
            stopDate: new Date('2026-01-01T00:05:00Z'),
          },
        ],
        nextToken: 'more-not-asked-for',
        ...meta,
      })
      .on(ListExecutionsCommand, { stateMachineArn: arn('tenantflow-prod-offboarding') })
      .resolves({
        executions: [
          {
            executionArn: 'e2',
            stateMachineArn: arn('tenantflow-prod-offboarding'),
            name: 'offboard-1',
            status: 'RUNNING',
            startDate: new Date('2026-01-02T00:00:00Z'),
          },
        ],
        ...meta,
      });

    // Act
    const executions = await history.list(NAMES, false);

    // Assess
    expect(executions).toEqual([
      {
        machine: 'offboarding',
        name: 'offboard-1',
        status: 'RUNNING',
        startedAt: '2026-01-02T00:00:00.000Z',
      },
      {
        machine: 'onboarding',
        name: 'onboard-1',
        status: 'SUCCEEDED',
        startedAt: '2026-01-01T00:00:00.000Z',
        stoppedAt: '2026-01-01T00:05:00.000Z',
      },
    ]);
    expect(sfn.commandCalls(ListStateMachinesCommand).map((call) => call.args[0].input)).toEqual([
      {},
      { nextToken: 'machines-2' },
    ]);
    expect(sfn.commandCalls(ListExecutionsCommand).map((call) => call.args[0].input)).toEqual([
      { stateMachineArn: arn('tenantflow-prod-onboarding'), maxResults: 100 },
      { stateMachineArn: arn('tenantflow-prod-offboarding'), maxResults: 100 },
    ]);
  });

  it('maps a denied call to a fatal error naming the call', async () => {
    // Prepare
    sfn
      .on(ListStateMachinesCommand)
      .rejects(
        new SFNServiceException({ name: 'AccessDeniedException', $fault: 'client', message: 'no', ...meta }),
      );

    // Act
    const listed = history.list(NAMES, true);

    // Assess
    await expect(listed).rejects.toMatchObject({
      name: 'FatalError',
      message: expect.stringContaining('Step Functions ListStateMachines'),
    });
  });
});

describe('StepFunctionsHistory.stop', () => {
  const machines = () =>
    sfn.on(ListStateMachinesCommand).resolves({
      stateMachines: [...NAMES.keys()].map((name) => ({
        name,
        stateMachineArn: arn(name),
        type: 'STANDARD' as const,
        creationDate: new Date(),
      })),
    });
  const execution = (machine: string, name: string) =>
    `arn:aws:states:us-east-1:111122223333:execution:${machine}:${name}`;
  const missing = () => new ExecutionDoesNotExist({ ...meta, message: 'Execution Does Not Exist' });

  it('finds the execution on whichever named machine has it and stops it there, with the cause', async () => {
    // Prepare
    machines();
    sfn
      .on(DescribeExecutionCommand, {
        executionArn: execution('tenantflow-prod-onboarding', 'offboard-r1-abc'),
      })
      .rejects(missing())
      .on(DescribeExecutionCommand, {
        executionArn: execution('tenantflow-prod-offboarding', 'offboard-r1-abc'),
      })
      .resolves({ status: 'RUNNING' })
      .on(StopExecutionCommand)
      .resolves({ stopDate: new Date() });

    // Act
    const stopped = await history.stop(NAMES, 'offboard-r1-abc', 'stopped by an operator');

    // Assess
    expect(stopped).toEqual({ machine: 'offboarding', status: 'ABORTED' });
    expect(sfn.commandCalls(StopExecutionCommand).map((call) => call.args[0].input)).toEqual([
      {
        executionArn: execution('tenantflow-prod-offboarding', 'offboard-r1-abc'),
        error: 'OperatorAbort',
        cause: 'stopped by an operator',
      },
    ]);
  });

  it('stops nothing that has ended, and answers undefined when no machine has the name', async () => {
    // Prepare
    machines();
    sfn
      .on(DescribeExecutionCommand)
      .rejects(missing())
      .on(DescribeExecutionCommand, { executionArn: execution('tenantflow-prod-onboarding', 'done') })
      .resolves({ status: 'SUCCEEDED' });

    // Act
    const ended = await history.stop(NAMES, 'done', 'c');
    const none = await history.stop(NAMES, 'nobody', 'c');

    // Assess
    expect(ended).toEqual({ machine: 'onboarding', status: 'ended', ended: 'SUCCEEDED' });
    expect(none).toBeUndefined();
    expect(sfn.commandCalls(StopExecutionCommand)).toEqual([]);
  });
});
