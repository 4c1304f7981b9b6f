import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type ContractConfig, operationRequestedBy } from '../../../events/contract.ts';
import { settleTarget } from '../../app/deployed-config.ts';
import { type RolloutEvent, type RolloutReport, rolloutEvents } from '../../app/rollout.ts';
import { loadConfig } from '../../config.ts';
import { isPooledTier, ownsService } from '../../domain/catalogue.ts';
import {
  DEFAULT_SHARED_STACK,
  deployedFunctionName,
  deployedStateMachineName,
  deployedTableName,
} from '../../domain/deployment.ts';
import { ValidationError } from '../../domain/errors.ts';
import { LIFECYCLE_ORDER } from '../../domain/operations.ts';
import { INITIAL_RELEASE, parseRelease, type Release } from '../../domain/release.ts';
import {
  describeWaves,
  MAX_BAKE_SECONDS,
  MAX_ROLLOUT_CONCURRENCY,
  parseRolloutRequest,
  parseWaves,
  planRollout,
  ROLLOUT_REQUEST,
  type RolloutRequest,
  type WaveTarget,
} from '../../domain/rollout.ts';
import type { RolloutState } from '../../domain/rollout-state.ts';
import { MACHINE_IDS } from '../../domain/saga.ts';
import type { TenantRecord } from '../../domain/tenant-record.ts';
import { stateMachineArns } from '../../handlers/wiring.ts';
import { cliSettings } from '../../local/runtime/backend.ts';
import {
  type AwsRuntime,
  type AwsTarget,
  awsStateDir,
  createAwsRuntime,
  createLocalRuntime,
  deployedFollower,
  LOCAL_SBT_BUS,
  type LocalRuntime,
  type LocalRuntimeOptions,
  NotAStateDirError,
  type RecoveredExecution,
  type ReplayResult,
  RequestNotRunError,
  type Runtime,
  requestAbort,
  type ShardView,
  StateDirBusyError,
} from '../../local/runtime/index.ts';
import { readRegistry } from '../../local/runtime/registry.ts';
import {
  foreignEntries,
  isStateDir,
  LOCK_FILE,
  lockHolder,
  lockStateDir,
  STATE_ENTRIES,
  STATE_MARKER,
} from '../../local/runtime/state-dir.ts';
import { type AwsTargetOptions, type Command, REPLAY_OUTCOMES } from '../args.ts';
import { type CliIo, EXIT, powertoolsToStderr, printable } from '../io.ts';
import { loadEvents } from '../load-events.ts';
import {
  executionJson,
  executionsJson,
  executionsText,
  inventoryText,
  reconcileText,
  recoveredText,
  resultJson,
  resultText,
  tenantText,
} from '../output.ts';
import { progressPrinter } from '../progress.ts';
import { sendToBus } from './to-bus.ts';

type Of<N extends Command['name']> = Extract<Command, { name: N }>;

/** A state directory problem (busy, not one) as the one-line diagnostic and exit code 2. */
const stateDirProblem = (error: unknown, io: CliIo): number | undefined => {
  if (error instanceof StateDirBusyError) {
    io.err(
      `tenantflow: ${error.message} (wait for it, or stop it; the next command recovers what it leaves)`,
    );
    return EXIT.usage;
  }
  if (error instanceof NotAStateDirError) {
    io.err(`tenantflow: ${error.message}`);
    return EXIT.usage;
  }
  return undefined;
};

/** A command line that cannot be acted on, found once the command runs (exit 2, one line). */
class UsageError extends Error {}

/**
 * The region of `--target aws`: the flag, else AWS_REGION / AWS_DEFAULT_REGION, else the one the
 * profile's config names (as the AWS CLI resolves it).
 */
const resolveRegion = async (aws: AwsTargetOptions): Promise<string> => {
  const region = aws.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (region) return region;
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  try {
    return await new DynamoDBClient(aws.profile ? { profile: aws.profile } : {}).config.region();
  } catch {
    throw new UsageError(
      `--region: none given, and neither AWS_REGION nor ${aws.profile ? `profile ${aws.profile}` : 'the default profile'} names one`,
    );
  }
};

/** The environment the stage's step function runs with, or undefined when it has none here. */
const deployedEnvironment = async (aws: AwsTargetOptions, region: string, functionName: string) => {
  const [{ LambdaClient }, { LambdaDeployedStage }] = await Promise.all([
    import('@aws-sdk/client-lambda'),
    import('../../adapters/aws/lambda-deployed-stage.ts'),
  ]);
  const client = new LambdaClient({ region, ...(aws.profile ? { profile: aws.profile } : {}) });
  try {
    return await new LambdaDeployedStage({ client }).environmentOf(functionName);
  } finally {
    client.destroy();
  }
};

/** The state machine ARNs a deployed function was given (every machine's, or a usage error naming the gap). */
const deployedMachines = (deployed: Readonly<Record<string, string>>, functionName: string) => {
  try {
    return stateMachineArns(deployed);
  } catch (error) {
    throw new UsageError(
      `${functionName} ${error instanceof Error ? error.message : String(error)}: redeploy the stage, or run the saga here with --in-process`,
    );
  }
};

/**
 * The AWS target of a command and its state directory (the target's own unless --state-dir says):
 * what the deployed stage runs with (its step function's configuration), flags and environment
 * that disagree with it refused.
 */
