/** The invariant checker itself must see what it is meant to see, or every scenario's "0" means nothing. */
import { describe, expect, it } from 'vitest';
import type { TenantRecord } from '../../src/domain/tenant-record.ts';
import { testConfig } from '../support/fake-ports.ts';
import { checkInvariants } from '../support/reliability/invariants.ts';

const contract = testConfig().contract;
const at = '2025-01-01T00:00:00.000Z';
const record = (tenantId: string, patch: Partial<TenantRecord>): TenantRecord => ({
  tenantId,
  tenantRegistrationId: `reg-${tenantId}`,
  tenantName: tenantId,
  placement: { tier: 'basic', cluster: 'shared', service: 'pooled' },
  lifecycleStatus: 'ACTIVE',
  active: true,
  resources: {},
  history: [],
  version: 1,
  createdAt: at,
  updatedAt: at,
  ...patch,
});

export const describeInvariantChecker = (): void => {
  describe('invariant checker', () => {
    it('counts orphans, missing resources, shared priorities, held locks and missing/extra status events', () => {
      // Prepare
      const inventory = [
        { type: 'target-group', id: 'tf-a', arn: 'arn:tg/a', tenantId: 'a' },
        { type: 'target-group', id: 'tf-b', arn: 'arn:tg/b', tenantId: 'b' },
        { type: 'task-definition', id: 'tf-a:2', arn: 'arn:td/a:2', tenantId: 'a' },
        { type: 'listener-rule', id: 'priority 7', arn: 'arn:rule/1', tenantId: 'a' },
        { type: 'listener-rule', id: 'priority 7', arn: 'arn:rule/2', tenantId: 'b' },
        { type: 'cluster', id: 'tf-ghost', arn: 'arn:cluster/ghost', tenantId: 'ghost' },
        // Made without tenantflow's tags (or adopted): no tenant's, and not the shared stack's.
        { type: 'target-group', id: 'tf-stray', arn: 'arn:tg/stray' },
        { type: 'cluster', id: 'tenantflow-shared', arn: 'arn:cluster/shared', tier: 'shared' },
      ];
      const records = [
        record('a', {
          resources: {
            targetGroup: { name: 'tf-a', arn: 'arn:tg/a' },
            service: { cluster: 'c', name: 'tf-a', arn: 'arn:svc/a' },
            listenerRule: { listenerArn: 'l', arn: 'arn:rule/1', priority: 7 },
          },
        }),
        record('b', {
          lifecycleStatus: 'FAILED',
          active: false,
          resources: {
            targetGroup: { name: 'tf-b', arn: 'arn:tg/b' },
            listenerRule: { listenerArn: 'l', arn: 'arn:rule/2', priority: 7 },
          },
        }),
        record('c', {
          lifecycleStatus: 'PROVISIONING',
          lock: { execution: 'x', operation: 'onboard', since: at },
        }),
      ];
      const events = [
        { detailType: 'sbt_aws_provisionSuccess', detail: { tenantRegistrationId: 'reg-a' } },
        { detailType: 'sbt_aws_provisionFailure', detail: { tenantRegistrationId: 'reg-b' } },
        { detailType: 'sbt_aws_provisionFailure', detail: { tenantRegistrationId: 'reg-b' } },
      ];
      const requests = [
        { eventId: 'e1', operation: 'onboard' as const, tenantRegistrationId: 'reg-a', answerable: true },
        { eventId: 'e1', operation: 'onboard' as const, tenantRegistrationId: 'reg-a', answerable: true },
        { eventId: 'e2', operation: 'onboard' as const, tenantRegistrationId: 'reg-b', answerable: true },
        { eventId: 'e3', operation: 'offboard' as const, tenantRegistrationId: 'reg-a', answerable: true },
        { eventId: 'e4', answerable: false },
      ];

      // Act
      const report = checkInvariants({ contract, inventory, records, events, requests });

      // Assess
      expect(report).toMatchObject({
        orphans: 5,
        missingResources: 1,
        missingEvents: 1,
        extraEvents: 1,
        sharedPriorities: 2,
        heldLocks: 1,
      });
      expect(report.findings.filter((f) => f.kind === 'orphan').map((f) => f.detail)).toEqual([
        'target-group tf-b (tenant b): tenant is FAILED',
        "task-definition tf-a:2 (tenant a): not named by the tenant's record",
        'listener-rule priority 7 (tenant b): tenant is FAILED',
        'cluster tf-ghost (tenant ghost): no tenant record',
        "target-group tf-stray: tagged for no tenant and not the shared infrastructure's",
      ]);
    });

    it('reports nothing for a consistent world', () => {
      // Prepare
      const inventory = [{ type: 'service', id: 'tf-shared/tf-a', arn: 'arn:svc/a', tenantId: 'a' }];
      const records = [
        record('a', { resources: { service: { cluster: 'c', name: 'tf-a', arn: 'arn:svc/a' } } }),
        record('d', { lifecycleStatus: 'DELETED', active: false }),
      ];
      const events = [{ detailType: 'sbt_aws_provisionSuccess', detail: { tenantRegistrationId: 'reg-a' } }];
      const requests = [
        { eventId: 'e1', operation: 'onboard' as const, tenantRegistrationId: 'reg-a', answerable: true },
      ];

      // Act
      const report = checkInvariants({ contract, inventory, records, events, requests });

      // Assess
      expect(report.findings).toEqual([]);
    });
  });
};
