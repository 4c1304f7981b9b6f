import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  ExecutionLimitExceeded,
  GetExecutionHistoryCommand,
  InvalidExecutionInput,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { executionArnOf, StepFunctionsStarter } from '../../../../src/adapters/aws/step-functions-starter.ts';

const sfn = mockClient(SFNClient);
const machineArn = (name: string) => `arn:aws:states:us-east-1:111122223333:stateMachine:${name}`;
const starter = new StepFunctionsStarter({
  client: new SFNClient({}),
  stateMachineArns: {
    onboarding: machineArn('tf-onboarding'),
    offboarding: machineArn('tf-offboarding'),
    activation: machineArn('tf-activation'),
    migration: machineArn('tf-migration'),
    update: machineArn('tf-update'),
    rollout: machineArn('tf-rollout'),
    shard: machineArn('tf-shard'),
  },
});

afterEach(() => {
  sfn.reset();
});

describe('StepFunctionsStarter', () => {
  it('starts the machine under the execution name with JSON input', async () => {
    // Prepare
    const executionArn = 'arn:aws:states:us-east-1:111122223333:execution:tf-onboarding:onboard-acme-e1';
    sfn.on(StartExecutionCommand).resolves({ executionArn, startDate: new Date(0) });

    // Act
    const result = await starter.start('onboarding', 'onboard-acme-e1', { tenantId: 'acme' });

    // Assess
    expect(sfn).toHaveReceivedCommandExactlyOnceWith(StartExecutionCommand, {
      stateMachineArn: machineArn('tf-onboarding'),
      name: 'onboard-acme-e1',
      input: '{"tenantId":"acme"}',
    });
    expect(result).toEqual({ outcome: 'started', executionArn });
  });

  it('reports an execution that already exists as a duplicate with its ARN', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));

    // Act
    const result = await starter.start('offboarding', 'offboard-acme-e2', {});

    // Assess
    expect(result).toEqual({
      outcome: 'duplicate',
      executionArn: 'arn:aws:states:us-east-1:111122223333:execution:tf-offboarding:offboard-acme-e2',
    });
  });

  it('fails fatally when the response has no execution ARN', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).resolves({});

    // Act
    const result = starter.start('activation', 'activate-acme-e3', {});

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'FatalError',
      message: expect.stringContaining('executionArn'),
    });
  });

  it('asks for a later delivery when too many executions are open', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).rejects(new ExecutionLimitExceeded({ message: 'too many', $metadata: {} }));

    // Act
    const result = starter.start('activation', 'activate-acme-e3', {});

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'RetryableError',
      message: expect.stringContaining('Step Functions StartExecution activation activate-acme-e3'),
    });
  });

  it('maps other failures', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).rejects(new InvalidExecutionInput({ message: 'bad input', $metadata: {} }));

    // Act
    const result = starter.start('activation', 'activate-acme-e3', {});

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'FatalError',
      message: expect.stringContaining('Step Functions StartExecution activation activate-acme-e3'),
    });
  });
});

describe('executionArnOf', () => {
  it('builds the execution ARN in the partition of the state machine', () => {
    // Act
    const arn = executionArnOf('arn:aws-cn:states:cn-north-1:111122223333:stateMachine:m', 'run-1');

    // Assess
    expect(arn).toBe('arn:aws-cn:states:cn-north-1:111122223333:execution:m:run-1');
  });

  it('refuses an ARN that is not a state machine', () => {
    // Act
    const build = () => executionArnOf('arn:aws:lambda:us-east-1:1:function:f', 'run-1');

    // Assess
    expect(build).toThrow('not a state machine ARN');
  });
});

describe('StepFunctionsStarter.describe', () => {
  it('reads an execution of the machine by name: its status, error and cause', async () => {
    // Prepare
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: 'x',
      stateMachineArn: machineArn('tf-update'),
      status: 'FAILED',
      error: 'TenantLifecycleFailed',
      cause: 'the update saga failed',
      startDate: new Date(0),
    });

    // Act
    const state = await starter.describe('update', 'update-acme-1');

    // Assess
    expect(sfn).toHaveReceivedCommandExactlyOnceWith(DescribeExecutionCommand, {
      executionArn: 'arn:aws:states:us-east-1:111122223333:execution:tf-update:update-acme-1',
    });
    expect(state).toEqual({
      status: 'FAILED',
      error: 'TenantLifecycleFailed',
      cause: 'the update saga failed',
    });
  });

  it('answers undefined for an execution Step Functions does not have, and translates throttling', async () => {
    // Prepare
    sfn
      .on(DescribeExecutionCommand)
      .rejectsOnce(new ExecutionDoesNotExist({ message: 'no', $metadata: {} }))
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: {} }));

    // Act
    const missing = await starter.describe('update', 'update-none-1');
    const throttled = await starter.describe('update', 'update-busy-1').catch((error: unknown) => error);

    // Assess
    expect(missing).toBeUndefined();
    expect(throttled).toMatchObject({ name: 'ThrottledError' });
  });
});

