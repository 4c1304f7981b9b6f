import { RECORD_SCHEMA_VERSION } from '../../../src/domain/record-schema.ts';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { historyOf, successEvent } from './support/expectations.ts';
import {
  effects,
  LOAD_BALANCER_DNS,
  mocks,
  POOLED_TARGET_GROUP_ARN,
  SHARED_CLUSTER,
  SHARED_STACK,
  trace,
} from './support/fake-aws.ts';
import { type Flow, offboardingFor, onboardingSample, startFlow } from './support/harness.ts';

const sample = onboardingSample('basic');
const { tenantId, tenantRegistrationId } = sample.detail;
let flow: Flow;

beforeEach(async () => {
  flow = await startFlow();
});

afterEach(async () => {
  await flow.stop();
});

describe('basic tier lifecycle over the production adapters', () => {
  it('onboards onto the pooled service without touching ECS or ELB', async () => {
    // Prepare
    const execution = 'onb-basic-1';

    // Act
    const result = await flow.run('onboarding', sample, execution);

    // Assess
    expect(result.status).toBe('succeeded');
    expect(result.steps).toEqual([
      'ValidateRequest',
      'ReserveTenant',
      'RemoveLeftovers',
      'AdmitTenant',
      'ActivateTenant',
      'NotifySuccess',
    ]);
    expect(trace(flow.world)).toEqual(['CFN.DescribeStacks', 'EVB.PutEvents']);
    expect(mocks.ecs).not.toHaveReceivedAnyCommand();
    expect(mocks.elb).not.toHaveReceivedAnyCommand();
    expect(mocks.cloudformation.calls()[0]?.args[0].input).toEqual({ StackName: SHARED_STACK });
    const routing = {
      mode: 'pooled',
      clusterName: SHARED_CLUSTER,
      serviceName: 'tf-pool',
      targetGroupArn: POOLED_TARGET_GROUP_ARN,
      tenantHeader: tenantId,
      loadBalancerDns: LOAD_BALANCER_DNS,
    };
    expect(await flow.item(tenantId)).toEqual({
      pk: `TENANT#${tenantId}`,
      sk: 'RECORD',
      tenantId,
      tenantRegistrationId,
      tenantName: 'bluebird-bakery',
      // The event's address, kept for a retry of the onboarding.
      email: 'ops@bluebird-bakery.example',
      placement: { tier: 'basic', cluster: 'shared', service: 'pooled' },
      lifecycleStatus: 'ACTIVE',
      active: true,
      resources: {},
      routing,
      history: historyOf('onboard', execution, ['ActivateTenant']),
      version: 2,
      schemaVersion: RECORD_SCHEMA_VERSION,
      createdAt: '2025-06-02T10:00:00.000Z',
      updatedAt: '2025-06-02T10:00:00.000Z',
    });
    const tenantConfig = JSON.stringify({
      tier: 'basic',
      routing: {
        mode: 'pooled',
        headerName: 'x-tenant-id',
        headerValue: tenantId,
        loadBalancerDns: LOAD_BALANCER_DNS,
      },
      cluster: SHARED_CLUSTER,
      service: 'tf-pool',
      targetGroupArn: POOLED_TARGET_GROUP_ARN,
    });
    expect(flow.published()).toEqual([successEvent(sample, 'provision', { tenantConfig })]);
  });

  it('offboards to a DELETED tombstone without a single ECS or ELB call: a pooled tenant owns nothing there', async () => {
    // Prepare
    await flow.run('onboarding', sample, 'onb-basic-1');
    flow.world.log.length = 0;
    mocks.eventbridge.resetHistory();

    // Act
    const result = await flow.run('offboarding', offboardingFor(sample), 'off-basic-1');

    // Assess
    expect(result.status).toBe('succeeded');
    expect(trace(flow.world)).toEqual(['EVB.PutEvents']);
    expect(mocks.ecs).not.toHaveReceivedAnyCommand();
    expect(mocks.elb).not.toHaveReceivedAnyCommand();
    expect(effects(flow.world, 'created')).toEqual([]);
    expect(effects(flow.world, 'deleted')).toEqual([]);
    const item = await flow.item(tenantId);
    expect(item).toMatchObject({ lifecycleStatus: 'DELETED', active: false, resources: {}, version: 4 });
    expect(item).not.toHaveProperty('routing');
    expect(item).not.toHaveProperty('lock');
    expect(item?.history).toEqual([
      ...historyOf('onboard', 'onb-basic-1', ['ActivateTenant']),
      ...historyOf('offboard', 'off-basic-1', ['RemoveTenant']),
    ]);
    expect(flow.published()).toEqual([successEvent(sample, 'deprovision', {})]);
  });
});
