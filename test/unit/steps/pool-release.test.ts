/**
 * A pooled tier's rollout on the fakes: the shared stack's pooled service put on a revision of its
 * family for the release, watched, and put back when the wave fails its gate. Checked: the exact ECS
 * calls, the revisions left, and the report.
 */
import { describe, expect, it } from 'vitest';
import type { RolloutState } from '../../../src/domain/rollout-state.ts';
import type { TaskDefinitionSpec } from '../../../src/ports/container-platform.ts';
import { dispatchStep } from '../../../src/steps/index.ts';
import { poolRelease } from '../../../src/steps/pool-release.ts';
import { createFakes, FAKE_INFRA } from '../../support/fake-ports.ts';
import { placement } from './fixtures.ts';

const RELEASE = {
  version: '2.0.0',
  image: 'public.ecr.aws/example/app:2.0.0',
  environment: { MODE: 'blue' },
};
const ROLLOUT = 'rollout-basic-1';
const { clusterName: CLUSTER, pooledServiceName: POOL, pooledTargetGroupArn: POOL_GROUP } = FAKE_INFRA;

type Fakes = ReturnType<typeof createFakes>;

/** The shared stack's pooled service as it deploys it (its own revision, no tenantflow tags), serving. */
const withPool = async () => {
  const fakes = createFakes();
  fakes.tenants.seed({ tenantId: 'b0', lifecycleStatus: 'ACTIVE', placement: placement('basic') });
  fakes.tenants.seed({ tenantId: 'b1', lifecycleStatus: 'INACTIVE', placement: placement('basic') });
  fakes.tenants.seed({ tenantId: 'a0', lifecycleStatus: 'ACTIVE', placement: placement('advanced') });
  const stack = await fakes.ecs.registerTaskDefinition({
    family: POOL,
    cpu: '512',
    memory: '1024',
    containerName: 'app',
    image: FAKE_INFRA.tenantImage,
    containerPort: FAKE_INFRA.containerPort,
    environment: { TENANT_TIER: 'basic' },
    log: { driver: 'awslogs', group: FAKE_INFRA.logGroupName, region: 'us-east-1', streamPrefix: 'pooled' },
    tags: [],
  });
  await fakes.ecs.createService({
    cluster: CLUSTER,
    name: POOL,
    taskDefinitionArn: stack.arn,
    desiredCount: 1,
    subnets: [],
    securityGroups: [],
    targetGroupArn: POOL_GROUP,
    containerName: 'app',
    containerPort: FAKE_INFRA.containerPort,
    capacityProviderStrategy: [],
    tags: [],
    clientToken: 'stack',
  });
  fakes.ecs.settle(CLUSTER, POOL);
  fakes.elb.health.set(POOL_GROUP, { healthy: 1, total: 1, states: ['healthy'] });
  fakes.ecs.calls.length = 0;
  return { fakes, stack: stack.arn };
};

const step = async (fakes: Fakes, name: string, state: unknown) =>
  (await dispatchStep(
    { step: name as 'RunWave', machine: 'rollout', execution: ROLLOUT, state },
    fakes.deps,
  )) as RolloutState;

const plan = (fakes: Fakes) =>
  step(fakes, 'PlanRollout', { tier: 'basic', release: RELEASE, bakeSeconds: 0, concurrency: 2 });

const copy = <T>(value: T): T => structuredClone(value);
const pooledRevisions = (fakes: Fakes) =>
  fakes.ecs.taskDefinitions
    .filter((td) => td.family === POOL)
    .map((td) => `${td.revision} ${td.status} ${td.spec.image}`);

