import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { DynamoTenantMap } from '../../adapters/aws/dynamo-tenant-map.ts';
import { FatalError } from '../../domain/errors.ts';
import { type AwsTarget, awsBackend, type DeployedExecution } from './aws-backend.ts';
import { FaultInjector } from './faults.ts';
import { type LocalRuntimeOptions, openRuntime, type Runtime } from './runtime.ts';
import { ensureStateDir, lockStateDir, NotAStateDirError } from './state-dir.ts';

/** A tenant id no tenant has (ids are UUIDs): reading it tells whether the table answers. */
const PROBE_TENANT = 'tenantflow-target-probe';

/** The file that says which AWS target a state directory's executions ran against. */
export const TARGET_FILE = 'target.json';

const targetFileSchema = z.object({ region: z.string(), stage: z.string(), table: z.string() });

/** A {@link Runtime} over real AWS, which can also list the deployed stage's executions. */
export interface AwsRuntime extends Runtime {
  /** The executions of the deployed state machines (`tenantflow-<stage>-<machine>`), newest first. */
  deployedExecutions(all: boolean): Promise<DeployedExecution[]>;
  /** Work runs on the deployed stage's state machines (false: here, with --in-process, or nothing deployed). */
  readonly onDeployedStage: boolean;
}

/**
 * Where `--target aws` keeps its executions under a state dir: one directory per region and stage,
 * so one state dir (the default, or one given) holds several stages side by side. A given dir that an
 * earlier version bound to one target itself (its own `target.json`) goes on being used as it is.
 */
export const awsStateDir = (base: string, target: AwsTarget): string =>
  existsSync(join(base, TARGET_FILE)) ? base : join(base, 'aws', target.region, target.stage);

/**
 * The same in-process sagas as the embedded default, over real SDK clients (`--target aws`). The
 * state directory holds only the registry of the executions run here (and their recovery); it is
 * made on first use, and refused when it holds a simulated cloud or another target's executions.
 */
export const createAwsRuntime = async (
  options: LocalRuntimeOptions,
  target: AwsTarget,
): Promise<AwsRuntime> => {
  const dir = options.stateDir;
  const file = join(dir, TARGET_FILE);
  if (existsSync(join(dir, 'cloud.json')))
    throw new NotAStateDirError(
      `${dir} holds a simulated cloud: --target aws keeps its executions apart, in its aws/<region>/<stage>/`,
    );
  // A state dir is bound to a target on first use, and only to one that answers: a missing table
  // (a wrong --stage, --region or --table) is an error naming it, and nothing is made or bound.
  if (!existsSync(file)) {
    const probe = awsBackend(target);
    try {
      await new DynamoTenantMap({ client: probe.clients.dynamo, tableName: target.table }).get(PROBE_TENANT);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new FatalError(
        `region ${target.region}, stage ${target.stage} does not answer (${why}); nothing was written to ${dir}`,
        { cause: error },
      );
    } finally {
      await probe.stop();
    }
  }
  ensureStateDir(dir, 'create');
  const mine = { region: target.region, stage: target.stage, table: target.table };
  if (existsSync(file)) {
    const recorded = targetFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (
      recorded.success &&
      (recorded.data.region !== mine.region ||
        recorded.data.stage !== mine.stage ||
        recorded.data.table !== mine.table)
    ) {
      throw new NotAStateDirError(
        `${dir} holds executions run against region ${recorded.data.region}, stage ${recorded.data.stage}, table ${recorded.data.table}: not this target's`,
      );
    }
  } else writeFileSync(file, `${JSON.stringify(mine)}\n`);
  const lock = lockStateDir(dir);
  try {
    const injector = new FaultInjector(options.faults ?? []);
    const backend = awsBackend(target);
    try {
      const runtime = await openRuntime(options, lock, backend, injector);
      return {
        ...runtime,
        deployedExecutions: (all) => backend.deployedExecutions(all),
        onDeployedStage: target.deployment !== undefined,
      };
    } catch (error) {
      await backend.stop();
      throw error;
    }
  } catch (error) {
    lock.release();
    throw error;
  }
};
