import {
  GetFunctionConfigurationCommand,
  LambdaClient,
  type LambdaClientConfig,
} from '@aws-sdk/client-lambda';
import { z } from 'zod';
import type { DeployedStage } from '../../ports/deployed-stage.ts';
import { type ClientOptions, resolveClient } from './client-options.ts';
import { awsErrorName, translateAwsError } from './errors.ts';
import { parseResult } from './parse.ts';

const configurationSchema = z.object({
  Environment: z
    .object({ Variables: z.record(z.string(), z.string()).default({}) })
    .default({ Variables: {} }),
});

/** {@link DeployedStage} on AWS Lambda: GetFunctionConfiguration of the stage's function. */
export class LambdaDeployedStage implements DeployedStage {
  readonly #client: LambdaClient;

  constructor(options: ClientOptions<LambdaClient, LambdaClientConfig>) {
    this.#client = resolveClient('LambdaDeployedStage', options, (config) => new LambdaClient(config ?? {}));
  }

  async environmentOf(functionName: string): Promise<Readonly<Record<string, string>> | undefined> {
    const context = `Lambda GetFunctionConfiguration ${functionName}`;
    try {
      const out = await this.#client.send(
        new GetFunctionConfigurationCommand({ FunctionName: functionName }),
      );
      return parseResult(configurationSchema, out, context).Environment.Variables;
    } catch (error) {
      if (awsErrorName(error) === 'ResourceNotFoundException') return undefined;
      throw translateAwsError(error, context);
    }
  }
}
