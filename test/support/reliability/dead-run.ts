/**
 * An execution that dies: the production step handlers' logic (dispatchStep over the real adapters,
 * the simulated cloud and dynalite) runs the first steps of a saga as Step Functions would, then the
 * execution times out or is aborted, and the watcher gets the "Execution Status Change" event, as
 * the EventBridge rule delivers it in AWS. The local runtime has no way to stop an execution
 * mid-way, hence this small harness over the same state directory.
 */
import { join } from 'node:path';
import { handleExecutionStatusChange, type WatchResult } from '../../../src/app/watch.ts';
import type { MachineId, StepName } from '../../../src/domain/saga.ts';
import { stepDeps } from '../../../src/handlers/index.ts';
import { startLocalDynamo } from '../../../src/local/dynamo.ts';
import { localClients } from '../../../src/local/runtime/clients.ts';
import { FaultInjector } from '../../../src/local/runtime/faults.ts';
import { executionArnOf, executionStatusChange } from '../../../src/local/runtime/starter.ts';
import { SimulatedCloud } from '../../../src/local/sim/index.ts';
import { dispatchStep } from '../../../src/steps/index.ts';
import { testConfig } from '../fake-ports.ts';

/** How the execution ended without its saga reporting back. */
export type DeathStatus = 'TIMED_OUT' | 'ABORTED';

/**
 * Runs `steps` of `machine` for `input` under `execution` in `stateDir` (closed runtime's state),
 * then delivers the dead execution's status change to the watcher `deliveries` times.
 */
export const dieAfter = async (input: {
  stateDir: string;
  machine: MachineId;
  execution: string;
  event: unknown;
  steps: readonly StepName[];
  status: DeathStatus;
  deliveries: number;
}): Promise<WatchResult[]> => {
  const config = testConfig({ HEALTH_POLL_SECONDS: '1' });
  const sim = new SimulatedCloud({
    stateFile: join(input.stateDir, 'cloud.json'),
    serviceStartMs: 0,
    healthyAfterMs: 0,
    drainMs: 0,
  });
  sim.seedSharedInfrastructure(config.sharedStackName);
  const dynamo = await startLocalDynamo({ dir: join(input.stateDir, 'dynamo'), tableName: config.tableName });
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
    const change = executionStatusChange({
      region: config.region,
      machine: input.machine,
      name: input.execution,
      executionArn: executionArnOf(config.region, input.machine, input.execution),
      startedAt: Date.now() - 1_000,
      end:
        input.status === 'TIMED_OUT'
          ? { status: 'TIMED_OUT', error: 'States.Timeout' }
          : { status: 'ABORTED' },
      executionInput: input.event,
    });
    const results: WatchResult[] = [];
    for (let i = 0; i < input.deliveries; i += 1) {
      results.push(await handleExecutionStatusChange(change.detail, { ...ports, now: () => new Date() }));
    }
    return results;
  } finally {
    sim.save();
    await dynamo.stop();
  }
};
