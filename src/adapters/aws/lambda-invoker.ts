import { InvokeCommand, LambdaClient, type LambdaClientConfig } from '@aws-sdk/client-lambda';
import { RetryableError } from '../../domain/errors.ts';
import type { FunctionInvoker } from '../../ports/dead-letters.ts';
import { type ClientOptions, resolveClient } from './client-options.ts';
import { translateAwsError } from './errors.ts';

export type LambdaInvokerOptions = ClientOptions<LambdaClient, LambdaClientConfig> & { functionName: string };

/** {@link FunctionInvoker} on AWS Lambda: an `Event` (asynchronous) invocation, as EventBridge makes. */
export class LambdaInvoker implements FunctionInvoker {
  readonly #client: LambdaClient;
  readonly #functionName: string;

  constructor(options: LambdaInvokerOptions) {
    this.#client = resolveClient('LambdaInvoker', options, (config) => new LambdaClient(config ?? {}));
    this.#functionName = options.functionName;
  }

  async invokeAsync(payload: unknown): Promise<void> {
    const context = `Lambda Invoke ${this.#functionName}`;
    let status: number | undefined;
    try {
      const out = await this.#client.send(
        new InvokeCommand({
          FunctionName: this.#functionName,
          InvocationType: 'Event',
          Payload: new TextEncoder().encode(JSON.stringify(payload)),
        }),
      );
      status = out.StatusCode;
    } catch (error) {
      throw translateAwsError(error, context);
    }
    // An accepted asynchronous invocation answers 202.
    if (status !== 202) throw new RetryableError(`${context}: answered ${status ?? 'no status'}, not 202`);
  }
}