const awsTarget = async (
  aws: AwsTargetOptions,
  stateDir: string,
  needsBus: boolean,
  runs: 'requests' | 'nothing' = needsBus ? 'requests' : 'nothing',
) => {
  const region = await resolveRegion(aws);
  const functionName = deployedFunctionName(aws.stage, 'step');
  const deployed = await deployedEnvironment(aws, region, functionName);
  // Requests go to the deployed stage's machines; in this process only when asked (an emulator).
  if (runs !== 'nothing' && !aws.inProcess) {
    if (!deployed)
      throw new UsageError(
        `stage ${aws.stage} has no deployed function ${functionName} here, so nothing runs its state machines: deploy it, or run the saga in this process with --in-process (for an emulator such as moto)`,
      );
  }
  const settled = settleTarget({
    stage: aws.stage,
    functionName,
    deployed,
    flags: { table: aws.table, sharedStack: aws.sharedStack, sbtBus: aws.sbtBus },
    processEnv: process.env,
    defaults: { table: deployedTableName(aws.stage), sharedStack: DEFAULT_SHARED_STACK },
  });
  if (needsBus && !settled.sbtBus)
    throw new UsageError(
      `--sbt-bus: needed with --target aws by a command that runs a saga (its status events go to SBT's bus); ${settled.origin} names none`,
    );
  const target: AwsTarget = {
    region,
    ...(aws.profile ? { profile: aws.profile } : {}),
    stage: aws.stage,
    table: settled.table,
    sharedStack: settled.sharedStack,
    ...(settled.sbtBus ? { sbtBus: settled.sbtBus } : {}),
    settings: settled.env,
    origin: settled.origin,
    ...(runs === 'requests' && !aws.inProcess && deployed
      ? { deployment: { machineArns: deployedMachines(deployed, functionName), wait: !aws.noWait } }
      : {}),
  };
  return { target, stateDir: awsStateDir(stateDir, target) };
};

/** Which cloud a command works on: the embedded default, or `--target aws` (and whether it sends status events). */
type Where = {
  aws?: AwsTargetOptions | undefined;
  needsBus?: boolean;
  /** What the command runs: requests (on the deployed stage's state machines), or nothing. */
  runs?: 'requests' | 'nothing';
};

/**
 * Opens the runtime of the command's target (reporting what its recovery did), runs `body`,
 * always closes it.
 */
const withRuntime = async (
  options: LocalRuntimeOptions,
  io: CliIo,
  body: (runtime: Runtime, aws?: AwsRuntime) => Promise<number>,
  where: Where = {},
): Promise<number> => {
  let runtime: Runtime;
  let aws: AwsRuntime | undefined;
  const onRecovered = (item: RecoveredExecution) => {
    for (const line of recoveredText(item)) io.err(line);
  };
  try {
    if (where.aws) {
      const { target, stateDir } = await awsTarget(
        where.aws,
        options.stateDir,
        where.needsBus ?? false,
        where.runs ?? (where.needsBus ? 'requests' : 'nothing'),
      );
      aws = await createAwsRuntime({ ...options, stateDir, mustExist: false, onRecovered }, target);
      runtime = aws;
    } else
      runtime = await createLocalRuntime({ ...options, settings: cliSettings(process.env), onRecovered });
  } catch (error) {
    // A setting that does not hold (TIER_CATALOGUE not JSON, say) names itself.
    if (error instanceof UsageError || error instanceof ValidationError) {
      io.err(`tenantflow: ${error.message}`);
      return EXIT.usage;
    }
    const code = stateDirProblem(error, io);
    if (code !== undefined) return code;
    throw error;
  }
  try {
    return await body(runtime, aws);
  } finally {
    await runtime.close();
  }
};

/** Options of the commands that act on what earlier runs made: the state directory must exist; nothing is created. */
const reading = (stateDir: string): LocalRuntimeOptions => ({ stateDir, engine: 'asl', mustExist: true });

/**
 * Ctrl-C during a replay: the first stops starting events (the running one finishes and its result
 * is printed); the second exits at once, and the next command recovers what that leaves.
 */
const onInterrupt = (io: CliIo, controller: AbortController): (() => void) => {
  const handler = () => {
    if (controller.signal.aborted) {
      io.err('tenantflow: interrupted again: exiting now; the next command recovers the running execution');
      process.exit(130);
    }
    io.err(
      'tenantflow: interrupted: finishing the running event, starting no more (Ctrl-C again to quit now)',
    );
    controller.abort();
  };
  process.on('SIGINT', handler);
  return () => process.off('SIGINT', handler);
};

/** The command that follows a deployed execution again, from any machine (the stage and Region as given). */
const followCommand = (execution: string, aws: AwsTargetOptions | undefined): string =>
  [
    `tenantflow follow ${execution} --target aws`,
    ...(aws ? [`--stage ${aws.stage}`] : []),
    ...(aws?.region ? [`--region ${aws.region}`] : []),
    ...(aws?.profile ? [`--profile ${aws.profile}`] : []),
  ].join(' ');

/**
 * Ctrl-C while following an execution that runs on a deployed stage: stop following (the execution
 * runs on). Nothing is installed for work that runs in this process (Ctrl-C ends it as ever, and the
 * next command recovers it).
 */
const detachOnInterrupt = (
  io: CliIo,
  aws: AwsRuntime | undefined,
): { signal?: AbortSignal; stop: () => void } => {
  if (!aws?.onDeployedStage) return { stop: () => {} };
  const controller = new AbortController();
  const handler = () => {
    io.err('tenantflow: interrupted: no longer following; the execution runs on on the deployed stage');
    controller.abort();
  };
  process.once('SIGINT', handler);
  return { signal: controller.signal, stop: () => process.off('SIGINT', handler) };
};

/** `replay`: each event through the ingress handler and its saga, or onto a real bus with `--to-bus`. */
/** `N succeeded, N failed, …` over every outcome a replay can have (zeros too: nothing is hidden). */
const summaryLine = (results: readonly ReplayResult[]): string =>
  REPLAY_OUTCOMES.map((outcome) => `${results.filter((r) => r.outcome === outcome).length} ${outcome}`).join(
    ', ',
  );

