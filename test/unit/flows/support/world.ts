/**
 * The shared state of the mocked AWS account the flow tests run against: what exists, every call
 * made (in order, across services), and the faults to inject. The per-service fakes read and write it.
 */
import type { HealthCheck } from '../../../../src/ports/load-balancer.ts';

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';

/** What a call did to the account, for the compensation checks: created or deleted `resource`. */
export type Effect = { kind: 'created' | 'deleted'; resource: string };

/** One AWS call: `ECS.CreateCluster`, …; `error` is the SDK exception name when it was rejected. */
export interface CallRecord {
  call: string;
  input: unknown;
  error?: string;
  effect?: Effect;
}

/** Tags as ECS writes them (`key`/`value`). */
export type Tags = { key: string; value: string }[];

export interface ClusterState {
  arn: string;
  name: string;
  status: 'ACTIVE';
  tags: Tags;
}

export interface TaskDefinitionState {
  arn: string;
  family: string;
  revision: number;
  status: 'ACTIVE' | 'INACTIVE' | 'DELETE_IN_PROGRESS';
  tags: Tags;
}

export interface ServiceState {
  arn: string;
  name: string;
  cluster: string;
  desiredCount: number;
  taskDefinition: string;
  targetGroupArns: string[];
  tags: Tags;
  /** Number of DescribeServices answers since creation: the first shows the rollout in progress. */
  describes: number;
  /** The client token it was created with. */
  clientToken?: string;
}

export interface TargetGroupState {
  arn: string;
  name: string;
  port: number;
  vpcId: string;
  /** CreateTargetGroup's and ModifyTargetGroup's health check fields, as given. */
  healthCheck: HealthCheck;
  /** deregistration_delay.timeout_seconds. */
  drainSeconds: number;
  tags: Tags;
}

export interface RuleState {
  arn: string;
  priority: string;
  headerValues: string[];
  targetGroupArn: string;
  isDefault: boolean;
  tags: Tags;
}

/** The mocked account. */
export interface World {
  clusters: Map<string, ClusterState>;
  taskDefinitions: TaskDefinitionState[];
  services: ServiceState[];
  targetGroups: TargetGroupState[];
  rules: RuleState[];
  /** Every call, in order, across ECS, ELBv2, CloudFormation and EventBridge. */
  log: CallRecord[];
  /** Faults by call name (`ECS.CreateService`): every such call is rejected with the error. */
  faults: Map<string, Error>;
  nextId: number;
}

export const emptyWorld = (): World => ({
  clusters: new Map(),
  taskDefinitions: [],
  services: [],
  targetGroups: [],
  rules: [],
  log: [],
  faults: new Map(),
  nextId: 1,
});

/** A fresh hex id for ARNs, deterministic within one test. */
export const nextHex = (world: World): string => {
  const id = world.nextId;
  world.nextId += 1;
  return id.toString(16).padStart(16, '0');
};

/** A steady service (rollout done, every task running): the second look after creation. */
export const isSteady = (service: ServiceState): boolean => service.describes >= 2;

/**
 * Runs `handler` as the mocked answer to `call`: an injected fault rejects it, and the call (with
 * the error name, if any, and its effect on the account) goes into the log either way.
 */
export const answer = <I, O>(
  world: World,
  call: string,
  input: I,
  handler: (input: I) => { output: O; effect?: Effect },
): O => {
  const fault = world.faults.get(call);
  if (fault) {
    world.log.push({ call, input, error: fault.name });
    throw fault;
  }
  try {
    const { output, effect } = handler(input);
    world.log.push({ call, input, ...(effect ? { effect } : {}) });
    return output;
  } catch (error) {
    world.log.push({ call, input, error: error instanceof Error ? error.name : String(error) });
    throw error;
  }
};

/** Response metadata as the SDK fills it in for a 200. */
export const ok = (world: World) => ({
  $metadata: { httpStatusCode: 200, requestId: `req-${nextHex(world)}`, attempts: 1, totalRetryDelay: 0 },
});

/** Error metadata for the SDK exception classes. */
export const failed = (status: number) => ({ $metadata: { httpStatusCode: status, attempts: 1 } });
