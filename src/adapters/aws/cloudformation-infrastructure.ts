import {
  CloudFormationClient,
  type CloudFormationClientConfig,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { z } from 'zod';
import { FatalError } from '../../domain/errors.ts';
import type { SharedInfrastructure, SharedInfrastructureLookup } from '../../ports/shared-infrastructure.ts';
import { type ClientOptions, resolveClient } from './client-options.ts';
import { translateAwsError } from './errors.ts';

/** Options of {@link CloudFormationInfrastructure}: the client (or its config) and the shared stack. */
export type CloudFormationInfrastructureOptions = ClientOptions<
  CloudFormationClient,
  CloudFormationClientConfig
> & {
  stackName: string;
};

const text = z.string().trim().min(1);

/** Each field of {@link SharedInfrastructure}, the stack output it comes from and how it is read. */
const OUTPUTS = {
  vpcId: ['VpcId', text],
  privateSubnetIds: [
    'PrivateSubnetIds',
    text.transform((value) =>
      value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    ),
  ],
  serviceSecurityGroupId: ['ServiceSecurityGroupId', text],
  loadBalancerArn: ['LoadBalancerArn', text],
  listenerArn: ['ListenerArn', text],
  clusterName: ['ClusterName', text],
  pooledServiceName: ['PooledServiceName', text],
  pooledTargetGroupArn: ['PooledTargetGroupArn', text],
  executionRoleArn: ['TaskExecutionRoleArn', text],
  taskRoleArn: ['TaskRoleArn', text],
  logGroupName: ['LogGroupName', text],
  tenantImage: ['TenantImage', text],
  containerPort: ['ContainerPort', z.coerce.number().int().min(1).max(65535)],
} as const;

const readOutput = <T>(outputs: Map<string, string>, key: string, schema: z.ZodType<T>, stack: string): T => {
  const result = schema.safeParse(outputs.get(key));
  if (result.success) return result.data;
  const problem = outputs.has(key) ? `is invalid (${result.error.issues[0]?.message})` : 'is missing';
  throw new FatalError(`CloudFormation stack ${stack}: output ${key} ${problem}`, { cause: result.error });
};

/**
 * {@link SharedInfrastructureLookup} from the outputs of the shared CloudFormation stack. The lookup
 * runs once per instance (once per Lambda container); a failed lookup is forgotten so the next call retries.
 */
export class CloudFormationInfrastructure implements SharedInfrastructureLookup {
  readonly #client: CloudFormationClient;
  readonly #stackName: string;
  #cached: Promise<SharedInfrastructure> | undefined;

  constructor(options: CloudFormationInfrastructureOptions) {
    this.#client = resolveClient(
      'CloudFormationInfrastructure',
      options,
      (config) => new CloudFormationClient(config ?? {}),
    );
    this.#stackName = options.stackName;
  }

  get(): Promise<SharedInfrastructure> {
    if (!this.#cached) {
      const lookup = this.#lookup();
      this.#cached = lookup;
      lookup.catch(() => {
        if (this.#cached === lookup) this.#cached = undefined;
      });
    }
    return this.#cached;
  }

  async #lookup(): Promise<SharedInfrastructure> {
    const stack = this.#stackName;
    let outputs: Map<string, string>;
    try {
      const out = await this.#client.send(new DescribeStacksCommand({ StackName: stack }));
      outputs = new Map(
        (out.Stacks?.[0]?.Outputs ?? []).flatMap((output) =>
          output.OutputKey && output.OutputValue !== undefined
            ? [[output.OutputKey, output.OutputValue] as const]
            : [],
        ),
      );
    } catch (error) {
      throw translateAwsError(error, `CloudFormation DescribeStacks ${stack}`);
    }
    return {
      vpcId: readOutput(outputs, ...OUTPUTS.vpcId, stack),
      privateSubnetIds: readOutput(outputs, ...OUTPUTS.privateSubnetIds, stack),
      serviceSecurityGroupId: readOutput(outputs, ...OUTPUTS.serviceSecurityGroupId, stack),
      loadBalancerArn: readOutput(outputs, ...OUTPUTS.loadBalancerArn, stack),
      listenerArn: readOutput(outputs, ...OUTPUTS.listenerArn, stack),
      clusterName: readOutput(outputs, ...OUTPUTS.clusterName, stack),
      pooledServiceName: readOutput(outputs, ...OUTPUTS.pooledServiceName, stack),
      pooledTargetGroupArn: readOutput(outputs, ...OUTPUTS.pooledTargetGroupArn, stack),
      executionRoleArn: readOutput(outputs, ...OUTPUTS.executionRoleArn, stack),
      taskRoleArn: readOutput(outputs, ...OUTPUTS.taskRoleArn, stack),
      logGroupName: readOutput(outputs, ...OUTPUTS.logGroupName, stack),
      tenantImage: readOutput(outputs, ...OUTPUTS.tenantImage, stack),
      containerPort: readOutput(outputs, ...OUTPUTS.containerPort, stack),
    };
  }
}
