import { InvokeCommand, LambdaClient, TooManyRequestsException } from '@aws-sdk/client-lambda';
import {
  DeleteMessageCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { LambdaInvoker } from '../../../../src/adapters/aws/lambda-invoker.ts';
import { queueUrlNamed, SqsDeadLetterQueue } from '../../../../src/adapters/aws/sqs-dead-letter-queue.ts';
import { FatalError, RetryableError, ThrottledError } from '../../../../src/domain/errors.ts';

const sqs = mockClient(SQSClient);
const lambda = mockClient(LambdaClient);
const URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/tenantflow-prod-ingress-dead-letters';

afterEach(() => {
  sqs.reset();
  lambda.reset();
});

describe('SqsDeadLetterQueue', () => {
  it('receives at most 10 letters, hidden for the time asked, and deletes by receipt', async () => {
    // Prepare
    sqs.on(ReceiveMessageCommand).resolves({
      Messages: [
        { MessageId: 'm-1', ReceiptHandle: 'r-1', Body: '{"id":"e-1"}' },
        { MessageId: 'm-2', Body: 'no receipt: cannot be deleted, so not returned' },
      ],
    });
    sqs.on(DeleteMessageCommand).resolves({});
    const queue = new SqsDeadLetterQueue({ client: new SQSClient({}), queueUrl: URL });

    // Act
    const letters = await queue.receive(25, 60);
    await queue.delete('r-1');

    // Assess
    expect(letters).toEqual([{ id: 'm-1', receipt: 'r-1', body: '{"id":"e-1"}' }]);
    expect(sqs).toHaveReceivedCommandWith(ReceiveMessageCommand, {
      QueueUrl: URL,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 60,
      WaitTimeSeconds: 1,
    });
    expect(sqs).toHaveReceivedCommandWith(DeleteMessageCommand, { QueueUrl: URL, ReceiptHandle: 'r-1' });
  });

  it('finds a queue by name, and names the queue when there is none', async () => {
    // Prepare
    sqs.on(GetQueueUrlCommand, { QueueName: 'present' }).resolves({ QueueUrl: URL });
    sqs
      .on(GetQueueUrlCommand, { QueueName: 'absent' })
      .rejects(new QueueDoesNotExist({ message: 'The specified queue does not exist.', $metadata: {} }));

    // Act
    const found = await queueUrlNamed(new SQSClient({}), 'present');
    const missing = await queueUrlNamed(new SQSClient({}), 'absent').catch((error: unknown) => error);

    // Assess
    expect(found).toBe(URL);
    expect(missing).toBeInstanceOf(FatalError);
    expect(String(missing)).toContain('SQS GetQueueUrl absent');
  });
});

describe('LambdaInvoker', () => {
  it('invokes asynchronously (an Event invocation) with the payload as JSON', async () => {
    // Prepare
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    const invoker = new LambdaInvoker({
      client: new LambdaClient({}),
      functionName: 'tenantflow-prod-ingress',
    });

    // Act
    await invoker.invokeAsync({ id: 'e-1' });

    // Assess
    const input = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(input?.FunctionName).toBe('tenantflow-prod-ingress');
    expect(input?.InvocationType).toBe('Event');
    expect(new TextDecoder().decode(input?.Payload as Uint8Array)).toBe('{"id":"e-1"}');
  });

  it('treats an answer other than 202 as retryable, and throttling as throttling', async () => {
    // Prepare
    lambda
      .on(InvokeCommand)
      .resolvesOnce({ StatusCode: 200 })
      .rejectsOnce(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }));
    const invoker = new LambdaInvoker({ client: new LambdaClient({}), functionName: 'f' });

    // Act
    const odd = await invoker.invokeAsync({}).catch((error: unknown) => error);
    const throttled = await invoker.invokeAsync({}).catch((error: unknown) => error);

    // Assess
    expect(odd).toBeInstanceOf(RetryableError);
    expect(throttled).toBeInstanceOf(ThrottledError);
  });
});
