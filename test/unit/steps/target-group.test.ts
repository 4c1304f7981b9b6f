import { describe, expect, it } from 'vitest';
import { NotReadyError } from '../../../src/domain/errors.ts';
import { resourceNames } from '../../../src/domain/naming.ts';
import { createTargetGroup, deleteTargetGroup } from '../../../src/steps/target-group.ts';
import { createFakes, FAKE_INFRA } from '../../support/fake-ports.ts';
import { context, lockedRecord, sagaState } from './fixtures.ts';

const TG_NAME = resourceNames('acme', 'tf').targetGroupName;

describe('CreateTargetGroup', () => {
  it('creates the group in the shared VPC with the health check path, and records it', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    // Act
    const next = await createTargetGroup(sagaState(), fakes.deps, context());
    // Assess
    expect(fakes.elb.callsOf('createTargetGroup')).toEqual([
      [
        {
          name: TG_NAME,
          vpcId: 'vpc-0abc',
          port: 8080,
          healthCheckPath: '/',
          tags: [
            { key: 'tenantflow:tenant-id', value: 'acme' },
            { key: 'tenantflow:tier', value: 'advanced' },
            { key: 'tenantflow:managed-by', value: 'tenantflow' },
          ],
        },
      ],
    ]);
    const group = [...fakes.elb.targetGroups.values()][0];
    expect(next.resources).toEqual({ targetGroupName: group?.name, targetGroupArn: group?.arn });
  });

  it('reuses the group found by name on a second run', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    const first = await createTargetGroup(sagaState(), fakes.deps, context());
    // Act
    const second = await createTargetGroup(sagaState(), fakes.deps, context());
    // Assess
    expect(fakes.elb.callsOf('createTargetGroup')).toHaveLength(1);
    expect(second.resources).toEqual(first.resources);
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
    expect(fakes.elb.callsOf('deleteTargetGroup')).toEqual([[created.resources.targetGroupArn]]);
    expect(fakes.elb.targetGroups.size).toBe(0);
    expect(next.resources).toEqual({});
  });

  it('finds the group by name when the state lost its ARN', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    await createTargetGroup(sagaState(), fakes.deps, context());
    // Act
    await deleteTargetGroup(sagaState(), fakes.deps, context());
    // Assess
    expect(fakes.elb.callsOf('deleteTargetGroup')).toHaveLength(1);
    expect(fakes.elb.targetGroups.size).toBe(0);
  });

  it('treats a group that is gone as deleted', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    const state = sagaState('advanced', 'onboard', {
      resources: { targetGroupName: TG_NAME, targetGroupArn: 'arn:gone' },
    });
    // Act
    const next = await deleteTargetGroup(state, fakes.deps, context());
    // Assess
    expect(fakes.elb.callsOf('deleteTargetGroup')).toEqual([['arn:gone']]);
    expect(next.resources).toEqual({});
  });

  it('never deletes the pooled target group', async () => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    const state = sagaState('basic', 'onboard', {
      resources: { targetGroupArn: FAKE_INFRA.pooledTargetGroupArn },
    });
    // Act
    await deleteTargetGroup(state, fakes.deps, context());
    // Assess
    expect(fakes.elb.callsOf('deleteTargetGroup')).toEqual([]);
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
      targetGroupArns: [created.resources.targetGroupArn ?? ''],
      listenerArn: FAKE_INFRA.listenerArn,
    });
    // Act
    const run = deleteTargetGroup(created, fakes.deps, context());
    // Assess
    await expect(run).rejects.toBeInstanceOf(NotReadyError);
  });
});