/** Where an event stands in a tenant's life (unknown events last, as the ingress will reject them). */
const lifecycleRank =
  (contract: ContractConfig) =>
  (event: unknown): number => {
    const detailType = (event as { 'detail-type'?: unknown } | null)?.['detail-type'];
    const operation = typeof detailType === 'string' ? operationRequestedBy(contract, detailType) : undefined;
    return operation ? LIFECYCLE_ORDER.indexOf(operation) : LIFECYCLE_ORDER.length;
  };

export const replay = async (command: Of<'replay'>, io: CliIo): Promise<number> => {
  const loaded = await loadEvents(
    command.paths,
    lifecycleRank(loadConfig({ SBT_EVENT_BUS: LOCAL_SBT_BUS }).contract),
  );
  if (!loaded.ok) {
    io.err(`tenantflow: ${loaded.message}`);
    return EXIT.usage;
  }
  if (loaded.events.length === 0) {
    io.err(
      `tenantflow: no events found in ${command.paths.join(', ')} (a directory contributes its *.json files)`,
    );
    return EXIT.ok;
  }
  if (command.toBus) {
    const { EventBridgeClient } = await import('@aws-sdk/client-eventbridge');
    const client = new EventBridgeClient({
      ...(command.busRegion ? { region: command.busRegion } : {}),
      ...(command.busProfile ? { profile: command.busProfile } : {}),
    });
    return (await sendToBus(loaded.events, command.toBus, io, client, { json: command.json })).exitCode;
  }
  const { stateDir, engine, throttle, faults, verbose } = command;
  if (verbose) powertoolsToStderr();
  const progress = progressPrinter(io.err);
  const options = { stateDir, engine, throttle, faults, verbose, onProgress: progress.onProgress };
  return withRuntime(
    options,
    io,
    async (runtime) => {
      if (!command.json) io.err(runtime.describe());
      const controller = new AbortController();
      const stop = onInterrupt(io, controller);
      let answered = 0;
      try {
        const results = await runtime.replay(loaded.events, {
          signal: controller.signal,
          onResult: (result) => {
            progress.flush();
            const source = loaded.sources[answered++];
            if (command.json) io.out(resultJson(result, source));
            else for (const line of resultText(result, source)) io.out(line);
          },
        });
        progress.flush();
        if (!command.json) io.err(summaryLine(results));
        if (controller.signal.aborted) {
          io.err(`tenantflow: interrupted after ${results.length} of ${loaded.events.length} events`);
          return 130;
        }
        const failing = results.filter((result) => command.failOn.includes(result.outcome));
        if (failing.length > 0) {
          io.err(
            `tenantflow: ${failing.length} of ${results.length} events ended ${command.failOn.join(' or ')}`,
          );
          return EXIT.failed;
        }
        return EXIT.ok;
      } finally {
        stop();
      }
    },
    { aws: command.aws, needsBus: true },
  );
};

/** `status` and `list`: the tenant map records with each operation's step history. */
export const tenants = async (command: Of<'status'> | Of<'list'>, io: CliIo): Promise<number> =>
  withRuntime(
    reading(command.stateDir),
    io,
    async (runtime) => {
      if (command.name === 'status') {
        const found = await findTenants(runtime, command.tenantId);
        if (found.length === 0) {
          io.err(
            `tenantflow: no tenant ${command.tenantId} (by tenant id, registration id or name) in the tenant map of ${command.aws ? runtime.config.tableName : command.stateDir}`,
          );
          return EXIT.failed;
        }
        if (found.length > 1) {
          io.err(
            `tenantflow: ${found.length} tenants are called ${command.tenantId}; give one of their ids:`,
          );
          for (const record of found) io.err(`  ${record.tenantId}  ${record.lifecycleStatus}`);
          return EXIT.failed;
        }
        const [record] = found as [TenantRecord];
        if (command.json) io.out(JSON.stringify(record));
        else for (const line of [...tenantText(record, true), ...nextSteps(record)]) io.out(line);
        return EXIT.ok;
      }
      const records = (await runtime.tenants()).sort((a, b) => a.tenantId.localeCompare(b.tenantId));
      if (command.json) io.out(JSON.stringify(records));
      else if (records.length === 0) io.out('no tenants');
      else for (const record of records) for (const line of tenantText(record, false)) io.out(line);
      return EXIT.ok;
    },
    { aws: command.aws },
  );

/** The tenant `key` names: its id, else its registration id, else its name (any case). */
const findTenants = async (runtime: Runtime, key: string): Promise<TenantRecord[]> => {
  const byId = await runtime.tenant(key);
  if (byId) return [byId];
  const all = await runtime.tenants();
  const byRegistration = all.filter((record) => record.tenantRegistrationId === key);
  if (byRegistration.length > 0) return byRegistration;
  return all.filter((record) => record.tenantName.toLowerCase() === key.toLowerCase());
};

/** What an operator can do next about a tenant in this state, as commands. */
const nextSteps = (record: TenantRecord): string[] => {
  const id = record.tenantId;
  const steps: string[] = [];
  if (record.lock)
    steps.push(
      `an operation is running (${record.lock.execution}): wait for it, or stop it with tenantflow abort ${record.lock.execution}`,
    );
  else if (record.lifecycleStatus === 'FAILED' && record.lastError?.operation === 'update')
    steps.push(
      `it serves on release ${record.release?.version ?? INITIAL_RELEASE}: tenantflow retry ${id} settles it there, or tenantflow update ${id} --image … puts it on another`,
    );
  else if (record.lifecycleStatus === 'FAILED')
    steps.push(
      `retry what failed with tenantflow retry ${id}${record.lastError?.operation === 'offboard' ? '' : `, or remove the tenant with an offboarding`}`,
    );
  else if (record.lastError?.operation === 'update')
    steps.push(
      `its last update did not happen (${record.lastError.step}); it serves on release ${record.release?.version ?? INITIAL_RELEASE}`,
    );
  if (!record.lock && record.migration)
    steps.push(`remove what the migration left with tenantflow reconcile --repair --tenant ${id}`);
  return steps.map((step) => `  next: ${step}`);
};