describe('StepFunctionsStarter.history', () => {
  it('reads every page of the history with its data, keeping the Task states’ step events only', async () => {
    // Prepare: a Lambda task that failed once, was retried and succeeded, between Pass states.
    const at = (s: number) => new Date(Date.UTC(2026, 11, 7, 10, 0, s));
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({
        events: [
          { id: 1, timestamp: at(0), type: 'ExecutionStarted' },
          { id: 2, timestamp: at(0), type: 'PassStateEntered', stateEnteredEventDetails: { name: 'Start' } },
          {
            id: 3,
            timestamp: at(1),
            type: 'TaskStateEntered',
            stateEnteredEventDetails: { name: 'CreateService' },
          },
          { id: 4, timestamp: at(1), type: 'LambdaFunctionScheduled' },
          { id: 5, timestamp: at(2), type: 'LambdaFunctionStarted' },
          {
            id: 6,
            timestamp: at(3),
            type: 'LambdaFunctionFailed',
            lambdaFunctionFailedEventDetails: { error: 'RetryableError', cause: '{"errorMessage":"x"}' },
          },
        ],
        nextToken: 'page-2',
      })
      .resolvesOnce({
        events: [
          { id: 7, timestamp: at(5), type: 'LambdaFunctionStarted' },
          {
            id: 8,
            timestamp: at(6),
            type: 'LambdaFunctionSucceeded',
            lambdaFunctionSucceededEventDetails: { output: '{"tenantId":"t-1"}' },
          },
          {
            id: 9,
            timestamp: at(6),
            type: 'TaskStateExited',
            stateExitedEventDetails: { name: 'CreateService' },
          },
          { id: 10, timestamp: at(7), type: 'LambdaFunctionTimedOut' },
          {
            id: 11,
            timestamp: at(8),
            type: 'TaskSucceeded',
            taskSucceededEventDetails: { resourceType: 'ecs', resource: 'runTask.sync', output: 'not json' },
          },
        ],
      });

    // Act
    const events = await starter.history('onboarding', 'onboard-t-1');

    // Assess
    const executionArn = 'arn:aws:states:us-east-1:111122223333:execution:tf-onboarding:onboard-t-1';
    expect(sfn).toHaveReceivedNthCommandWith(GetExecutionHistoryCommand, 1, {
      executionArn,
      maxResults: 1000,
      includeExecutionData: true,
    });
    expect(sfn).toHaveReceivedNthCommandWith(GetExecutionHistoryCommand, 2, {
      executionArn,
      maxResults: 1000,
      includeExecutionData: true,
      nextToken: 'page-2',
    });
    expect(events).toEqual([
      { id: 1, at: at(0).getTime(), kind: 'began' },
      { id: 3, at: at(1).getTime(), kind: 'entered', step: 'CreateService' },
      { id: 5, at: at(2).getTime(), kind: 'started' },
      {
        id: 6,
        at: at(3).getTime(),
        kind: 'failed',
        error: 'RetryableError',
        cause: '{"errorMessage":"x"}',
      },
      { id: 7, at: at(5).getTime(), kind: 'started' },
      { id: 8, at: at(6).getTime(), kind: 'succeeded', output: { tenantId: 't-1' } },
      { id: 10, at: at(7).getTime(), kind: 'failed', error: 'States.Timeout' },
      { id: 11, at: at(8).getTime(), kind: 'succeeded', output: 'not json' },
    ]);
  });

  it('reads only what came after an id, newest first, stopping at the page that reaches it', async () => {
    // Prepare
    const at = (s: number) => new Date(Date.UTC(2026, 11, 7, 10, 0, s));
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({
        events: [
          { id: 9, timestamp: at(9), type: 'TaskStateExited', stateExitedEventDetails: { name: 'B' } },
          {
            id: 8,
            timestamp: at(8),
            type: 'LambdaFunctionSucceeded',
            lambdaFunctionSucceededEventDetails: { output: '{"b":1}' },
          },
          { id: 7, timestamp: at(7), type: 'LambdaFunctionStarted' },
        ],
        nextToken: 'older',
      })
      .resolvesOnce({
        events: [
          { id: 6, timestamp: at(6), type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'B' } },
          { id: 5, timestamp: at(5), type: 'TaskStateExited', stateExitedEventDetails: { name: 'A' } },
        ],
        nextToken: 'oldest',
      });

    // Act
    const events = await starter.history('onboarding', 'onboard-t-1', 5);

    // Assess: two pages, the second reaching id 5; the third never asked for.
    expect(sfn).toHaveReceivedCommandTimes(GetExecutionHistoryCommand, 2);
    expect(sfn).toHaveReceivedNthCommandWith(GetExecutionHistoryCommand, 1, {
      executionArn: 'arn:aws:states:us-east-1:111122223333:execution:tf-onboarding:onboard-t-1',
      maxResults: 1000,
      includeExecutionData: true,
      reverseOrder: true,
    });
    expect(events).toEqual([
      { id: 6, at: at(6).getTime(), kind: 'entered', step: 'B' },
      { id: 7, at: at(7).getTime(), kind: 'started' },
      { id: 8, at: at(8).getTime(), kind: 'succeeded', output: { b: 1 } },
    ]);
  });

  it('answers no events for an execution Step Functions does not have, and translates throttling', async () => {
    // Prepare
    sfn
      .on(GetExecutionHistoryCommand)
      .rejectsOnce(new ExecutionDoesNotExist({ message: 'no', $metadata: {} }))
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: {} }));

    // Act
    const missing = await starter.history('update', 'update-none-1');
    const throttled = await starter.history('update', 'update-busy-1').catch((error: unknown) => error);

    // Assess
    expect(missing).toEqual([]);
    expect(throttled).toMatchObject({ name: 'ThrottledError' });
  });
});
