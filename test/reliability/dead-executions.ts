/**
 * Dead executions: an execution that times out or is aborted mid-saga never runs its NotifyFailure;
 * the watcher must still send one failure status event (once, however often the status change is
 * delivered) and leave the tenant map consistent: FAILED, unlocked, naming every resource the dead
 * execution left, so the control plane's retry (onboarding again, or offboarding) can finish or
 * clean up. The watcher itself does not compensate.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Operation } from '../../src/domain/operations.ts';
import { resourceArns } from '../../src/domain/resources.ts';
import { testConfig } from '../support/fake-ports.ts';
import { count } from '../support/reliability/counters.ts';
import { type DeathStatus, dieAfter } from '../support/reliability/dead-run.ts';
import { lifecycleEvent, newTenant, openExisting, openWorld } from '../support/reliability/world.ts';

const contract = testConfig().contract;

const CASES: ReadonlyArray<{ status: DeathStatus; retry: Operation }> = [
  { status: 'TIMED_OUT', retry: 'onboard' },
  { status: 'ABORTED', retry: 'offboard' },
];

export const describeDeadExecutions = (): void => {
  describe('dead executions', () => {
    it.each(CASES)(
      'an onboarding $status after CreateTargetGroup: one failure event, FAILED, then the $retry retry cleans up',
      async ({ status, retry }) => {
        // Prepare
        count('scenarios');
        count('duplicates');
        const tenant = newTenant('advanced');
        const event = lifecycleEvent('onboard', tenant);
        const fresh = await openWorld();
        await fresh.close();
        const execution = `onboard-${tenant.tenantRegistrationId}-dead`;

        // Act
        const watched = await dieAfter({
          stateDir: fresh.stateDir,
          machine: 'onboarding',
          execution,
          event,
          steps: ['ValidateRequest', 'ReserveTenant', 'RegisterTaskDefinition', 'CreateTargetGroup'],
          status,
          deliveries: 2,
        });
        const world = await openExisting(fresh.stateDir);
        try {
          world.noteSent([event]);
          const record = await world.runtime.tenant(tenant.tenantId);
          const named = new Set(resourceArns(record?.resources ?? {}));
          const left = world.runtime.inventory().filter((item) => item.tenantId === tenant.tenantId);
          const sent = world
            .published()
            .filter((e) => JSON.stringify(e.detail).includes(tenant.tenantRegistrationId));
          const [again] = await world.send([lifecycleEvent(retry, tenant, randomUUID())]);
          const report = await world.check();

          // Assess
          expect(watched.map((w) => w.outcome)).toEqual(['notified', 'already-notified']);
          expect(sent.map((e) => e.detailType)).toEqual([contract.outbound.onboard.failure]);
          expect(JSON.stringify(sent[0]?.detail)).toContain(`execution ${status.toLowerCase()}`);
          expect({
            status: record?.lifecycleStatus,
            lock: record?.lock,
            step: record?.lastError?.step,
          }).toEqual({
            status: 'FAILED',
            lock: undefined,
            step: 'CreateTargetGroup',
          });
          expect(left.map((item) => item.type).sort()).toEqual(['target-group', 'task-definition']);
          expect(left.filter((item) => !named.has(item.arn))).toEqual([]);
          expect(again?.outcome).toBe('succeeded');
          expect(report.fresh).toEqual([]);
        } finally {
          await world.close();
        }
      },
    );
  });
};
