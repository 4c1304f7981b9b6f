import type { PutEventsCommandInput, PutEventsCommandOutput } from '@aws-sdk/client-eventbridge';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoStatusLedger } from '../../adapters/aws/dynamo-status-ledger.ts';
import { EcsContainerPlatform } from '../../adapters/aws/ecs-container-platform.ts';
import { EventBridgePublisher } from '../../adapters/aws/eventbridge-publisher.ts';
import { StepFunctionsHistory } from '../../adapters/aws/step-functions-history.ts';
import { StepFunctionsStarter } from '../../adapters/aws/step-functions-starter.ts';
import { TaggingDiscovery } from '../../adapters/aws/tagging-discovery.ts';
import { loadConfig } from '../../config.ts';
import { deployedStateMachineName } from '../../domain/deployment.ts';
import { MANAGED_BY, TAG_KEYS, tagValue } from '../../domain/naming.ts';
import { MACHINE_IDS, type MachineId } from '../../domain/saga.ts';
import { type AwsClients, awsClients } from '../../handlers/wiring.ts';
import { ecsNamesOfArn } from '../../ports/resource-discovery.ts';
import type { DeployedExecution } from '../../ports/workflow.ts';
import type { InventoryItem } from '../sim/inventory.ts';
import type { CloudBackend } from './backend.ts';
import {
  type DeployedRunDeps,
  type FollowedByName,
  type FollowOptions,
  followByName,
  followExecution,
  runOnDeployed,
} from './deployed-run.ts';
import type { PublishedEvent } from './replay-result.ts';

/** Where `--target aws` points: a region (and profile) of a real AWS API, and the installation's names. */
export interface AwsTarget {
  region: string;
  profile?: string;
  /** The deployed stage (`tenantflow-<stage>-…` names), default dev. */
  stage: string;
  /** The tenant table; default `tenantflow-<stage>-tenants`, the deployed one. */
  table: string;
  /** The shared infrastructure's CloudFormation stack (infra/shared.yaml), default tenantflow-shared. */
  sharedStack: string;
  /** SBT's event bus, where the status events go; needed only by commands that run a saga. */
  sbtBus?: string;
  /** The deployed stage's settings (catalogue, prefix, sources…) the runtime's configuration starts from. */
  settings?: Readonly<Record<string, string>>;
  /** Where those came from, in words (the deployed stage, or the defaults). */
  origin?: string;
  /**
   * Requests go to the deployed stage's state machines (their ARNs), followed to their end unless
   * `wait` is false; absent: sagas run in this process (`--in-process`).
   */
  deployment?: { machineArns: Readonly<Record<MachineId, string>>; wait: boolean };
}

/**
 * The SBT bus of a command that sends nothing: loadConfig requires one, and nothing here will use it.
 * A saga-running command is refused without `--sbt-bus` before it gets this far.
 */
const READ_ONLY_BUS = 'tenantflow-read-only-command';

/** Between two DescribeExecution calls while following a deployed execution (TENANTFLOW_WAIT_MS overrides). */
const DEPLOYED_POLL_MS = 2000;

export type { DeployedExecution };

/**
 * Records the events this process put on EventBridge and EventBridge accepted (the status events):
 * a replay reports the one that answered its request, as it does locally from the simulated bus.
 */
const recordPutEvents = (clients: AwsClients, published: PublishedEvent[]): void => {
  clients.eventbridge.middlewareStack.add(
    (next) => async (args) => {
      const output = await next(args);
      const input = args.input as PutEventsCommandInput;
      const results = (output.output as PutEventsCommandOutput).Entries ?? [];
      for (const [index, entry] of (input.Entries ?? []).entries()) {
        // Only what EventBridge accepted: a failed entry is retried by the publisher, not sent.
        if (!entry.Source || !entry.DetailType || !results[index]?.EventId) continue;
        let detail: unknown = entry.Detail;
        try {
          detail = JSON.parse(entry.Detail ?? 'null');
        } catch {
          // kept as the string it was
        }
        published.push({ source: entry.Source, detailType: entry.DetailType, detail });
      }
      return output;
    },
    { step: 'initialize', name: 'tenantflowRecordPutEvents' },
  );
};

const itemOf = (arn: string, type: string, tags: Array<{ key: string; value: string }>): InventoryItem => {
  const [, , service = '', , , resource = ''] = arn.split(':');
  const tenantId = tagValue(tags, TAG_KEYS.tenantId);
  const tier = tagValue(tags, TAG_KEYS.tier);
  return {
    service: service === 'elasticloadbalancing' ? 'elbv2' : service,
    type,
    id: resource.split('/').slice(1).join('/') || resource,
    arn,
    ...(tenantId ? { tenantId } : {}),
    ...(tier ? { tier } : {}),
    status: 'tagged',
  };
};

/**
 * The backend of `--target aws`: real SDK clients (the standard credential chain, `--profile`,
 * `AWS_ENDPOINT_URL` for an AWS-compatible endpoint), the installation's table and shared stack.
 * Wait states keep their real seconds unless `TENANTFLOW_WAIT_MS` says otherwise (an emulator).
 */
/** Follows a deployed execution by name, from any machine (see {@link followByName}). */
export type DeployedFollower = (name: string, options: FollowOptions) => Promise<FollowedByName | undefined>;