/**
 * `inventory`: every resource of the simulated cloud and who owns it; with `--target aws`, every
 * resource carrying tenantflow's managed-by tag (the Resource Groups Tagging API).
 */
export const inventory = async (command: Of<'inventory'>, io: CliIo): Promise<number> =>
  withRuntime(
    reading(command.stateDir),
    io,
    async (runtime) => {
      const resources = await runtime.resources();
      if (command.json)
        io.out(JSON.stringify({ simulated: !command.aws, description: runtime.describe(), resources }));
      else for (const line of inventoryText(runtime.describe(), resources)) io.out(line);
      return EXIT.ok;
    },
    { aws: command.aws },
  );

/**
 * `executions`: every execution of the state directory, newest first. While another process holds
 * the directory it reads the execution registry as that process last wrote it (a consistent file:
 * every write replaces it whole), without recovering anything.
 */
export const executions = async (command: Of<'executions'>, io: CliIo): Promise<number> => {
  const print = (entries: ReturnType<typeof readRegistry>, live: number | undefined) => {
    const shown = command.all ? entries : entries.slice(0, 50);
    if (command.json) io.out(executionsJson(shown));
    else for (const line of executionsText(shown, live, entries.length)) io.out(line);
  };
  if (command.aws) return deployedExecutions(command, command.aws, io);
  if (!isStateDir(command.stateDir)) {
    io.err(`tenantflow: no tenantflow state in ${command.stateDir} (nothing has run there yet)`);
    return EXIT.usage;
  }
  const holder = lockHolder(command.stateDir);
  if (holder !== undefined && holder !== -1) {
    const entries = readRegistry(join(command.stateDir, 'executions.json')).sort((a, b) =>
      b.startedAt.localeCompare(a.startedAt),
    );
    print(entries, holder);
    return EXIT.ok;
  }
  return withRuntime(reading(command.stateDir), io, async (runtime) => {
    print(runtime.executions(), undefined);
    return EXIT.ok;
  });
};

/**
 * `executions --target aws`: the deployed stage's Step Functions executions (newest first; 100 per
 * machine unless --all), then those this machine ran in process against the same target.
 */
const deployedExecutions = async (
  command: Of<'executions'>,
  aws: AwsTargetOptions,
  io: CliIo,
): Promise<number> =>
  withRuntime(
    reading(command.stateDir),
    io,
    async (runtime, target) => {
      const deployed = (await target?.deployedExecutions(command.all)) ?? [];
      const local = runtime.executions();
      if (command.json) {
        io.out(JSON.stringify({ deployed, inProcess: local.map(executionJson) }));
        return EXIT.ok;
      }
      io.out(`deployed (stage ${aws.stage}): ${deployed.length === 0 ? 'no executions' : ''}`.trimEnd());
      for (const execution of deployed)
        io.out(
          printable(
            `  ${execution.status.padEnd(9)} ${execution.machine.padEnd(11)} ${execution.name}  started ${execution.startedAt}${execution.stoppedAt ? `, ended ${execution.stoppedAt}` : ''}`,
          ),
        );
      io.out('run here in process:');
      for (const line of executionsText(local, undefined, local.length)) io.out(`  ${line}`);
      return EXIT.ok;
    },
    { aws },
  );

/**
 * `abort <execution>`: StopExecution, through the recovery path (one failure event, the tenant
 * freed, the cleanup started). An execution running in another tenantflow process is asked to stop
 * there; one whose process died is recovered as this command opens the state directory.
 */
export const abort = async (command: Of<'abort'>, io: CliIo): Promise<number> => {
  if (command.aws) return abortAws(command, command.aws, io);
  if (command.execution !== undefined)
    return abortExecution({ ...command, execution: command.execution }, io);
  const running = runningFor(command.stateDir, command.tenantId ?? '');
  if (!running) {
    io.err(`tenantflow: no execution runs for tenant ${command.tenantId} in ${command.stateDir}`);
    return EXIT.failed;
  }
  return abortExecution({ ...command, execution: running }, io);
};

/** The execution the state directory's registry says runs for `tenantId`, if any. */
const runningFor = (dir: string, tenantId: string): string | undefined =>
  isStateDir(dir)
    ? readRegistry(join(dir, 'executions.json')).find(
        (entry) => entry.tenantId === tenantId && entry.status === 'RUNNING',
      )?.name
    : undefined;

type AbortOne = Of<'abort'> & { execution: string };

const abortExecution = async (command: AbortOne, io: CliIo, where: Where = {}): Promise<number> => {
  const holder = isStateDir(command.stateDir) ? lockHolder(command.stateDir) : undefined;
  if (holder !== undefined && holder !== -1) {
    const answer = await requestAbort(command.stateDir, command.execution);
    if (answer === undefined) {
      io.err(`tenantflow: pid ${holder} did not answer the abort of ${command.execution} within 30 s`);
      return EXIT.failed;
    }
    if (command.json) io.out(JSON.stringify(answer));
    else io.out(`${command.execution}: ${answer.status}${answer.detail ? ` (${answer.detail})` : ''}`);
    return answer.status === 'ABORTED' ? EXIT.ok : EXIT.failed;
  }
  let recovered: RecoveredExecution | undefined;
  return withRuntime(
    { ...reading(command.stateDir) },
    io,
    async (runtime) => {
      recovered = runtime.recovered.find((item) => item.name === command.execution);
      const entry = runtime.executions().find((e) => e.name === command.execution);
      if (!entry) {
        io.err(`tenantflow: no execution ${command.execution} in ${command.stateDir}`);
        return EXIT.failed;
      }
      const status = recovered ? 'ABORTED' : entry.status;
      const detail = recovered
        ? 'its process had died; recovered as this command started'
        : `not running: it ended ${entry.status}`;
      if (command.json) io.out(JSON.stringify({ execution: command.execution, status, detail }));
      else io.out(`${command.execution}: ${status} (${detail})`);
      return recovered ? EXIT.ok : EXIT.failed;
    },
    where,
  );
};

