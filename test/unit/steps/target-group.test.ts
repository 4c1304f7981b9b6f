import { describe, expect, it } from 'vitest';
import { NotReadyError, OwnershipError } from '../../../src/domain/errors.ts';
import { createTargetGroup, deleteTargetGroup } from '../../../src/steps/target-group.ts';
import { createFakes, FAKE_INFRA, GROUP_HEALTH } from '../../support/fake-ports.ts';
import { context, lockedRecord, NAMES, sagaState, tagsOf } from './fixtures.ts';

const TG_NAME = NAMES.targetGroupName;

describe('CreateTargetGroup', () => {
  it("creates the group in the shared VPC with the placement's health check path, and records it", async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());

    // Act
    const next = await createTargetGroup(sagaState(), fakes.deps, context());

    // Assess
    expect(fakes.elb.callsOf('createTargetGroup')).toEqual([
      [{ name: TG_NAME, vpcId: 'vpc-0abc', port: 8080, health: GROUP_HEALTH, tags: tagsOf('advanced') }],
    ]);
    const group = [...fakes.elb.targetGroups.values()][0];
    expect(next.resources).toEqual({ targetGroup: { name: TG_NAME, arn: group?.arn } });
  });

  it('adopts its own group found by name on a second run', async () => {
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    const first = await createTargetGroup(sagaState(), fakes.deps, context());
    const second = await createTargetGroup(sagaState(), fakes.deps, context());
    expect(fakes.elb.callsOf('createTargetGroup')).toHaveLength(1);
    expect(second.resources).toEqual(first.resources);
  });

  it("refuses a group of the tenant's name that is another tenant's: no cross-tenant traffic", async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    const squatter = await fakes.elb.createTargetGroup({
      name: TG_NAME,
      vpcId: 'vpc-0abc',
      port: 80,
      health: GROUP_HEALTH,
      tags: tagsOf('advanced', 'globex'),
    });

    // Act
    const run = createTargetGroup(sagaState(), fakes.deps, context());

    // Assess
    await expect(run).rejects.toBeInstanceOf(OwnershipError);
    await expect(run).rejects.toThrow(
      `target group ${TG_NAME} (${squatter.arn}) already exists and belongs to tenant globex`,
    );
    expect(fakes.tenants.callsOf('recordResources')).toEqual([]);
  });
});

describe('DeleteTargetGroup', () => {
  it('deletes the recorded group and forgets it', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    const created = await createTargetGroup(sagaState(), fakes.deps, context());

    // Act
    const next = await deleteTargetGroup(created, fakes.deps, context());

    // Assess
    expect(fakes.elb.callsOf('deleteTargetGroup')).toEqual([[created.resources.targetGroup?.arn]]);
    expect(fakes.elb.targetGroups.size).toBe(0);
    expect(next.resources).toEqual({});
  });

  it('finds the group by name when the state lost its ARN (a crash before the checkpoint)', async () => {
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    await createTargetGroup(sagaState(), fakes.deps, context());
    await deleteTargetGroup(sagaState(), fakes.deps, context());
    expect(fakes.elb.callsOf('deleteTargetGroup')).toHaveLength(1);
    expect(fakes.elb.targetGroups.size).toBe(0);
  });

  it('treats a group that is gone as deleted', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    const state = sagaState('advanced', 'onboard', {
      resources: { targetGroup: { name: TG_NAME, arn: 'arn:gone' } },
    });

    // Act
    const next = await deleteTargetGroup(state, fakes.deps, context());

    // Assess
    expect(fakes.elb.callsOf('tagsOf')).toEqual([[['arn:gone']]]);
    expect(fakes.elb.callsOf('deleteTargetGroup')).toEqual([]);
    expect(next.resources).toEqual({});
  });

  it("never deletes the pooled target group or another tenant's, whatever the state names", async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    const other = await fakes.elb.createTargetGroup({
      name: TG_NAME,
      vpcId: 'v',
      port: 80,
      health: GROUP_HEALTH,
      tags: tagsOf('advanced', 'globex'),
    });
    const pooled = sagaState('basic', 'onboard', {
      resources: { targetGroup: { name: 'pooled', arn: FAKE_INFRA.pooledTargetGroupArn } },
    });

    // Act
    await deleteTargetGroup(pooled, fakes.deps, context());
    await deleteTargetGroup(sagaState(), fakes.deps, context());

    // Assess
    expect(fakes.elb.callsOf('deleteTargetGroup')).toEqual([]);
    expect(fakes.elb.targetGroups.get(TG_NAME)?.arn).toBe(other.arn);
  });

  it('lets NotReadyError through while a rule still forwards to it', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    const created = await createTargetGroup(sagaState(), fakes.deps, context());
    fakes.elb.rules.push({
      arn: 'arn:rule',
      priority: 1,
      headerValue: 'acme',
      targetGroupArns: [created.resources.targetGroup?.arn ?? ''],
      listenerArn: FAKE_INFRA.listenerArn,
      tags: tagsOf('advanced'),
    });

    // Act
    const run = deleteTargetGroup(created, fakes.deps, context());

    // Assess
    await expect(run).rejects.toBeInstanceOf(NotReadyError);
  });
});
