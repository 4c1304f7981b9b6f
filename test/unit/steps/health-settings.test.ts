/**
 * A tier's health and drain settings, from the catalogue to the calls: the target group's health
 * check and deregistration delay, the service's grace period, the migration's drain and the update's
 * bound on its deployment wait (issue 28, first part).
 */
import { describe, expect, it } from 'vitest';
import { type Placement, parseCatalogue, placementOf } from '../../../src/domain/catalogue.ts';
import { tenantTags } from '../../../src/domain/naming.ts';
import type { SagaState } from '../../../src/domain/saga-state.ts';
import { switchRouting } from '../../../src/steps/migration.ts';
import { createService } from '../../../src/steps/service.ts';
import { createTargetGroup } from '../../../src/steps/target-group.ts';
import { deploymentLooks } from '../../../src/steps/update.ts';
import { createFakes, GROUP_HEALTH, testConfig } from '../../support/fake-ports.ts';
import { context, EXECUTION, lockedRecord, NAMES, placement, sagaState, TENANT, tagsOf } from './fixtures.ts';

/** A catalogue whose `gold` tier names its own health settings (the rest from the defaults). */
const goldCatalogue = JSON.stringify({
  defaultTier: 'gold',
  tiers: {
    gold: {
      cluster: 'shared',
      service: 'own',
      cpu: '256',
      memory: '512',
      desiredCount: 1,
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE', base: 1, weight: 1 }],
      healthCheckPath: '/ready',
      health: {
        intervalSeconds: 10,
        timeoutSeconds: 6,
        healthyThreshold: 3,
        deregistrationDelaySeconds: 90,
        gracePeriodSeconds: 15,
      },
    },
  },
});
const goldConfig = () => testConfig({ TIER_CATALOGUE: goldCatalogue });
const goldPlacement = () => placementOf(goldConfig().catalogue, 'gold', '/');
const goldState = (overrides: Partial<SagaState> = {}): SagaState => ({
  ...sagaState('advanced'),
  request: { ...sagaState('advanced').request, tier: 'gold' },
  placement: goldPlacement(),
  ...overrides,
});

/** An advanced placement as a record stored before tiers had health settings holds it. */
const legacyPlacement = (): Placement => {
  const tuned = placement('advanced');
  if (tuned.service !== 'own') throw new Error('advanced owns its service');
  const { health: _none, ...legacy } = tuned;
  return legacy;
};

describe('CreateTargetGroup with the tier’s health settings', () => {
  it('creates the group with the tier’s check and drain, the rest from the defaults, and configures nothing more', async () => {
    // Prepare
    const fakes = createFakes({ config: goldConfig() });
    fakes.tenants.seed({ ...lockedRecord(), placement: goldPlacement() });

    // Act
    const next = await createTargetGroup(goldState(), fakes.deps, context());

    // Assess
    expect(fakes.elb.callsOf('createTargetGroup')).toEqual([
      [
        {
          name: NAMES.targetGroupName,
          vpcId: 'vpc-0abc',
          port: 8080,
          health: {
            path: '/ready',
            intervalSeconds: 10,
            timeoutSeconds: 6,
            healthyThreshold: 3,
            unhealthyThreshold: 2,
            matcher: '200-399',
            deregistrationDelaySeconds: 90,
          },
          tags: tenantTags(TENANT, 'gold'),
        },
      ],
    ]);
    expect(fakes.elb.callsOf('configureTargetGroup')).toEqual([]);
    expect(fakes.elb.drainOf(next.resources.targetGroup?.arn ?? '')).toBe(90);
  });

  it('configures an adopted group (an earlier attempt may have died before setting its drain)', async () => {
    // Prepare: the tenant's group exists, made with the load balancer's defaults.
    const fakes = createFakes();
    fakes.tenants.seed(lockedRecord());
    const made = await fakes.elb.createTargetGroup({
      name: NAMES.targetGroupName,
      vpcId: 'vpc-0abc',
      port: 8080,
      health: {
        path: '/',
        intervalSeconds: 30,
        timeoutSeconds: 5,
        healthyThreshold: 5,
        unhealthyThreshold: 2,
        matcher: '200',
        deregistrationDelaySeconds: 300,
      },
      tags: tagsOf('advanced'),
    });

    // Act
    await createTargetGroup(sagaState(), fakes.deps, context());

    // Assess
    const wanted = { ...GROUP_HEALTH, path: testConfig().health.path };
    expect(fakes.elb.callsOf('configureTargetGroup')).toEqual([[made.arn, wanted]]);
    expect((await fakes.elb.findTargetGroup(NAMES.targetGroupName))?.healthCheck).toEqual({
      path: wanted.path,
      intervalSeconds: 5,
      timeoutSeconds: 4,
      healthyThreshold: 2,
      unhealthyThreshold: 2,
      matcher: '200-399',
    });
    expect(fakes.elb.drainOf(made.arn)).toBe(30);
  });
});

describe('CreateService with the tier’s grace period', () => {
  it('gives ECS the tier’s grace period for the service behind the group', async () => {
    // Prepare
    const fakes = createFakes({ config: goldConfig() });
    fakes.tenants.seed({ ...lockedRecord(), placement: goldPlacement() });
    const state = goldState({
      resources: {
        taskDefinition: { family: NAMES.taskDefinitionFamily, arn: 'arn:td:1' },
        targetGroup: { name: NAMES.targetGroupName, arn: 'arn:tg' },
      },
    });

    // Act
    await createService(state, fakes.deps, context());

    // Assess
    expect(fakes.ecs.callsOf('createService')[0]?.[0]).toMatchObject({
      targetGroupArn: 'arn:tg',
      healthCheckGracePeriodSeconds: 15,
    });
  });
});

