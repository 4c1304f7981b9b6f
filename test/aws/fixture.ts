/**
 * What `npm run test:aws` deploys into moto before the sagas run, and how it drives the CLI. Every
 * work-around for what moto does not emulate lives here, in the suite, never in the product:
 * - its CloudFormation has no `Fn::Cidr`: the four subnet blocks of the template's default /16 are
 *   written out before CreateStack;
 * - its ECS runs no tasks and registers no targets: a registrar in the test process puts a target
 *   into each target group a live service names, as ECS would (and into the pooled group, which
 *   moto's CloudFormation leaves off the pooled service), and moto_server is started with
 *   MOTO_ECS_SERVICE_RUNNING (see moto.ts);
 * - its Tagging API's GetResources fails (a server error) while any ECS cluster or service has no
 *   tags at all: moto's CloudFormation makes the shared cluster and the pooled service so, and the
 *   suite tags both once;
 * - the orchestrator's own stack (serverless.ts) is not deployed: its table is made from the same
 *   definition (infra/deploy/resources.ts), and its state machines from the committed ASL.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  type Output,
} from '@aws-sdk/client-cloudformation';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListClustersCommand,
  ListServicesCommand,
  TagResourceCommand,
} from '@aws-sdk/client-ecs';
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CreateStateMachineCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { deployedStateMachineName, deployedTableName, OSLS_SETTINGS } from '../../infra/deploy/names.ts';
import { tenantTable } from '../../infra/deploy/resources.ts';
import { readTemplate } from '../../infra/template.ts';
import { loadConfig } from '../../src/config.ts';
import type { Operation } from '../../src/domain/operations.ts';
import { MACHINE_IDS } from '../../src/domain/saga.ts';
import { projectPath } from '../../src/project-root.ts';

export const REGION = 'us-east-1';
export const STAGE = 'awscompat';
export const SHARED_STACK = 'tenantflow-shared';
export const SBT_BUS = 'sbt-control-plane-compat';
export const TABLE = deployedTableName(STAGE);

/** Clients of the suite's own checks (the CLI builds its own, from AWS_ENDPOINT_URL). */
export const clientsFor = (endpoint: string) => {
  const config = { region: REGION, endpoint, credentials: { accessKeyId: 'moto', secretAccessKey: 'moto' } };
  return {
    cfn: new CloudFormationClient(config),
    dynamo: new DynamoDBClient(config),
    ecs: new ECSClient(config),
    elb: new ElasticLoadBalancingV2Client(config),
    events: new EventBridgeClient(config),
    sfn: new SFNClient(config),
  };
};
export type Clients = ReturnType<typeof clientsFor>;

/** The four /20 blocks infra/shared.yaml's `!Cidr [VpcCidr, 4, 12]` gives for its default 10.20.0.0/16. */
const SUBNET_BLOCKS = ['10.20.0.0/20', '10.20.16.0/20', '10.20.32.0/20', '10.20.48.0/20'];

/** The template with every `Fn::Cidr` replaced by its value (moto's CloudFormation lacks the function). */
const withoutCidr = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(withoutCidr);
  if (typeof value !== 'object' || value === null) return value;
  if ('Fn::Cidr' in value) return SUBNET_BLOCKS;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, withoutCidr(inner)]));
};