/** The execution the tenant's record says holds it (its lock), read from the stage's table. */
const lockingExecution = async (target: AwsTarget, tenantId: string): Promise<string | undefined> => {
  const [{ DynamoDBClient }, { DynamoDBDocumentClient }, { DynamoTenantMap }] = await Promise.all([
    import('@aws-sdk/client-dynamodb'),
    import('@aws-sdk/lib-dynamodb'),
    import('../../adapters/aws/dynamo-tenant-map.ts'),
  ]);
  const base = new DynamoDBClient({
    region: target.region,
    ...(target.profile ? { profile: target.profile } : {}),
  });
  try {
    const client = DynamoDBDocumentClient.from(base);
    return (await new DynamoTenantMap({ client, tableName: target.table }).get(tenantId))?.lock?.execution;
  } finally {
    base.destroy();
  }
};

/**
 * `abort --target aws`: an execution this machine runs (or ran) in process against AWS, asked to stop
 * in the process running it (one whose process died is recovered as the state directory opens); any
 * other is looked for on the deployed stage's state machines and stopped there, from whatever machine
 * this is: the deployed watcher then frees the tenant, answers SBT and cleans up, as for any execution
 * that died.
 */
const abortAws = async (command: Of<'abort'>, aws: AwsTargetOptions, io: CliIo): Promise<number> => {
  let resolved: Awaited<ReturnType<typeof awsTarget>>;
  try {
    resolved = await awsTarget(aws, command.stateDir, false);
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof ValidationError)) throw error;
    io.err(`tenantflow: ${error.message}`);
    return EXIT.usage;
  }
  const { target, stateDir: dir } = resolved;
  // --tenant: the execution running for it here, or else the one its record's lock names.
  const execution =
    command.execution ??
    runningFor(dir, command.tenantId ?? '') ??
    (await lockingExecution(target, command.tenantId ?? ''));
  if (!execution) {
    io.err(
      `tenantflow: tenant ${command.tenantId} is not locked: nothing runs for it on stage ${target.stage}`,
    );
    return EXIT.failed;
  }
  const ranHere =
    isStateDir(dir) && readRegistry(join(dir, 'executions.json')).some((entry) => entry.name === execution);
  if (ranHere)
    return abortExecution({ ...command, execution, stateDir: dir, aws: undefined }, io, {
      aws,
    });
  const [{ SFNClient }, { StepFunctionsHistory }] = await Promise.all([
    import('@aws-sdk/client-sfn'),
    import('../../adapters/aws/step-functions-history.ts'),
  ]);
  const client = new SFNClient({
    region: target.region,
    ...(target.profile ? { profile: target.profile } : {}),
  });
  try {
    const machines = new Map(
      MACHINE_IDS.map((machine) => [deployedStateMachineName(target.stage, machine), machine]),
    );
    const stopped = await new StepFunctionsHistory({ client }).stop(
      machines,
      execution,
      `stopped by an operator (tenantflow abort, stage ${target.stage})`,
    );
    if (!stopped) {
      io.err(
        `tenantflow: no execution ${execution} on stage ${target.stage}'s state machines, nor in ${dir}`,
      );
      return EXIT.failed;
    }
    const detail =
      stopped.status === 'ABORTED'
        ? `stopped on the deployed ${stopped.machine} machine; its watcher frees the tenant, answers SBT and cleans up`
        : `not running: it ended ${stopped.ended}`;
    const status = stopped.status === 'ABORTED' ? 'ABORTED' : stopped.ended;
    if (command.json) io.out(JSON.stringify({ execution: execution, status, detail }));
    else io.out(`${execution}: ${status} (${detail})`);
    return stopped.status === 'ABORTED' ? EXIT.ok : EXIT.failed;
  } finally {
    client.destroy();
  }
};

/** `retry <tenantId>`: re-drives a FAILED tenant's last request as a new execution. */
export const retry = async (command: Of<'retry'>, io: CliIo): Promise<number> =>
  startRequest(command, io, (runtime) => runtime.retry(command.tenantId));

/** `migrate`: moves an ACTIVE tenant to another tier (a migration saga), printing its steps. */
export const migrate = async (command: Of<'migrate'>, io: CliIo): Promise<number> =>
  startRequest(command, io, (runtime) => runtime.migrate(command.tenantId, command.to));

/**
 * `reconcile`: every record (or `--tenant`'s) against the simulated cloud; a table (or the report as
 * JSON); with `--repair`, a line per repair step on stderr. Exit 1 when drift is left unrepaired.
 */
export const reconcileCommand = async (command: Of<'reconcile'>, io: CliIo): Promise<number> =>
  withRuntime(
    reading(command.stateDir),
    io,
    async (runtime) => {
      const report = await runtime.reconcile({
        repair: command.repair,
        ...(command.tenantId ? { tenantId: command.tenantId } : {}),
        onStep: (line) => io.err(line),
      });
      if (command.json) io.out(JSON.stringify(report));
      else for (const line of reconcileText(report, command.repair)) io.out(line);
      // Drift that is still there fails the run, with or without --repair: report-only drift too.
      const left = report.drifts.filter((d) => d.repair !== 'repaired');
      return left.length === 0 ? EXIT.ok : EXIT.failed;
    },
    { aws: command.aws },
  );

