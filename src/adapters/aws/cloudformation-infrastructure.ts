import {
  CloudFormationClient,
  type CloudFormationClientConfig,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { z } from 'zod';
import { FatalError } from '../../domain/errors.ts';
import { type LoadBalancerShard, MAX_SHARDS } from '../../domain/shards.ts';
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
const list = text.transform((value) =>
  value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean),
);

/** Each field of {@link SharedInfrastructure}, the stack output it comes from and how it is read. */
const OUTPUTS = {
  vpcId: ['VpcId', text],
  privateSubnetIds: ['PrivateSubnetIds', list],
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

/** The outputs of shard `n` (2..MAX_SHARDS; the first shard's are LoadBalancerArn, ListenerArn, LoadBalancerDnsName). */
const shardOutputs = (n: number) =>
  ({
    loadBalancerArn: `Shard${n}LoadBalancerArn`,
    listenerArn: `Shard${n}ListenerArn`,
    dnsName: `Shard${n}DnsName`,
  }) as const;

/**
 * Every shard the stack declares: the first always, then shard 2, 3, … while its listener output
 * names a listener of its own.
 */
const readShards = (outputs: Map<string, string>, stack: string): LoadBalancerShard[] => {
  const shards: LoadBalancerShard[] = [
    {
      index: 0,
      loadBalancerArn: readOutput(outputs, 'LoadBalancerArn', text, stack),
      listenerArn: readOutput(outputs, 'ListenerArn', text, stack),
      dnsName: readOutput(outputs, 'LoadBalancerDnsName', text, stack),
    },
  ];
  for (let n = 2; n <= MAX_SHARDS; n += 1) {
    const keys = shardOutputs(n);
    // Exported for every n (for the orchestrator's IAM), as the first listener when not declared.
    const listener = outputs.get(keys.listenerArn);
    if (listener === undefined || listener === shards[0]?.listenerArn) break;
    shards.push({
      index: n - 1,
      loadBalancerArn: readOutput(outputs, keys.loadBalancerArn, text, stack),
      listenerArn: readOutput(outputs, keys.listenerArn, text, stack),
      dnsName: readOutput(outputs, keys.dnsName, text, stack),
    });
  }
  return shards;
};

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
      shards: readShards(outputs, stack),
      // Stacks made before the shard machine lack these: only adding a shard needs them.
      ...(outputs.has('PublicSubnetIds')
        ? { publicSubnetIds: readOutput(outputs, 'PublicSubnetIds', list, stack) }
        : {}),
      ...(outputs.has('LoadBalancerSecurityGroupId')
        ? { loadBalancerSecurityGroupId: readOutput(outputs, 'LoadBalancerSecurityGroupId', text, stack) }
        : {}),
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