/** How often a deployed execution is looked at while it is followed (TENANTFLOW_WAIT_MS: an emulator's). */
const followPollMs = (): number => {
  const waitMs = process.env.TENANTFLOW_WAIT_MS;
  return waitMs && Number(waitMs) >= 0 ? Number(waitMs) : DEPLOYED_POLL_MS;
};

/**
 * Follows the deployed stage's executions with a Step Functions client of its own: no runtime, no
 * state dir, no lock (`tenantflow follow` beside a command that is following the same execution).
 */
export const deployedFollower = (
  target: AwsTarget,
): { follow: DeployedFollower; stop(): void } | undefined => {
  const deployment = target.deployment;
  if (!deployment) return undefined;
  const client = new SFNClient({
    region: target.region,
    ...(target.profile ? { profile: target.profile } : {}),
  });
  const starter = new StepFunctionsStarter({ client, stateMachineArns: deployment.machineArns });
  const deps = {
    lookup: starter,
    history: starter,
    sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
    pollMs: followPollMs(),
  };
  return {
    follow: (name, options) => followByName(name, MACHINE_IDS, deps, options),
    stop: () => client.destroy(),
  };
};

export const awsBackend = (
  target: AwsTarget,
): CloudBackend & {
  deployedExecutions(all: boolean): Promise<DeployedExecution[]>;
} => {
  const clients = awsClients(target.region, target.profile ? { profile: target.profile } : {});
  const published: PublishedEvent[] = [];
  recordPutEvents(clients, published);
  const waitMs = process.env.TENANTFLOW_WAIT_MS;
  const endpoint = process.env.AWS_ENDPOINT_URL;
  const env = {
    ...target.settings,
    AWS_REGION: target.region,
    TENANT_TABLE: target.table,
    SHARED_STACK_NAME: target.sharedStack,
    SBT_EVENT_BUS: target.sbtBus ?? READ_ONLY_BUS,
  };
  const deployment = target.deployment;
  const deployed = deployment
    ? (() => {
        const config = loadConfig(env);
        const starter = new StepFunctionsStarter({
          client: clients.sfn,
          stateMachineArns: deployment.machineArns,
        });
        const deps: DeployedRunDeps = {
          config,
          starter,
          lookup: starter,
          history: starter,
          events: new EventBridgePublisher({
            client: clients.eventbridge,
            eventBusName: config.eventBusName,
          }),
          ledger: new DynamoStatusLedger({ client: clients.dynamo, tableName: config.tableName }),
          now: () => new Date(),
          sleep: (ms: number) => new Promise((resolve) => setTimeout(resolve, ms)),
          pollMs: followPollMs(),
        };
        const followHint = (execution: string) =>
          `follow it again with: tenantflow follow ${execution} --target aws --stage ${target.stage}`;
        const hooks: Pick<Required<CloudBackend>, 'runOne' | 'runMachine'> = {
          runOne: (raw, signal, onProgress) =>
            runOnDeployed(raw, deps, { wait: deployment.wait, signal, followHint, onProgress }),
          async runMachine(machine, name, input, options) {
            await starter.start(machine, name, input);
            if (!deployment.wait) return undefined;
            return (await followExecution(machine, name, deps, options))?.end;
          },
        };
        return hooks;
      })()
    : undefined;
  return {
    clients,
    ...deployed,
    env,
    timings: { waitMs: waitMs && Number(waitMs) >= 0 ? Number(waitMs) : null, retryMs: null },
    published: (from = 0) => published.slice(from),
    publishedCount: () => published.length,
    async resources() {
      const found = await new TaggingDiscovery({ client: clients.tagging }).tagged(
        TAG_KEYS.managedBy,
        MANAGED_BY,
      );
      // The tag index goes on listing deleted ECS services and clusters (INACTIVE) for a while: each
      // is asked of ECS, and what is gone is left out.
      const ecs = new EcsContainerPlatform({ client: clients.ecs });
      const items: InventoryItem[] = [];
      for (const resource of found) {
        const item = itemOf(resource.arn, resource.type, resource.tags);
        const { cluster, name } = ecsNamesOfArn(resource.arn);
        const status =
          resource.type === 'service'
            ? (await ecs.describeService(cluster, name))?.status
            : resource.type === 'cluster'
              ? (await ecs.describeCluster(cluster))?.status
              : item.status;
        if (status === undefined || status === 'INACTIVE') continue;
        items.push({ ...item, status });
      }
      return items;
    },
    describe: () =>
      `AWS (real calls): region ${target.region}${target.profile ? `, profile ${target.profile}` : ''}, endpoint ${endpoint ?? "the region's"}; tenant table ${target.table}, shared stack ${target.sharedStack}${target.sbtBus ? `, status events to ${target.sbtBus}` : ''}${target.origin ? `; settings: ${target.origin}` : ''}${deployment ? '; requests run on the deployed state machines' : '; sagas run in this process'}`,
    save: () => {},
    async stop() {
      for (const client of Object.values(clients)) client.destroy();
    },
    deployedExecutions: (all) =>
      new StepFunctionsHistory({ client: clients.sfn }).list(
        new Map(MACHINE_IDS.map((machine) => [deployedStateMachineName(target.stage, machine), machine])),
        all,
      ),
  };
};