describe('a pooled tier’s rollout', () => {
  it('plans one wave, the pooled service, for every tenant running in it', async () => {
    // Prepare
    const { fakes } = await withPool();

    // Act
    const state = await plan(fakes);

    // Assess: every pooled tenant rides along (whatever its status); nothing is touched yet.
    expect(state.report).toMatchObject({ pooled: true, status: 'running', notUpdated: [], alreadyOn: [] });
    expect(state.report.waves.map((wave) => wave.tenants)).toEqual([['b0', 'b1']]);
    expect(state.progress.tenants).toEqual([]);
    expect(state.progress.pool).toEqual({
      state: 'pending',
      cluster: CLUSTER,
      service: POOL,
      targetGroupArn: POOL_GROUP,
      looks: 0,
    });
    expect(fakes.ecs.calls).toEqual([]);
  });

  it('registers the release’s revision of the pooled family, deploys it, and passes once it is healthy', async () => {
    // Prepare
    const { fakes, stack } = await withPool();
    const planned = await plan(fakes);

    // Act
    const deploying = await step(fakes, 'RunWave', copy(planned));
    fakes.ecs.settle(CLUSTER, POOL);
    const done = await step(fakes, 'RunWave', copy(deploying));

    // Assess: the stack's sizes and container kept; the tier, not a tenant, in the environment;
    // tagged with the tier, the release and the revision before it, but not as a tenant's resource.
    const [[spec]] = fakes.ecs.callsOf('registerTaskDefinition') as [[TaskDefinitionSpec]];
    expect(spec).toMatchObject({
      family: POOL,
      cpu: '512',
      memory: '1024',
      containerName: 'app',
      image: RELEASE.image,
      environment: { MODE: 'blue', TENANT_TIER: 'basic' },
      log: { streamPrefix: 'pooled' },
    });
    expect(spec.tags.map((tag) => tag.key)).toEqual([
      'tenantflow:pool',
      'tenantflow:release',
      'tenantflow:spec-hash',
      'tenantflow:previous',
    ]);
    expect(spec.tags).toContainEqual({ key: 'tenantflow:previous', value: stack });
    const revision = `arn:aws:ecs:us-east-1:123456789012:task-definition/${POOL}:2`;
    expect(fakes.ecs.callsOf('updateService')).toEqual([[CLUSTER, POOL, { taskDefinitionArn: revision }]]);
    expect(deploying.progress).toMatchObject({ settled: false, passed: false });
    expect(deploying.progress.pool).toMatchObject({
      state: 'deploying',
      previous: stack,
      revisionArn: revision,
    });
    expect(done.progress).toMatchObject({ settled: true, passed: true });
    expect(done.report.waves[0]?.updated).toEqual(['b0', 'b1']);
    expect(await poolRelease(fakes.deps)).toEqual({ version: '2.0.0', taskDefinition: revision });

    // Act: the last wave's bake closes the rollout.
    const end = await step(fakes, 'BakeWave', copy(done));

    // Assess: the stack's own revision is CloudFormation's: it stays.
    expect(end.report).toMatchObject({ status: 'completed', updated: 2 });
    expect(pooledRevisions(fakes)).toEqual([
      `1 ACTIVE ${FAKE_INFRA.tenantImage}`,
      `2 ACTIVE ${RELEASE.image}`,
    ]);
  });

  it('run again after a crash past UpdateService, deploys nothing twice and still knows where to go back', async () => {
    // Prepare
    const { fakes, stack } = await withPool();
    const planned = await plan(fakes);
    await step(fakes, 'RunWave', copy(planned));

    // Act: the same look again (its returned state was lost).
    const again = await step(fakes, 'RunWave', copy(planned));

    // Assess
    expect(fakes.ecs.callsOf('registerTaskDefinition')).toHaveLength(1);
    expect(fakes.ecs.callsOf('updateService')).toHaveLength(1);
    expect(again.progress.pool).toMatchObject({ state: 'deploying', previous: stack });
  });

  it('fails when the circuit breaker rolls the deployment back, then settles the rollback and removes the revision', async () => {
    // Prepare
    const { fakes, stack } = await withPool();
    const deploying = await step(fakes, 'RunWave', copy(await plan(fakes)));
    fakes.ecs.rollBack(CLUSTER, POOL, 'tasks failed to start');

    // Act
    const failed = await step(fakes, 'RunWave', copy(deploying));
    const back = await step(fakes, 'RollBackWave', copy(failed));

    // Assess: the breaker put the service back already: no second UpdateService; the release's
    // revision is deregistered and deleted, the stack's stays.
    expect(failed.progress).toMatchObject({ settled: true, passed: false });
    expect(failed.progress.pool?.reason).toBe(
      `deployment of ${POOL} rolled back by the circuit breaker: tasks failed to start`,
    );
    expect(fakes.ecs.callsOf('updateService')).toHaveLength(1);
    expect(back.report).toMatchObject({ status: 'halted', updated: 0, rolledBack: 2 });
    expect(back.report.reason).toBe(
      `wave 1 of 1: deployment of ${POOL} rolled back by the circuit breaker: tasks failed to start; the wave was rolled back`,
    );
    expect(pooledRevisions(fakes)).toEqual([
      `1 ACTIVE ${FAKE_INFRA.tenantImage}`,
      `2 DELETE_IN_PROGRESS ${RELEASE.image}`,
    ]);
    expect(await poolRelease(fakes.deps)).toEqual({ version: 'initial', taskDefinition: stack });
  });

  it('goes back from a release that was in (the alarm after it): UpdateService onto the revision before', async () => {
    // Prepare
    const { fakes, stack } = await withPool();
    const deploying = await step(fakes, 'RunWave', copy(await plan(fakes)));
    fakes.ecs.settle(CLUSTER, POOL);
    const updated = await step(fakes, 'RunWave', copy(deploying));
    updated.progress.alarm = 'alarm tenant-errors went into ALARM';

    // Act
    const going = await step(fakes, 'RollBackWave', copy(updated));
    fakes.ecs.settle(CLUSTER, POOL);
    const back = await step(fakes, 'RollBackWave', copy(going));

    // Assess
    expect(fakes.ecs.callsOf('updateService').at(-1)).toEqual([CLUSTER, POOL, { taskDefinitionArn: stack }]);
    expect(going.progress).toMatchObject({ settled: false });
    expect(going.progress.pool?.state).toBe('rolling-back');
    expect(back.progress.pool?.state).toBe('rolled-back');
    expect(back.report).toMatchObject({ status: 'halted', updated: 0, rolledBack: 2 });
    expect(back.report.reason).toBe(
      'wave 1 of 1: alarm tenant-errors went into ALARM after it; the wave was rolled back',
    );
  });

  it('retires the revisions rollouts registered before (and one left behind), once the next release is in', async () => {
    // Prepare: one release in, then another.
    const { fakes } = await withPool();
    const run = async (release: typeof RELEASE) => {
      let state = await step(fakes, 'PlanRollout', { tier: 'basic', release, bakeSeconds: 0 });
      state = await step(fakes, 'RunWave', state);
      fakes.ecs.settle(CLUSTER, POOL);
      state = await step(fakes, 'RunWave', state);
      return step(fakes, 'BakeWave', state);
    };
    await run(RELEASE);
    // A revision an interrupted rollout registered and never deployed.
    const [[registered]] = fakes.ecs.callsOf('registerTaskDefinition') as [[TaskDefinitionSpec]];
    await fakes.ecs.registerTaskDefinition({ ...registered, image: 'public.ecr.aws/example/app:2.9.0' });

    // Act
    const end = await run({ ...RELEASE, version: '3.0.0', image: 'public.ecr.aws/example/app:3.0.0' });

    // Assess: only the stack's and the running one stay.
    expect(end.report.status).toBe('completed');
    expect(pooledRevisions(fakes)).toEqual([
      `1 ACTIVE ${FAKE_INFRA.tenantImage}`,
      `2 DELETE_IN_PROGRESS ${RELEASE.image}`,
      '3 DELETE_IN_PROGRESS public.ecr.aws/example/app:2.9.0',
      '4 ACTIVE public.ecr.aws/example/app:3.0.0',
    ]);
  });

  it('refuses a pooled service that is not there, naming it', async () => {
    // Prepare
    const fakes = createFakes();
    const planned = await plan(fakes);

    // Act
    const error = await step(fakes, 'RunWave', planned).catch((caught: unknown) => caught);

    // Assess
    expect(String(error)).toContain(`the pooled service ${CLUSTER}/${POOL} is not ACTIVE`);
  });
});
