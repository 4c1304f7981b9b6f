import {
  GetFunctionConfigurationCommand,
  LambdaClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { LambdaDeployedStage } from '../../../src/adapters/aws/lambda-deployed-stage.ts';
import type { DeployedStage } from '../../../src/ports/deployed-stage.ts';
import { FakeDeployedStage } from '../../support/fake-ports.ts';

/**
 * One spec for the fake and the adapter. The adapter runs against a mocked Lambda that answers as
 * Lambda does (GetFunctionConfiguration: no `Environment` for a function without variables,
 * ResourceNotFoundException for one that does not exist); test/aws/cdk-stack.test.ts reads a
 * function CloudFormation made in moto.
 */

type Functions = Record<string, Record<string, string> | null>;
const lambda = mockClient(LambdaClient);
afterEach(() => lambda.reset());

const implementations: Array<{ name: string; make: (functions: Functions) => DeployedStage }> = [
  {
    name: 'fake',
    make: (functions) => {
      const fake = new FakeDeployedStage();
      for (const [name, env] of Object.entries(functions)) fake.functions.set(name, env ?? {});
      return fake;
    },
  },
  {
    name: 'adapter',
    make: (functions) => {
      lambda.on(GetFunctionConfigurationCommand).callsFake(async (input: { FunctionName?: string }) => {
        const env = functions[input.FunctionName ?? ''];
        if (env === undefined)
          throw new ResourceNotFoundException({
            $metadata: {},
            message: `Function not found: ${input.FunctionName}`,
          });
        return {
          FunctionName: input.FunctionName,
          ...(env === null ? {} : { Environment: { Variables: env } }),
        };
      });
      return new LambdaDeployedStage({ client: new LambdaClient({ region: 'us-east-1' }) });
    },
  },
];

describe.each(implementations)('DeployedStage contract: $name', ({ make }) => {
  it("reads a deployed function's environment", async () => {
    const stage = make({
      'tenantflow-prod-step': { RESOURCE_PREFIX: 'acme', SHARED_STACK_NAME: 'acme-shared' },
    });
    expect(await stage.environmentOf('tenantflow-prod-step')).toEqual({
      RESOURCE_PREFIX: 'acme',
      SHARED_STACK_NAME: 'acme-shared',
    });
  });

  it('answers undefined for a function that is not there, and {} for one with no variables', async () => {
    const stage = make({ 'tenantflow-bare-step': null });
    expect(await stage.environmentOf('tenantflow-prod-step')).toBeUndefined();
    expect(await stage.environmentOf('tenantflow-bare-step')).toEqual({});
  });
});

describe('LambdaDeployedStage errors', () => {
  it('turns throttling into a ThrottledError and a denial into a fatal one', async () => {
    lambda
      .on(GetFunctionConfigurationCommand)
      .rejectsOnce(
        Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException', $metadata: {} }),
      )
      .rejectsOnce(
        Object.assign(new Error('not allowed'), {
          name: 'AccessDeniedException',
          $fault: 'client',
          $metadata: {},
        }),
      );
    const stage = new LambdaDeployedStage({ client: new LambdaClient({ region: 'us-east-1' }) });
    const errors = [
      await stage.environmentOf('f').catch((error: unknown) => error),
      await stage.environmentOf('f').catch((error: unknown) => error),
    ];
    expect(errors.map((error) => (error as Error).name)).toEqual(['ThrottledError', 'FatalError']);
    expect((errors[1] as Error).message).toContain('Lambda GetFunctionConfiguration f');
  });
});