describe('SwitchRouting’s drain', () => {
  const migrating = (source: Placement, sourceResources: SagaState['resources']): SagaState => ({
    ...sagaState('premium', 'migrate'),
    resources: {
      targetGroup: { name: 'tf-new', arn: 'arn:tg-new' },
      listenerRule: { listenerArn: 'arn:listener', arn: 'arn:rule', priority: 3 },
    },
    migration: { original: { placement: source, resources: sourceResources }, phase: 'building' },
  });

  it.each([
    ['an own-service source: its group’s deregistration delay', () => placement('advanced'), 30],
    [
      'a source recorded before tiers had health settings: the load balancer’s default delay it was made with',
      legacyPlacement,
      300,
    ],
    ['a pooled source: nothing (its service stays)', () => placement('basic'), 0],
  ])('waits for %s', async (_, source, seconds) => {
    // Prepare
    const fakes = createFakes();
    fakes.tenants.seed({
      ...lockedRecord('premium', EXECUTION, 'migrate'),
      migration: { direction: 'to', placement: placement('premium'), resources: {} },
    });
    const group = await fakes.elb.createTargetGroup({
      name: 'tf-new',
      vpcId: 'vpc-0abc',
      port: 8080,
      health: GROUP_HEALTH,
      tags: [],
    });
    const rule = await fakes.elb.createListenerRule({
      listenerArn: 'arn:listener',
      priority: 3,
      headerName: 'x-tenant-id',
      headerValue: 'acme',
      targetGroupArn: group.arn,
      tags: [],
    });
    if (rule === 'priority-in-use') throw new Error('the fake refused a free priority');
    const state = migrating(source(), {});
    const withArns: SagaState = {
      ...state,
      resources: {
        targetGroup: { name: 'tf-new', arn: group.arn },
        listenerRule: { listenerArn: 'arn:listener', arn: rule.arn, priority: 3 },
      },
    };

    // Act
    const next = await switchRouting(withArns, fakes.deps, context('migration'));

    // Assess
    expect(next.migration?.drainSeconds).toBe(seconds);
  });
});

describe('the update’s bound on its deployment wait', () => {
  it('adds the looks the old tasks’ drain takes (ECS completes a deployment once their targets drained)', () => {
    // Prepare
    const fakes = createFakes({ config: testConfig({ HEALTH_MAX_ATTEMPTS: '4' }) });
    const legacy = legacyPlacement();

    // Act
    const looks = {
      tuned: deploymentLooks(sagaState('advanced'), fakes.deps),
      gold: deploymentLooks(goldState(), fakes.deps),
      legacy: deploymentLooks(sagaState('advanced', 'update', { placement: legacy }), fakes.deps),
      pooled: deploymentLooks(sagaState('basic'), fakes.deps),
    };

    // Assess: 15 s between looks; drains of 30, 90 and 300 s.
    expect(looks).toEqual({ tuned: 4 + 2, gold: 4 + 6, legacy: 4 + 20, pooled: 4 });
  });
});

describe('the catalogue’s health settings', () => {
  const withHealth = (health: unknown) =>
    JSON.parse(goldCatalogue.replace(/"health":\{[^}]*\}/, `"health":${JSON.stringify(health)}`));

  it.each([
    [{ intervalSeconds: 4 }, 'tiers.gold.health.intervalSeconds'],
    [{ intervalSeconds: 301 }, 'tiers.gold.health.intervalSeconds'],
    [{ timeoutSeconds: 1 }, 'tiers.gold.health.timeoutSeconds'],
    [{ healthyThreshold: 11 }, 'tiers.gold.health.healthyThreshold'],
    [{ unhealthyThreshold: 1 }, 'tiers.gold.health.unhealthyThreshold'],
    [{ matcher: '200-600' }, 'tiers.gold.health.matcher'],
    [{ matcher: '299-200' }, 'tiers.gold.health.matcher'],
    [{ matcher: 'ok' }, 'tiers.gold.health.matcher'],
    [{ deregistrationDelaySeconds: 3601 }, 'tiers.gold.health.deregistrationDelaySeconds'],
    [{ gracePeriodSeconds: -1 }, 'tiers.gold.health.gracePeriodSeconds'],
    [{ intervalSeconds: 1.5 }, 'tiers.gold.health.intervalSeconds'],
    [{ interval: 5 }, 'tiers.gold.health'],
    // The timeout against the interval, whichever of the two comes from the defaults.
    [{ intervalSeconds: 10, timeoutSeconds: 10 }, 'tiers.gold.health.timeoutSeconds'],
    [{ timeoutSeconds: 5 }, 'tiers.gold.health.timeoutSeconds'],
  ])('refuses %j, naming %s', (health, field) => {
    // Act
    const parse = () => parseCatalogue(withHealth(health), 'test');

    // Assess
    expect(parse).toThrow(expect.objectContaining({ field }));
  });

  it('takes codes, ranges and lists within 200-499, and fills what a tier leaves out from the tuned defaults', () => {
    // Act
    const catalogue = parseCatalogue(withHealth({ matcher: '200,204,300-399', intervalSeconds: 30 }), 'test');

    // Assess
    expect(placementOf(catalogue, 'gold', '/')).toMatchObject({
      health: {
        intervalSeconds: 30,
        timeoutSeconds: 4,
        healthyThreshold: 2,
        unhealthyThreshold: 2,
        matcher: '200,204,300-399',
        deregistrationDelaySeconds: 30,
        gracePeriodSeconds: 60,
      },
    });
  });
});