/** Runs one request the runtime makes for a tenant, with its steps on stderr and its result on stdout. */
const startRequest = async (
  command: { stateDir: string; json: boolean; aws?: AwsTargetOptions | undefined },
  io: CliIo,
  start: (runtime: Runtime) => Promise<ReplayResult>,
): Promise<number> => {
  const progress = progressPrinter(io.err);
  return withRuntime(
    { ...reading(command.stateDir), onProgress: progress.onProgress },
    io,
    async (runtime) => {
      try {
        const result = await start(runtime);
        progress.flush();
        if (command.json) io.out(resultJson(result));
        else for (const line of resultText(result)) io.out(line);
        return result.outcome === 'succeeded' ? EXIT.ok : EXIT.failed;
      } catch (error) {
        if (!(error instanceof RequestNotRunError)) throw error;
        io.err(`tenantflow: ${error.message}`);
        return EXIT.failed;
      }
    },
    { aws: command.aws, needsBus: true },
  );
};

/**
 * Empties a state directory of what tenantflow wrote into it; `true` when done, else why nothing was
 * removed: not a state directory (no marker), or entries tenantflow did not write (listed). Throws
 * `StateDirBusyError` while another live process uses it.
 */
export const resetStateDir = (dir: string): true | string => {
  if (!existsSync(dir)) return true;
  if (statSync(dir).isDirectory() && readdirSync(dir).length === 0) return true;
  if (!isStateDir(dir))
    return `${dir} does not look like a tenantflow state dir (no ${STATE_MARKER}); not touching it`;
  const foreign = foreignEntries(dir);
  if (foreign.length > 0)
    return `${dir} holds ${foreign.map((entry) => `"${entry}"`).join(', ')}, which tenantflow did not write; not touching anything (move ${foreign.length === 1 ? 'it' : 'them'} away, then reset again)`;
  const lock = lockStateDir(dir);
  try {
    for (const entry of readdirSync(dir)) {
      if (entry === LOCK_FILE || entry === STATE_MARKER || !STATE_ENTRIES.has(entry)) continue;
      rmSync(join(dir, entry), { recursive: true, force: true });
    }
  } finally {
    lock.release();
  }
  return true;
};

/** `reset`. */
export const reset = async (command: Of<'reset'>, io: CliIo): Promise<number> => {
  try {
    const done = resetStateDir(command.stateDir);
    if (done !== true) {
      io.err(`tenantflow: ${done}`);
      return EXIT.usage;
    }
  } catch (error) {
    const code = stateDirProblem(error, io);
    if (code !== undefined) return code;
    throw error;
  }
  io.err(`emptied ${command.stateDir}`);
  return EXIT.ok;
};

/** The JSON in `file`; one that cannot be read or parsed is a ValidationError of `flag`. */
const readJsonFile = (flag: string, file: string): unknown => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const why = error instanceof SyntaxError ? `not JSON (${error.message})` : 'cannot be read';
    throw new ValidationError(flag, `${file}: ${why}`);
  }
};

/** The release `update` was given: the flags' object, or the JSON of `--release FILE`. */
const readRelease = (given: unknown): Release => {
  const file =
    typeof given === 'object' && given !== null && 'file' in given ? String(given.file) : undefined;
  if (file === undefined) return parseRelease(given, 'release');
  return parseRelease(readJsonFile('--release', file), `--release ${file}`);
};

/** One line per rollout event, on stderr. */
const rolloutLine = (event: RolloutEvent): string => {
  switch (event.kind) {
    case 'wave':
      return `wave ${event.wave}/${event.of}: ${event.tenants.length} tenant${event.tenants.length === 1 ? '' : 's'}`;
    case 'tenant':
      return `  ${event.outcome === 'updated' ? '✓' : event.outcome === 'failed' ? '✗' : '–'} ${printable(event.tenantId)} ${event.outcome}${event.detail ? `: ${printable(event.detail)}` : ''}`;
    case 'bake':
      return `  baking ${event.seconds} s before the next wave`;
    case 'bake-poll':
      return `    ${event.elapsed}/${event.seconds} s${event.alarm ? `: alarm ${printable(event.alarm.name)} ${event.alarm.state}` : ''}`;
    case 'rollback':
      return `  ↩ ${printable(event.tenantId)} ${event.outcome}${event.detail ? `: ${printable(event.detail)}` : ''}`;
    case 'retry-skipped':
      return `trying again the ${event.tenants.length} tenant(s) another operation held`;
    case 'pool': {
      const mark = { updated: '✓', failed: '✗', 'rolled back': '↩', 'rollback failed': '✗' }[
        event.outcome as string
      ];
      return `  ${mark ?? '…'} pooled service ${printable(event.service)} ${event.outcome}${event.detail ? `: ${printable(event.detail)}` : ''}`;
    }
  }
};

/** The rollout's plan (dry run) or its outcome, for people. */
const rolloutText = (report: RolloutReport, waves: readonly WaveTarget[]): string[] => {
  const lines = [
    `${report.status === 'planned' ? 'plan' : 'rollout'}: release ${printable(report.release)} to tier ${report.tier} ${report.pooled ? "in its pooled service's one wave" : `in waves ${describeWaves(waves)}`}`,
  ];
  for (const [index, wave] of report.waves.entries()) {
    const who = wave.tenants.map(printable).join(', ');
    lines.push(
      report.pooled
        ? `  wave ${index + 1}: the pooled service, which ${wave.tenants.length === 0 ? 'no tenant runs yet' : `${who} run${wave.tenants.length === 1 ? 's' : ''}`}`
        : `  wave ${index + 1}: ${who}`,
    );
  }
  if (report.waves.length === 0) lines.push('  nobody to update');
  if (report.alreadyOn.length > 0)
    lines.push(`  on the release already: ${report.alreadyOn.map(printable).join(', ')}`);
  for (const item of report.notUpdated)
    lines.push(`  not updated: ${printable(item.tenantId)} (${printable(item.reason)})`);
  if (report.status === 'planned') return lines;
  if (report.status === 'running') {
    lines.push('running on the deployed stage: its waves are decided as they start');
    return lines;
  }
  lines.push(
    report.status === 'completed'
      ? `completed: ${report.updated} updated, ${report.alreadyOn.length} already on it, ${report.notUpdated.length} not updated`
      : `halted: ${printable(report.reason ?? '')}; ${report.updated} updated, ${report.rolledBack} rolled back (run the same command again to resume)`,
  );
  return lines;
};

