/**
 * Dead executions: an execution that times out, or whose process dies, mid-saga never runs its
 * compensation or its NotifyFailure. The next runtime on the state directory hands it to the watcher,
 * which must send one failure status event (once, however often the status change is delivered),
 * free the tenant, and start a cleanup that leaves it FAILED with nothing left, the failure still on
 * the record; the control plane's retry (onboarding again, or offboarding) then works.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Operation } from '../../src/domain/operations.ts';
import { testConfig } from '../support/fake-ports.ts';
import { count } from '../support/reliability/counters.ts';
import { type DeathStatus, dieAfter, redeliver } from '../support/reliability/dead-run.ts';
import { lifecycleEvent, newTenant, openExisting, openWorld } from '../support/reliability/world.ts';

const contract = testConfig().contract;

const CASES: ReadonlyArray<{ status: DeathStatus; retry: Operation }> = [
  { status: 'TIMED_OUT', retry: 'onboard' },
  { status: 'KILLED', retry: 'offboard' },
];

export const describeDeadExecutions = (): void => {
  describe('dead executions', () => {
    it.each(CASES)(
      'an onboarding $status after CreateTargetGroup: one failure event, cleaned up, FAILED, then the $retry retry works',
      async ({ status, retry }) => {
        // Prepare
        count('scenarios');
        count('duplicates');
        const tenant = newTenant('advanced');
        const event = lifecycleEvent('onboard', tenant);
        const fresh = await openWorld();
        await fresh.close();
        const execution = `onboard-${tenant.tenantRegistrationId}-dead`;
        await dieAfter({
          stateDir: fresh.stateDir,
          machine: 'onboarding',
          execution,
          event,
          steps: ['ValidateRequest', 'ReserveTenant', 'RegisterTaskDefinition', 'CreateTargetGroup'],
          status,
        });

        // Act: the next runtime recovers it; a later one gets the status change again.
        let world = await openExisting(fresh.stateDir);
        world.noteSent([event]);
        const first = world.runtime.recovered;
        world = await world.reopen([], async (stateDir) => redeliver(stateDir, execution, event));
        try {
          const second = world.runtime.recovered;
          const record = await world.runtime.tenant(tenant.tenantId);
          const left = world.runtime.inventory().filter((item) => item.tenantId === tenant.tenantId);
          const sent = world
            .published()
            .filter((e) => JSON.stringify(e.detail).includes(tenant.tenantRegistrationId));
          const [again] = await world.send([lifecycleEvent(retry, tenant, randomUUID())]);
          const report = await world.check();

          // Assess
          expect(first).toEqual([
            expect.objectContaining({
              name: execution,
              found: status === 'KILLED' ? 'RUNNING' : 'TIMED_OUT',
              watch: expect.objectContaining({
                outcome: 'notified',
                releasedLock: true,
                releasedAs: 'FAILED',
              }),
              // After its cleanup removed what it left, as the recovery line says.
              tenantStatus: 'FAILED',
            }),
          ]);
          expect(first[0]?.watch).toHaveProperty('cleanup');
          expect(second).toEqual([
            expect.objectContaining({
              name: execution,
              watch: expect.objectContaining({ outcome: 'already-notified' }),
            }),
          ]);
          expect(second[0]?.watch).not.toHaveProperty('cleanup');
          expect(sent.map((e) => e.detailType)).toEqual([contract.outbound.onboard.failure]);
          const why = status === 'KILLED' ? 'execution aborted' : 'execution timed_out';
          expect(JSON.stringify(sent[0]?.detail)).toContain(why);
          expect({
            status: record?.lifecycleStatus,
            lock: record?.lock,
            step: record?.lastError?.step,
            resources: record?.resources,
            last: record?.history.at(-1)?.step,
          }).toEqual({
            status: 'FAILED',
            lock: undefined,
            step: 'CreateTargetGroup',
            resources: {},
            last: 'RemoveTenant',
          });
          expect(left).toEqual([]);
          expect(again?.outcome).toBe('succeeded');
          expect(report.fresh).toEqual([]);
        } finally {
          await world.close();
        }
      },
    );
  });
};
