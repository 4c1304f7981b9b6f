import { describe, expect, it } from 'vitest';
import { FatalError } from '../../../src/domain/errors.ts';
import type { ShardState } from '../../../src/domain/shard-state.ts';
import { dispatchShardStep, growIfFilling, sharedInfrastructure } from '../../../src/steps/shard.ts';
import { createFakes, FAKE_INFRA, testConfig } from '../../support/fake-ports.ts';

const ctx = (execution = 'add-shard-7') => ({ machine: 'shard' as const, execution });
const TAGS = [
  { key: 'tenantflow:managed-by', value: 'tenantflow' },
  { key: 'tenantflow:shard', value: '7' },
];

/** Fakes whose one shard (capacity 2 by SHARD_CAPACITY) holds `used` tenants; growth at 50 %. */
const setup = (used = 2, env: Record<string, string> = {}) => {
  const fakes = createFakes({
    config: testConfig({ SHARD_CAPACITY: '2', SHARD_GROWTH_THRESHOLD: '0.5', ...env }),
  });
  for (let priority = 1; priority <= used; priority += 1)
    fakes.priorities.claims.set(
      FAKE_INFRA.shards[0]?.listenerArn ?? '',
      new Map([
        ...(fakes.priorities.claims.get(FAKE_INFRA.shards[0]?.listenerArn ?? '') ?? []),
        [priority, `t${priority}`],
      ]),
    );
  return fakes;
};

/** Runs the forward steps of the machine as its ASL would (looking again until the load balancer is ready). */
const runForward = async (
  fakes: ReturnType<typeof setup>,
  input: unknown = {},
  execution = 'add-shard-7',
) => {
  let state = (await dispatchShardStep('PlanShard', input, fakes.deps, ctx(execution))) as ShardState;
  if (state.outcome !== 'adding') return state;
  state = (await dispatchShardStep('CreateLoadBalancer', state, fakes.deps, ctx(execution))) as ShardState;
  do
    state = (await dispatchShardStep('WaitForLoadBalancer', state, fakes.deps, ctx(execution))) as ShardState;
  while (!state.ready);
  state = (await dispatchShardStep('CreateShardListener', state, fakes.deps, ctx(execution))) as ShardState;
  return (await dispatchShardStep('RecordShard', state, fakes.deps, ctx(execution))) as ShardState;
};

/** The way back, in the machine's order. */
const runBack = async (fakes: ReturnType<typeof setup>, state: unknown, execution = 'add-shard-7') => {
  let next = state;
  for (const step of ['DeleteShardListener', 'DeleteShardLoadBalancer', 'ReleaseShard'] as const)
    next = await dispatchShardStep(step, next, fakes.deps, ctx(execution));
  return next as ShardState;
};

