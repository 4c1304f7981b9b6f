import { AccessDeniedException, InvalidParameterException } from '@aws-sdk/client-ecs';
import {
  InvalidConfigurationRequestException,
  InvalidTargetException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { provisionFailure } from './support/expectations.ts';
import { effects, leftovers, mocks, trace } from './support/fake-aws.ts';
import { type Flow, NOW, onboardingSample, startFlow, TABLE } from './support/harness.ts';

/**
 * A fatal fault at each forward step that touches AWS: the saga ends failed, everything the run
 * created is deleted again in reverse order, the map says FAILED naming the step, and exactly one
 * provisionFailure goes out.
 */
let flow: Flow;

beforeEach(async () => {
  flow = await startFlow();
});

afterEach(async () => {
  await flow.stop();
});

const meta = { $metadata: { httpStatusCode: 400, attempts: 1 } };
const FAULTS = {
  CreateCluster: [
    'ECS.CreateCluster',
    () => new InvalidParameterException({ message: 'Invalid setting name', ...meta }),
  ],
  RegisterTaskDefinition: [
    'ECS.RegisterTaskDefinition',
    () =>
      new AccessDeniedException({ message: 'not authorized to perform ecs:RegisterTaskDefinition', ...meta }),
  ],
  CreateTargetGroup: [
    'ELB.CreateTargetGroup',
    () =>
      new InvalidConfigurationRequestException({ message: 'VPC vpc-0123456789abcdef0 not found', ...meta }),
  ],
  CreateListenerRule: [
    'ELB.CreateRule',
    () => new InvalidConfigurationRequestException({ message: 'Rule condition is invalid', ...meta }),
  ],
  CreateService: [
    'ECS.CreateService',
    () =>
      new InvalidParameterException({
        message: 'The target group does not have an associated load balancer',
        ...meta,
      }),
  ],
  WaitForHealthy: [
    'ELB.DescribeTargetHealth',
    () => new InvalidTargetException({ message: 'The specified target does not exist', ...meta }),
  ],
} as const;

type FaultStep = keyof typeof FAULTS | 'ActivateTenant';

/** The forward steps of each tier, in order; the created resources and their compensations follow from them. */
const STEPS: Record<'advanced' | 'premium', FaultStep[]> = {
  advanced: [
    'RegisterTaskDefinition',
    'CreateTargetGroup',
    'CreateListenerRule',
    'CreateService',
    'WaitForHealthy',
    'ActivateTenant',
  ],
  premium: [
    'CreateCluster',
    'RegisterTaskDefinition',
    'CreateTargetGroup',
    'CreateListenerRule',
    'CreateService',
    'WaitForHealthy',
    'ActivateTenant',
  ],
};

/** The resource kinds each step creates (its successful create or register calls). */
const CREATES: Partial<Record<FaultStep, string>> = {
  CreateCluster: 'cluster',
  RegisterTaskDefinition: 'task-definition',
  CreateTargetGroup: 'target-group',
  CreateListenerRule: 'rule',
  CreateService: 'service',
};

const cases = (['advanced', 'premium'] as const).flatMap((tier) =>
  STEPS[tier].map((step) => ({ tier, step })),
);

describe.each(cases)('onboarding $tier with a fatal fault at $step', ({ tier, step }) => {
  const sample = onboardingSample(tier);
  const { tenantId } = sample.detail;

  it('compensates in reverse order, marks the tenant FAILED and sends one provisionFailure', async () => {
    // Prepare
    if (step === 'ActivateTenant') flow.failNextRelease('ACTIVE');
    else {
      const [call, fault] = FAULTS[step];
      flow.world.faults.set(call, fault());
    }
    const before = STEPS[tier].slice(0, STEPS[tier].indexOf(step));
    const expectedKinds = before.flatMap((done) => CREATES[done] ?? []);

    // Act
    const result = await flow.run('onboarding', sample, `onb-${tier}-fault`);

    // Assess
    expect(result.status).toBe('failed');
    if (step !== 'ActivateTenant') {
      const [call, fault] = FAULTS[step];
      expect(trace(flow.world)).toContain(`${call} ! ${fault().name}`);
    }
    const created = effects(flow.world, 'created');
    expect(created.map((resource) => resource.split(' ')[0])).toEqual(expectedKinds);
    expect(effects(flow.world, 'deleted')).toEqual([...created].reverse());
    expect(leftovers(flow.world)).toEqual([]);
    const claims = await flow.document.send(
      new ScanCommand({
        TableName: TABLE,
        FilterExpression: 'begins_with(pk, :p)',
        ExpressionAttributeValues: { ':p': 'PRIORITY#' },
      }),
    );
    expect(claims.Items ?? []).toEqual([]);
    expect(result.steps.slice(-2)).toEqual(['MarkFailed', 'NotifyFailure']);
    const item = await flow.item(tenantId);
    expect(item).toMatchObject({ lifecycleStatus: 'FAILED', active: false, resources: {} });
    expect(item).not.toHaveProperty('lock');
    expect(item?.lastError).toEqual({
      operation: 'onboard',
      step,
      reason: expect.stringMatching(new RegExp(`^${step}: FatalError: `)),
      at: NOW,
    });
    expect(mocks.eventbridge).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    expect(flow.published()).toEqual([provisionFailure(sample, step)]);
  });
});
