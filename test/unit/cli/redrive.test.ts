import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  DeleteMessageCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../../src/cli/args.ts';
import { redriveDeadLetters } from '../../../src/cli/commands/redrive.ts';

const sqs = mockClient(SQSClient);
const lambda = mockClient(LambdaClient);
const URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/tenantflow-prod-ingress-dead-letters';

afterEach(() => {
  sqs.reset();
  lambda.reset();
});

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
};

describe('tenantflow redrive', () => {
  it("finds the stage's queue, hands each event to the stage's function, and deletes the letter", async () => {
    // Prepare
    const parsed = parseCommandLine([
      'redrive',
      'ingress',
      '--stage',
      'prod',
      '--region',
      'eu-west-1',
      '--json',
    ]);
    if (!parsed.ok || parsed.command.name !== 'redrive') throw new Error('not a redrive command');
    sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: URL });
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({
        Messages: [
          {
            MessageId: 'm-1',
            ReceiptHandle: 'r-1',
            Body: '{"id":"e-1","detail-type":"sbt_aws_onboardingRequest"}',
          },
        ],
      })
      .resolves({ Messages: [] });
    sqs.on(DeleteMessageCommand).resolves({});
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    const { io, out, err } = capture();

    // Act
    const code = await redriveDeadLetters(parsed.command, io, {
      sqs: new SQSClient({}),
      lambda: new LambdaClient({}),
    });

    // Assess
    expect(code).toBe(0);
    expect(sqs).toHaveReceivedCommandWith(GetQueueUrlCommand, {
      QueueName: 'tenantflow-prod-ingress-dead-letters',
    });
    expect(lambda).toHaveReceivedCommandWith(InvokeCommand, {
      FunctionName: 'tenantflow-prod-ingress',
      InvocationType: 'Event',
    });
    expect(sqs).toHaveReceivedCommandWith(DeleteMessageCommand, { QueueUrl: URL, ReceiptHandle: 'r-1' });
    expect(out.map((line) => JSON.parse(line))).toEqual([
      { id: 'm-1', outcome: 'redriven', what: 'sbt_aws_onboardingRequest e-1' },
    ]);
    expect(err.at(-1)).toBe('1 redriven, 0 seen, 0 kept (unreadable)');
  });

  it('refuses an unknown function name, naming the choices', () => {
    const parsed = parseCommandLine(['redrive', 'step']);
    expect(parsed).toEqual({
      ok: false,
      message: 'redrive: give the function whose dead letters to redrive: ingress or watcher',
    });
  });
});