describe('the shard machine', () => {
  it('adds a shard: reserves it, creates its ALB in the public subnets, waits, adds the 404 listener, records it ACTIVE', async () => {
    // Prepare
    const fakes = setup();

    // Act
    const state = await runForward(fakes);

    // Assess
    expect(fakes.shardRegistry.callsOf('reserve')).toEqual([[6, 'add-shard-7']]);
    expect(fakes.elb.callsOf('createLoadBalancer')).toEqual([
      [
        {
          name: 'tf-shard-7',
          subnetIds: ['subnet-public-a', 'subnet-public-b'],
          securityGroupIds: ['sg-alb'],
          tags: TAGS,
        },
      ],
    ]);
    // provisioning at the first look, active at the second
    expect(fakes.elb.callsOf('findLoadBalancer')).toHaveLength(3);
    const lb = fakes.elb.loadBalancers.get('tf-shard-7');
    expect(fakes.elb.callsOf('createListener')).toEqual([
      [{ loadBalancerArn: lb?.arn, port: 80, tags: TAGS }],
    ]);
    expect(state.outcome).toBe('added');
    expect([...fakes.shardRegistry.shards.values()]).toEqual([
      {
        index: 6,
        status: 'ACTIVE',
        execution: 'add-shard-7',
        loadBalancerArn: lb?.arn,
        listenerArn: fakes.elb.listeners[0]?.arn,
        dnsName: lb?.dnsName,
      },
    ]);
    // … and every step's view of the shards now has it, after the stack's.
    const { shards } = await sharedInfrastructure(fakes.deps);
    expect(shards.map((shard) => shard.index)).toEqual([0, 6]);
    expect(shards[1]?.listenerArn).toBe(fakes.elb.listeners[0]?.arn);
  });

  it('adds nothing while the shards have room (unless forced), or at the limit, or while another execution adds one', async () => {
    // Prepare
    const roomy = setup(0);
    const limited = setup(2, { SHARD_GROWTH_LIMIT: '0' });
    const busy = setup();
    await busy.shardRegistry.reserve(6, 'add-shard-other');
    busy.starter.started.push({ machine: 'shard', name: 'add-shard-other', input: {}, running: true });

    // Act
    const outcomes = [await runForward(roomy), await runForward(limited), await runForward(busy)].map(
      (state) => [state.outcome, state.note],
    );
    const forced = await runForward(setup(0), { force: true, reason: 'operator' });

    // Assess
    expect(outcomes).toEqual([
      ['not-needed', 'the shards have room (0/2)'],
      ['not-needed', '0 shards added already: SHARD_GROWTH_LIMIT is 0'],
      ['not-needed', 'shard 7 is being added by add-shard-other'],
    ]);
    expect(roomy.elb.callsOf('createLoadBalancer')).toEqual([]);
    expect(busy.shardRegistry.shards.get(6)?.execution).toBe('add-shard-other');
    expect(forced.outcome).toBe('added');
  });

  it('takes over a shard a dead execution left reserved, adopting the load balancer it made', async () => {
    // Prepare: the dead one reserved shard 7 and created its ALB, then died.
    const fakes = setup();
    await runForward(fakes, {}, 'add-shard-dead').catch(() => undefined);
    fakes.shardRegistry.shards.set(6, { index: 6, status: 'CREATING', execution: 'add-shard-dead' });
    fakes.starter.started.push({ machine: 'shard', name: 'add-shard-dead', input: {}, running: false });
    const before = fakes.elb.callsOf('createLoadBalancer').length;

    // Act
    const state = await runForward(fakes, {}, 'add-shard-next');

    // Assess
    expect(fakes.shardRegistry.callsOf('takeOver')).toEqual([[6, 'add-shard-dead', 'add-shard-next']]);
    expect(state.outcome).toBe('added');
    expect(fakes.shardRegistry.shards.get(6)).toMatchObject({
      status: 'ACTIVE',
      execution: 'add-shard-next',
    });
    expect(fakes.elb.loadBalancers.size).toBe(1);
    expect(fakes.elb.listeners).toHaveLength(1);
    // Found by its name and tags: adopted, not created again.
    expect(fakes.elb.callsOf('createLoadBalancer')).toHaveLength(before);
  });

  it('undoes in reverse after the listener failed: listener, load balancer, reservation; nothing left', async () => {
    // Prepare
    const fakes = setup();
    let state = (await dispatchShardStep('PlanShard', {}, fakes.deps, ctx())) as ShardState;
    state = (await dispatchShardStep('CreateLoadBalancer', state, fakes.deps, ctx())) as ShardState;
    state = (await dispatchShardStep('WaitForLoadBalancer', state, fakes.deps, ctx())) as ShardState;
    state = (await dispatchShardStep('CreateShardListener', state, fakes.deps, ctx())) as ShardState;

    // Act
    const back = await runBack(fakes, {
      ...state,
      failure: { step: 'RecordShard', error: { Error: 'FatalError' } },
    });

    // Assess
    expect(fakes.elb.callsOf('deleteListener')).toEqual([[state.listener?.arn]]);
    expect(fakes.elb.callsOf('deleteLoadBalancer')).toEqual([[state.loadBalancer?.arn]]);
    expect(fakes.shardRegistry.callsOf('release')).toEqual([[6, 'add-shard-7']]);
    expect(fakes.elb.loadBalancers.size).toBe(0);
    expect(fakes.elb.listeners).toEqual([]);
    expect(fakes.shardRegistry.shards.size).toBe(0);
    expect(back.committed).toBeUndefined();
  });

  it('undoes nothing once the shard is recorded ACTIVE (RecordShard failed after its write)', async () => {
    // Prepare
    const fakes = setup();
    const state = await runForward(fakes);

    // Act
    const back = await runBack(fakes, {
      ...state,
      failure: { step: 'RecordShard', error: { Error: 'FatalError' } },
    });

    // Assess
    expect(back.committed).toBe(true);
    expect(fakes.elb.callsOf('deleteListener')).toEqual([]);
    expect(fakes.elb.callsOf('deleteLoadBalancer')).toEqual([]);
    expect(fakes.shardRegistry.shards.get(6)?.status).toBe('ACTIVE');
  });

  it("deletes a load balancer of the shard's name only when tagged as that shard", async () => {
    // Prepare: someone else's ALB under the name.
    const fakes = setup();
    await fakes.elb.createLoadBalancer({ name: 'tf-shard-7', subnetIds: [], securityGroupIds: [], tags: [] });
    const planned = (await dispatchShardStep('PlanShard', {}, fakes.deps, ctx())) as ShardState;

    // Act
    const creating = dispatchShardStep('CreateLoadBalancer', planned, fakes.deps, ctx());
    await expect(creating).rejects.toThrow(/tf-shard-7 exists and is not shard 7's/);
    await runBack(fakes, {
      ...planned,
      failure: { step: 'CreateLoadBalancer', error: { Error: 'FatalError' } },
    });

    // Assess
    expect(fakes.elb.callsOf('deleteLoadBalancer')).toEqual([]);
    expect(fakes.elb.loadBalancers.size).toBe(1);
    expect(fakes.shardRegistry.shards.size).toBe(0);
  });

  it('fails naming the outputs a stack made before the shard machine lacks, and the field of a bad input', async () => {
    // Prepare
    const fakes = setup();
    const { publicSubnetIds: _s, loadBalancerSecurityGroupId: _g, ...old } = FAKE_INFRA;
    const oldStack = { ...fakes.deps, infra: { get: async () => old } };

    // Act
    const missing = dispatchShardStep('PlanShard', {}, oldStack, ctx());
    const bad = dispatchShardStep('PlanShard', { force: 'yes' }, fakes.deps, ctx());

    // Assess
    await expect(missing).rejects.toThrow(/PublicSubnetIds or LoadBalancerSecurityGroupId/);
    await expect(bad).rejects.toThrow(FatalError);
    await expect(bad).rejects.toThrow(/^input\.force: /);
    expect(fakes.shardRegistry.callsOf('reserve')).toEqual([]);
  });
});

describe('sharedInfrastructure', () => {
  it("reads the shard registry for a tenant's routing only when its rule is on an added shard", async () => {
    // Prepare
    const fakes = setup();
    await runForward(fakes);
    const added = fakes.elb.listeners[0]?.arn;
    const before = fakes.shardRegistry.callsOf('list').length;

    // Act
    const onStack = await sharedInfrastructure(fakes.deps, {
      listenerArn: FAKE_INFRA.shards[0]?.listenerArn,
    });
    const afterStack = fakes.shardRegistry.callsOf('list').length;
    const onAdded = await sharedInfrastructure(fakes.deps, { listenerArn: added });

    // Assess
    expect(afterStack).toBe(before);
    expect(onStack.shards.map((shard) => shard.index)).toEqual([0]);
    expect(fakes.shardRegistry.callsOf('list').length).toBe(before + 1);
    expect(onAdded.shards.map((shard) => shard.listenerArn)).toEqual([
      FAKE_INFRA.shards[0]?.listenerArn,
      added,
    ]);
  });
});

describe('growIfFilling', () => {
  it('starts the shard machine once every shard is filled to the threshold, under one name per hour', async () => {
    // Prepare
    const full = setup(1);
    const roomy = setup(0);
    const off = setup(2, { SHARD_GROWTH_THRESHOLD: '' });

    // Act
    const started = await growIfFilling(full.deps, FAKE_INFRA.shards, 'onboarding of t9');
    await growIfFilling(roomy.deps, FAKE_INFRA.shards, 'onboarding of t9');
    await growIfFilling(off.deps, FAKE_INFRA.shards, 'onboarding of t9');

    // Assess
    expect(started).toBe('add-shard-7-2025010100');
    expect(full.starter.callsOf('start')).toEqual([
      ['shard', 'add-shard-7-2025010100', { reason: 'onboarding of t9' }],
    ]);
    expect(roomy.starter.callsOf('start')).toEqual([]);
    expect(off.starter.callsOf('start')).toEqual([]);
  });

  it("waits for a shard being added while its execution runs, and starts one to take over a dead one's", async () => {
    // Prepare
    const running = setup(2);
    await running.shardRegistry.reserve(6, 'add-shard-7-live');
    running.starter.started.push({ machine: 'shard', name: 'add-shard-7-live', input: {}, running: true });
    const dead = setup(2);
    await dead.shardRegistry.reserve(6, 'add-shard-7-dead');
    dead.starter.started.push({ machine: 'shard', name: 'add-shard-7-dead', input: {}, running: false });

    // Act
    const whileRunning = await growIfFilling(running.deps, FAKE_INFRA.shards, 'onboarding of t9');
    const afterDeath = await growIfFilling(dead.deps, FAKE_INFRA.shards, 'onboarding of t9');

    // Assess
    expect(whileRunning).toBeUndefined();
    expect(running.starter.callsOf('start')).toEqual([]);
    expect(afterDeath).toBe('add-shard-7-2025010100');
    expect(dead.starter.callsOf('start')).toEqual([
      ['shard', 'add-shard-7-2025010100', { reason: 'onboarding of t9' }],
    ]);
  });

  it('never fails its caller: a start that fails is logged', async () => {
    // Prepare
    const fakes = setup(2);
    fakes.starter.failOnce('start', new Error('throttled'));

    // Act
    const started = await growIfFilling(fakes.deps, FAKE_INFRA.shards, 'onboarding of t9');

    // Assess
    expect(started).toBeUndefined();
    expect(
      fakes.log.lines.some((line) => line.level === 'warn' && /could not start adding/.test(line.message)),
    ).toBe(true);
  });
});
