import {
  DeleteMessageCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SQSClient,
  type SQSClientConfig,
} from '@aws-sdk/client-sqs';
import type { DeadLetter, DeadLetterQueue } from '../../ports/dead-letters.ts';
import { type ClientOptions, resolveClient } from './client-options.ts';
import { translateAwsError } from './errors.ts';

export type SqsDeadLetterQueueOptions = ClientOptions<SQSClient, SQSClientConfig> & { queueUrl: string };

/** {@link DeadLetterQueue} on Amazon SQS (at most 10 messages per receive, SQS's limit). */
export class SqsDeadLetterQueue implements DeadLetterQueue {
  readonly #client: SQSClient;
  readonly #queueUrl: string;

  constructor(options: SqsDeadLetterQueueOptions) {
    this.#client = resolveClient('SqsDeadLetterQueue', options, (config) => new SQSClient(config ?? {}));
    this.#queueUrl = options.queueUrl;
  }

  async receive(max: number, hideSeconds: number): Promise<DeadLetter[]> {
    const context = `SQS ReceiveMessage ${this.#queueUrl}`;
    try {
      const out = await this.#client.send(
        new ReceiveMessageCommand({
          QueueUrl: this.#queueUrl,
          MaxNumberOfMessages: Math.min(Math.max(max, 1), 10),
          VisibilityTimeout: hideSeconds,
          WaitTimeSeconds: 1,
        }),
      );
      return (out.Messages ?? []).flatMap((message) =>
        message.MessageId && message.ReceiptHandle
          ? [{ id: message.MessageId, receipt: message.ReceiptHandle, body: message.Body ?? '' }]
          : [],
      );
    } catch (error) {
      throw translateAwsError(error, context);
    }
  }

  async delete(receipt: string): Promise<void> {
    try {
      await this.#client.send(new DeleteMessageCommand({ QueueUrl: this.#queueUrl, ReceiptHandle: receipt }));
    } catch (error) {
      throw translateAwsError(error, `SQS DeleteMessage ${this.#queueUrl}`);
    }
  }
}

/** The URL of the queue named `name` (GetQueueUrl); a missing queue is a FatalError naming it. */
export const queueUrlNamed = async (client: SQSClient, name: string): Promise<string> => {
  try {
    const out = await client.send(new GetQueueUrlCommand({ QueueName: name }));
    if (!out.QueueUrl) throw new Error('GetQueueUrl answered no URL');
    return out.QueueUrl;
  } catch (error) {
    throw translateAwsError(error, `SQS GetQueueUrl ${name}`);
  }
};