/** Deploys the shared stack, the tenant table, SBT's bus and the deployed state machines; returns the stack outputs. */
/** Creates a stack from `template` and waits until it is made; returns it (its outputs). */
export const createStack = async (
  clients: Clients,
  name: string,
  template: unknown,
  parameters: Record<string, string> = {},
) => {
  await clients.cfn.send(
    new CreateStackCommand({
      StackName: name,
      TemplateBody: JSON.stringify(template),
      Parameters: Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({
        ParameterKey,
        ParameterValue,
      })),
      Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
    }),
  );
  for (let attempt = 0; ; attempt += 1) {
    const stack = (await clients.cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
    if (stack?.StackStatus === 'CREATE_COMPLETE') return stack;
    if (!stack?.StackStatus?.endsWith('IN_PROGRESS') || attempt > 300)
      throw new Error(`${name}: ${stack?.StackStatus} ${stack?.StackStatusReason ?? ''}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

/** infra/shared.yaml as stack `name` (two load balancer shards: the sagas read a sharded stack). */
export const deploySharedStack = (clients: Clients, name: string) =>
  createStack(clients, name, withoutCidr(readTemplate()), { LoadBalancerShards: '2' });

/** The outputs of a stack, by key. */
export const outputsOf = (stack: { Outputs?: Output[] }): Map<string, string> =>
  new Map((stack.Outputs ?? []).map((output: Output) => [output.OutputKey ?? '', output.OutputValue ?? '']));

/**
 * Tags every ECS cluster and service (moto's Tagging API fails while one has no tags at all, and its
 * CloudFormation makes the shared cluster and pooled service so).
 */
export const tagUntaggedEcs = async (clients: Clients): Promise<void> => {
  for (const cluster of (await clients.ecs.send(new ListClustersCommand({}))).clusterArns ?? []) {
    const services = (await clients.ecs.send(new ListServicesCommand({ cluster }))).serviceArns ?? [];
    for (const resourceArn of [cluster, ...services])
      await clients.ecs.send(
        new TagResourceCommand({
          resourceArn,
          tags: [{ key: 'Name', value: 'shared, tagged by the suite' }],
        }),
      );
  }
};

export const deploy = async (clients: Clients): Promise<Map<string, string>> => {
  const stack = await deploySharedStack(clients, SHARED_STACK);
  const table = tenantTable(OSLS_SETTINGS).Properties;
  await clients.dynamo.send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: table.BillingMode as 'PAY_PER_REQUEST',
      AttributeDefinitions: table.AttributeDefinitions.map((a) => ({
        ...a,
        AttributeType: a.AttributeType as 'S',
      })),
      KeySchema: table.KeySchema.map((k) => ({ ...k, KeyType: k.KeyType as 'HASH' | 'RANGE' })),
    }),
  );
  await clients.events.send(new CreateEventBusCommand({ Name: SBT_BUS }));
  await tagUntaggedEcs(clients);
  for (const machine of MACHINE_IDS) {
    await clients.sfn.send(
      new CreateStateMachineCommand({
        name: deployedStateMachineName(STAGE, machine),
        definition: readFileSync(projectPath('state-machines', `${machine}.asl.json`), 'utf8'),
        roleArn: 'arn:aws:iam::123456789012:role/tenantflow-awscompat-states',
      }),
    );
  }
  return outputsOf(stack);
};

/** Starts one execution on a deployed machine (moto records it; it runs nothing). */
export const startDeployedExecution = async (clients: Clients, name: string): Promise<void> => {
  const arn = `arn:aws:states:${REGION}:123456789012:stateMachine:${deployedStateMachineName(STAGE, 'onboarding')}`;
  await clients.sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name, input: '{}' }));
};

/**
 * Stands in for what ECS does when a service's tasks start (moto runs no tasks): registers a target
 * (an IP of the private subnets) in each target group a live service names, once, when the service's
 * task definition has the container and port its binding names. Returns the stop function.
 */
export const startTargetRegistrar = (
  clients: Clients,
  pooledTargetGroupArn: string,
): (() => Promise<void>) => {
  const done = new Set<string>();
  let stopped = false;
  const register = async (targetGroupArn: string) => {
    if (done.has(targetGroupArn)) return;
    const health = await clients.elb.send(
      new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }),
    );
    if ((health.TargetHealthDescriptions ?? []).length === 0)
      await clients.elb.send(
        new RegisterTargetsCommand({
          TargetGroupArn: targetGroupArn,
          Targets: [{ Id: '10.20.32.10', Port: 80 }],
        }),
      );
    done.add(targetGroupArn);
  };
  const sweep = async () => {
    await register(pooledTargetGroupArn);
    for (const cluster of (await clients.ecs.send(new ListClustersCommand({}))).clusterArns ?? []) {
      const arns = (await clients.ecs.send(new ListServicesCommand({ cluster }))).serviceArns ?? [];
      if (arns.length === 0) continue;
      const services = (await clients.ecs.send(new DescribeServicesCommand({ cluster, services: arns })))
        .services;
      for (const service of services ?? []) {
        if (service.status !== 'ACTIVE') continue;
        // Only a binding ECS could serve: the task definition has that container, and it maps that
        // port (a service wired to the wrong container or port gets no target, and never turns ready).
        const definition = (
          await clients.ecs.send(
            new DescribeTaskDefinitionCommand({ taskDefinition: service.taskDefinition }),
          )
        ).taskDefinition;
        for (const lb of service.loadBalancers ?? []) {
          const container = definition?.containerDefinitions?.find((c) => c.name === lb.containerName);
          const mapped = container?.portMappings?.some((m) => m.containerPort === lb.containerPort);
          if (lb.targetGroupArn && mapped) await register(lb.targetGroupArn).catch(() => {});
        }
      }
    }
  };
  const loop = (async () => {
    while (!stopped) {
      await sweep().catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
};

const contract = loadConfig({ SBT_EVENT_BUS: SBT_BUS }).contract;

/** A tenant of the suite: fresh ids per run. */
export interface Tenant {
  tenantId: string;
  registrationId: string;
  name: string;
  tier: string;
}

export const newTenant = (tier: string): Tenant => ({
  tenantId: randomUUID(),
  registrationId: randomUUID(),
  name: `compat-${tier}-${randomUUID().slice(0, 8)}`,
  tier,
});

/** The SBT event that requests `operation` for `tenant` (the detail-type from the contract). */
export const sbtEvent = (operation: Operation, tenant: Tenant, tier: string = tenant.tier) => ({
  version: '0',
  id: randomUUID(),
  'detail-type': contract.inbound[operation][0],
  source: contract.controlPlaneSources[0],
  account: '123456789012',
  time: new Date().toISOString(),
  region: REGION,
  resources: [],
  detail: {
    tenantId: tenant.tenantId,
    tenantRegistrationId: tenant.registrationId,
    tenantName: tenant.name,
    email: `ops@${tenant.name}.example`,
    tier,
  },
});

/** The commands that run a saga (or a rollout, or add a shard). */
const RUNS_WORK: ReadonlySet<string> = new Set(['replay', 'retry', 'migrate', 'update', 'shards']);

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout's JSON lines, parsed. */
  json: unknown[];
}

/**
 * `tenantflow <args> --target aws` as a user runs it, with AWS_ENDPOINT_URL pointed at moto: the
 * standard credential chain (keys in the environment), Wait states shortened for the emulator.
 */
export const cli = (
  endpoint: string,
  stateDir: string,
  args: string[],
  options: { stage?: string } = {},
): Promise<CliRun> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        projectPath('bin', 'tenantflow.mjs'),
        ...args,
        // moto runs no Lambda: sagas run in this process, against it (the deployed path is unit-tested).
        ...(RUNS_WORK.has(args[0] ?? '') && !args.includes('--no-wait') ? ['--in-process'] : []),
        '--target',
        'aws',
        '--region',
        REGION,
        '--stage',
        options.stage ?? STAGE,
        '--state-dir',
        stateDir,
      ],
      {
        cwd: projectPath(),
        env: {
          ...process.env,
          AWS_ENDPOINT_URL: endpoint,
          AWS_ACCESS_KEY_ID: 'moto',
          AWS_SECRET_ACCESS_KEY: 'moto',
          AWS_REGION: REGION,
          TENANTFLOW_WAIT_MS: '50',
          NO_COLOR: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => {
      const json = stdout
        .split('\n')
        .filter((line) => line.startsWith('{') || line.startsWith('['))
        .map((line) => JSON.parse(line) as unknown);
      resolve({ code, stdout, stderr, json });
    });
  });