/**
 * `update`: one tenant onto a release (its update saga, steps on stderr), or, with `--tier`, a
 * rollout in waves (a line per wave and tenant on stderr, the plan or outcome on stdout). Exit 1 when
 * the update failed or the rollout halted.
 */
export const update = async (command: Of<'update'>, io: CliIo): Promise<number> => {
  let release: Release | undefined;
  let waves: WaveTarget[];
  let raw: unknown;
  try {
    if (command.requestFile === undefined) release = readRelease(command.release);
    else raw = readRolloutRequest(command.requestFile);
    waves = parseWaves(command.waves, '--wave');
    if (command.concurrency > MAX_ROLLOUT_CONCURRENCY)
      throw new ValidationError(
        '--concurrency',
        `at most ${MAX_ROLLOUT_CONCURRENCY} updates at once (ECS's task-definition rate: see the README)`,
      );
    if (command.bakeSeconds > MAX_BAKE_SECONDS)
      throw new ValidationError('--bake', `at most ${MAX_BAKE_SECONDS} s (a day)`);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    io.err(`tenantflow: ${error.message}`);
    return EXIT.usage;
  }
  const { tenantId } = command;
  if (tenantId !== undefined && release !== undefined) {
    const given = release;
    return startRequest(command, io, (runtime) => runtime.update(tenantId, given));
  }
  return withRuntime(
    reading(command.stateDir),
    io,
    async (runtime, aws) => {
      let request: RolloutRequest;
      try {
        request =
          raw !== undefined
            ? parseRolloutRequest(raw, runtime.config.catalogue, `${command.requestFile}: `)
            : parseRolloutRequest(
                {
                  tier: command.tier,
                  release,
                  waves: command.waves,
                  bakeSeconds: command.bakeSeconds,
                  concurrency: command.concurrency,
                  ...(command.alarm !== undefined ? { alarm: command.alarm } : {}),
                },
                runtime.config.catalogue,
                '--',
              );
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        io.err(`tenantflow: ${error.message}`);
        return EXIT.usage;
      }
      waves = parseWaves(request.waves);
      let report: RolloutReport;
      if (command.dryRun) {
        const pooled = isPooledTier(runtime.config.catalogue, request.tier);
        report = planRollout(await runtime.tenants(), request, pooled);
      } else {
        let previous: RolloutState | undefined;
        const detach = detachOnInterrupt(io, aws);
        const run = await runtime
          .rollout(request, {
            onState: (state) => {
              for (const event of rolloutEvents(previous, state)) io.err(rolloutLine(event));
              previous = state;
            },
            ...(detach.signal ? { signal: detach.signal } : {}),
          })
          .finally(detach.stop);
        io.err(
          run.status === 'RUNNING'
            ? `rollout execution ${run.execution} runs on the deployed stage, not followed: follow it with ${followCommand(run.execution, command.aws)}`
            : `rollout execution ${run.execution} ended ${run.status}`,
        );
        report = run.report;
      }
      if (command.json) io.out(JSON.stringify(report));
      else for (const line of rolloutText(report, waves)) io.out(line);
      return report.status === 'halted' ? EXIT.failed : EXIT.ok;
    },
    // A rollout runs on the deployed stage's rollout machine (here with --in-process).
    { aws: command.aws, needsBus: !command.dryRun, runs: command.dryRun ? 'nothing' : 'requests' },
  );
};

/**
 * A rollout request from a file: the rollout machine's console input as it stands, or the
 * `tenantflow_rolloutRequest` event whose detail is one.
 */
const readRolloutRequest = (file: string): unknown => {
  const raw = readJsonFile('--request', file);
  if (typeof raw === 'object' && raw !== null && 'detail-type' in raw) {
    const event = raw as { 'detail-type': unknown; detail?: unknown };
    if (event['detail-type'] !== ROLLOUT_REQUEST)
      throw new ValidationError(
        '--request',
        `${file}: an event of detail-type ${JSON.stringify(event['detail-type'])}, not ${ROLLOUT_REQUEST}`,
      );
    return event.detail;
  }
  return raw;
};

/** One shard as a line: number, source, fill, DNS name. */
const shardLine = (shard: ShardView): string =>
  `shard ${shard.number}  ${shard.source === 'stack' ? 'stack' : 'added'}  ${shard.status === 'ACTIVE' ? `${shard.used}/${shard.capacity} tenants` : 'being added'}${shard.dnsName ? `  ${printable(shard.dnsName)}` : ''}`;

/**
 * `shards`: every load balancer shard (the stack's, then the added ones) and how full each is;
 * `shards add`: an execution of the shard machine, forced, to its end (exit 1 when it failed).
 */
