/**
 * An execution that dies: the production step handlers' logic (dispatchStep over the real adapters,
 * the simulated cloud and dynalite) runs the first steps of a saga as Step Functions would, then the
 * execution times out, or the process running it dies, exactly between two steps. The next runtime
 * opened on the state directory recovers it through the watcher, as the EventBridge rule hands a
 * dead execution to the watcher in AWS.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLifecycleInput } from '../../../events/index.ts';
import { OPERATIONS } from '../../../src/domain/operations.ts';
import type { MachineId, StepName } from '../../../src/domain/saga.ts';
import { stepDeps } from '../../../src/handlers/index.ts';
import { startLocalDynamo } from '../../../src/local/dynamo.ts';
import { localClients } from '../../../src/local/runtime/clients.ts';
import { FaultInjector } from '../../../src/local/runtime/faults.ts';
import { ExecutionRegistry } from '../../../src/local/runtime/registry.ts';
import { SimulatedCloud } from '../../../src/local/sim/index.ts';
import { dispatchStep } from '../../../src/steps/index.ts';
import { testConfig } from '../fake-ports.ts';

/**
 * How the execution ended without its saga reporting back: TIMED_OUT (Step Functions stopped it;
 * the status change awaits the watcher) or KILLED (the process running it died: the registry still
 * says RUNNING, as a kill -9 leaves it).
 */
export type DeathStatus = 'TIMED_OUT' | 'KILLED';

/**
 * Runs `steps` of `machine` for `event` under `execution` in `stateDir` (a closed runtime's state),
 * then leaves the execution dead in the state's execution registry, for the next runtime opened on
 * it to recover.
 */
export const dieAfter = async (input: {
  stateDir: string;
  machine: MachineId;
  execution: string;
  event: unknown;
  steps: readonly StepName[];
  status: DeathStatus;
}): Promise<void> => {
  const config = testConfig();
  const sim = new SimulatedCloud({
    stateFile: join(input.stateDir, 'cloud.json'),
    serviceStartMs: 0,
    healthyAfterMs: 0,
    drainMs: 0,
  });
  sim.seedSharedInfrastructure(config.sharedStackName);
  const dynamo = await startLocalDynamo({ dir: join(input.stateDir, 'dynamo'), tableName: config.tableName });
  const registry = new ExecutionRegistry(join(input.stateDir, 'executions.json'));
  const parsed = parseLifecycleInput(input.event, {
    contract: config.contract,
    catalogue: config.catalogue,
    accepts: OPERATIONS,
  });
  registry.claim(input.machine, input.execution, {
    at: new Date().toISOString(),
    inputHash: 'dead',
    input: input.event,
    ...(parsed.ok ? { tenantId: parsed.request.tenantId, operation: parsed.request.operation } : {}),
  });
  try {
    const ports = stepDeps(
      config,
      localClients(sim, dynamo.clientConfig, new FaultInjector([]), config.region),
    );
    let state: unknown = input.event;
    for (const step of input.steps) {
      state = JSON.parse(
        JSON.stringify(
          await dispatchStep({ step, machine: input.machine, execution: input.execution, state }, ports),
        ),
      );
    }
    if (input.status === 'TIMED_OUT')
      registry.finish(
        input.machine,
        input.execution,
        'TIMED_OUT',
        new Date().toISOString(),
        'States.Timeout',
      );
  } finally {
    sim.save();
    await dynamo.stop();
  }
};

/**
 * Makes the next runtime on `stateDir` hand `execution` (started with `input`) to the watcher again:
 * the registry as a process killed after the watcher ran, but before noting it, leaves it.
 */
export const redeliver = (stateDir: string, execution: string, input: unknown): void => {
  const file = join(stateDir, 'executions.json');
  const data = JSON.parse(readFileSync(file, 'utf8')) as { executions: Array<Record<string, unknown>> };
  for (const entry of data.executions) {
    if (entry.name !== execution) continue;
    entry.watched = false;
    entry.input = input;
  }
  writeFileSync(file, JSON.stringify(data));
};