export const shards = async (command: Of<'shards'>, io: CliIo): Promise<number> => {
  const progress = progressPrinter(io.err);
  return withRuntime(
    { ...reading(command.stateDir), onProgress: progress.onProgress },
    io,
    async (runtime, aws) => {
      if (!command.add) {
        const list = await runtime.shards();
        if (command.json) io.out(JSON.stringify(list));
        else for (const shard of list) io.out(shardLine(shard));
        return EXIT.ok;
      }
      io.err('adding a load balancer shard (its load balancer takes a few minutes on AWS)…');
      const detach = detachOnInterrupt(io, aws);
      const run = await runtime
        .addShard(command.reason ?? 'tenantflow shards add', detach.signal ? { signal: detach.signal } : {})
        .finally(detach.stop);
      progress.flush();
      const list = await runtime.shards();
      const failure = run.state?.failure
        ? `${run.state.failure.step}: ${run.state.failure.error.Cause ?? run.state.failure.error.Error}`
        : undefined;
      if (command.json) {
        io.out(
          JSON.stringify({
            execution: run.execution,
            status: run.status,
            ...(run.state ? { outcome: run.state.outcome } : {}),
            ...(run.state?.note ? { note: run.state.note } : {}),
            ...(run.state?.shard ? { shard: run.state.shard.name } : {}),
            ...(failure ? { failure } : {}),
            shards: list,
          }),
        );
      } else {
        const what =
          run.status === 'RUNNING'
            ? `running on the deployed stage, not followed: follow it with ${followCommand(run.execution, command.aws)}`
            : run.state?.outcome === 'added'
              ? `added ${printable(run.state.shard?.name ?? 'a shard')}`
              : run.state?.outcome === 'not-needed'
                ? `nothing added: ${printable(run.state.note ?? '')}`
                : `failed${failure ? ` at ${printable(failure)}` : ''}: what it made was undone`;
        io.out(`${run.execution}  ${run.status}  ${what}`);
        for (const shard of list) io.out(shardLine(shard));
      }
      return run.status === 'SUCCEEDED' || run.status === 'RUNNING' ? EXIT.ok : EXIT.failed;
    },
    // Adding a shard runs the deployed stage's shard machine (here with --in-process).
    { aws: command.aws, runs: command.add ? 'requests' : 'nothing' },
  );
};

/**
 * `follow <execution> --target aws`: follows one of the deployed stage's executions from any machine,
 * its steps as they end (from its history) and how it ended; exit 0 when it succeeded, 1 otherwise,
 * 130 when Ctrl-C stopped the following (the execution runs on).
 */
export const follow = async (command: Of<'follow'>, io: CliIo): Promise<number> => {
  if (!command.aws) return EXIT.usage;
  if (command.aws.inProcess) {
    io.err('tenantflow: follow: follows the deployed stage’s state machines (not with --in-process)');
    return EXIT.usage;
  }
  // Step Functions alone: no runtime and no state-dir lock, so another command may be following too.
  let follower: ReturnType<typeof deployedFollower>;
  try {
    follower = deployedFollower((await awsTarget(command.aws, command.stateDir, false, 'requests')).target);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ValidationError) {
      io.err(`tenantflow: ${error.message}`);
      return EXIT.usage;
    }
    throw error;
  }
  if (!follower) return EXIT.usage;
  const progress = progressPrinter(io.err);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  try {
    const followed = await follower.follow(command.execution, {
      signal: controller.signal,
      onProgress: progress.onProgress,
    });
    progress.flush();
    if (!followed) {
      io.err(`tenantflow: no execution ${command.execution} on the stage's state machines`);
      return EXIT.failed;
    }
    if ('detached' in followed) {
      io.err(`tenantflow: stopped following ${command.execution}; it runs on on the deployed stage`);
      return 130;
    }
    const { machine, end, statusEvent } = followed;
    if (command.json)
      io.out(
        JSON.stringify({
          execution: command.execution,
          machine,
          status: end.status,
          ...(end.error ? { error: end.error } : {}),
          ...(end.cause ? { cause: end.cause } : {}),
          statusEvent,
        }),
      );
    else
      io.out(
        printable(
          `${command.execution}  ${machine}  ${end.status}${end.error ? `: ${end.error}${end.cause ? `: ${end.cause}` : ''}` : ''}${statusEvent ? `  (answered ${statusEvent['detail-type']})` : ''}`,
        ),
      );
    return end.status === 'SUCCEEDED' ? EXIT.ok : EXIT.failed;
  } finally {
    process.off('SIGINT', stop);
    follower.stop();
  }
};

/** `alarm`: sets an alarm of the simulated cloud's CloudWatch (the embedded default only). */
export const alarm = async (command: Of<'alarm'>, io: CliIo): Promise<number> =>
  withRuntime({ stateDir: command.stateDir, engine: 'asl' }, io, async (runtime) => {
    (runtime as LocalRuntime).setAlarm(command.alarm, command.state);
    io.out(`alarm ${printable(command.alarm)} ${command.state}`);
    return EXIT.ok;
  });

/**
 * `releases`: which release each tenant runs, by tier and release (pooled tenants: the pooled
 * service's, `pooled` in the JSON).
 */
export const releases = async (command: Of<'releases'>, io: CliIo): Promise<number> =>
  withRuntime(
    reading(command.stateDir),
    io,
    async (runtime) => {
      const groups = new Map<string, { tier: string; release: string; pooled?: true; tenants: string[] }>();
      let pool: Promise<string> | undefined;
      for (const record of await runtime.tenants()) {
        if (record.lifecycleStatus === 'DELETED' || !record.placement) continue;
        const { tier } = record.placement;
        const pooled = !ownsService(record.placement);
        pool ??= pooled
          ? runtime.poolRelease().then((found) => found?.version ?? '(no pooled service)')
          : undefined;
        const version = pool && pooled ? await pool : (record.release?.version ?? INITIAL_RELEASE);
        const key = `${tier}\n${version}`;
        const group = groups.get(key) ?? {
          tier,
          release: version,
          ...(pooled ? { pooled } : {}),
          tenants: [],
        };
        group.tenants.push(record.tenantId);
        group.tenants.sort();
        groups.set(key, group);
      }
      const rows = [...groups.values()].sort(
        (a, b) => a.tier.localeCompare(b.tier) || a.release.localeCompare(b.release),
      );
      if (command.json) {
        io.out(JSON.stringify(rows));
        return EXIT.ok;
      }
      if (rows.length === 0) io.err('no tenants');
      for (const row of rows)
        io.out(
          `${row.tier}  ${printable(row.release)}${row.pooled ? ' (the pooled service)' : ''}  ${row.tenants.length} tenant${row.tenants.length === 1 ? '' : 's'}: ${row.tenants.map(printable).join(', ')}`,
        );
      return EXIT.ok;
    },
    { aws: command.aws },
  );
