import { describe, expect, it } from 'vitest';
import { OwnershipError, QuotaExceededError, RetryableError } from '../../../src/domain/errors.ts';
import type { SagaState } from '../../../src/domain/saga-state.ts';
import { createListenerRule, deleteListenerRule } from '../../../src/steps/listener-rule.ts';
import { MAX_PRIORITY_ATTEMPTS } from '../../../src/steps/priority.ts';
import { createFakes, FAKE_INFRA, fakeShard, testConfig } from '../../support/fake-ports.ts';
import { context, lockedRecord, placement, request, tagsOf } from './fixtures.ts';

const LISTENER = FAKE_INFRA.listenerArn;
const TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tf-acme/1';

const stateFor = (tenantId: string, execution = `exec-${tenantId}`): SagaState => ({
  request: request({ tenantId, tenantRegistrationId: `reg-${tenantId}` }),
  execution,
  placement: placement('advanced'),
  resources: { targetGroup: { name: `tg-${tenantId}`, arn: `${TG}-${tenantId}` } },
});

const setup = (...tenantIds: string[]) => {
  const fakes = createFakes();
  for (const tenantId of tenantIds)
    fakes.tenants.seed({ ...lockedRecord('advanced', `exec-${tenantId}`), tenantId });
  return fakes;
};

const existingRule = (priority: number, headerValue: string, owner = headerValue) => ({
  arn: `arn:rule/${headerValue}`,
  priority,
  headerValue,
  targetGroupArns: [`${TG}-${headerValue}`],
  listenerArn: LISTENER,
  tags: tagsOf('advanced', owner),
});

describe('CreateListenerRule', () => {
  it('takes priority 1 on an empty listener, claims it and records the rule', async () => {
    // Prepare
    const fakes = setup('acme');
    // Act
    const next = await createListenerRule(stateFor('acme'), fakes.deps, context('onboarding', 'exec-acme'));
    // Assess
    expect(fakes.priorities.callsOf('claim')).toEqual([
      [LISTENER, 1, 'acme'],
      [LISTENER, 1, 'acme'],
    ]);
    expect(fakes.elb.callsOf('createListenerRule')).toEqual([
      [
        {
          listenerArn: LISTENER,
          priority: 1,
          headerName: 'x-tenant-id',
          headerValue: 'acme',
          targetGroupArn: `${TG}-acme`,
          tags: tagsOf('advanced'),
        },
      ],
    ]);
    expect(next.resources).toEqual({
      targetGroup: { name: 'tg-acme', arn: `${TG}-acme` },
      listenerRule: { listenerArn: LISTENER, arn: fakes.elb.rules[0]?.arn, priority: 1 },
    });
    expect(fakes.priorities.claims.get(LISTENER)).toEqual(new Map([[1, 'acme']]));
  });

  it('skips priorities claimed by others and used by unregistered rules', async () => {
    // Prepare
    const fakes = setup('acme');
    fakes.priorities.claims.set(
      LISTENER,
      new Map([
        [1, 'globex'],
        [3, 'initech'],
      ]),
    );
    fakes.elb.rules.push(existingRule(2, 'manual'));
    // Act
    const next = await createListenerRule(stateFor('acme'), fakes.deps, context('onboarding', 'exec-acme'));
    // Assess
    expect(next.resources.listenerRule?.priority).toBe(4);
  });

  it("reuses the tenant's own earlier claim", async () => {
    // Prepare
    const fakes = setup('acme');
    fakes.priorities.claims.set(LISTENER, new Map([[7, 'acme']]));
    // Act
    const next = await createListenerRule(stateFor('acme'), fakes.deps, context('onboarding', 'exec-acme'));
    // Assess
    expect(next.resources.listenerRule?.priority).toBe(7);
  });

  it('picks again when another tenant wins the claim', async () => {
    // Prepare
    const fakes = setup('acme');
    const claim = fakes.priorities.claim.bind(fakes.priorities);
    let first = true;
    // Another tenant claims 1 between our look at the registry and our claim.
    fakes.priorities.claim = async (listenerArn, priority, tenantId) => {
      if (first) fakes.priorities.claims.set(LISTENER, new Map([[1, 'globex']]));
      first = false;
      return claim(listenerArn, priority, tenantId);
    };
    // Act
    const next = await createListenerRule(stateFor('acme'), fakes.deps, context('onboarding', 'exec-acme'));
    // Assess
    expect(fakes.priorities.callsOf('claim').slice(0, 2)).toEqual([
      [LISTENER, 1, 'acme'],
      [LISTENER, 2, 'acme'],
    ]);
    expect(next.resources.listenerRule?.priority).toBe(2);
  });

  it('gives a priority back and picks again when ELB says it is in use', async () => {
    // Prepare
    const fakes = setup('acme');
    const create = fakes.elb.createListenerRule.bind(fakes.elb);
    // A rule appears at priority 1 after we listed the rules (created by hand, outside the registry).
    fakes.elb.createListenerRule = async (spec) => {
      if (spec.priority === 1) fakes.elb.rules.push(existingRule(1, 'manual'));
      return create(spec);
    };
    // Act
    const next = await createListenerRule(stateFor('acme'), fakes.deps, context('onboarding', 'exec-acme'));
    // Assess
    expect(fakes.priorities.callsOf('release')).toEqual([[LISTENER, 1, 'acme']]);
    expect(next.resources.listenerRule?.priority).toBe(2);
    expect(fakes.priorities.claims.get(LISTENER)).toEqual(new Map([[2, 'acme']]));
  });

  it('gives up with RetryableError after a bounded number of attempts', async () => {
    // Prepare
    const fakes = setup('acme');
    fakes.priorities.claim = async () => false;
    // Act
    const run = createListenerRule(stateFor('acme'), fakes.deps, context('onboarding', 'exec-acme'));
    // Assess
    await expect(run).rejects.toBeInstanceOf(RetryableError);
    // One look to choose the shard, then one per attempt.
    expect(fakes.priorities.callsOf('list')).toHaveLength(1 + MAX_PRIORITY_ATTEMPTS);
    expect(fakes.elb.callsOf('createListenerRule')).toEqual([]);
  });

  it('reuses the rule that already matches the tenant header, and registers its priority', async () => {
    // Prepare
    const fakes = setup('acme');
    fakes.elb.rules.push(existingRule(12, 'acme'));
    fakes.priorities.claims.set(LISTENER, new Map([[3, 'acme']]));
    // Act
    const next = await createListenerRule(stateFor('acme'), fakes.deps, context('onboarding', 'exec-acme'));
    // Assess
    expect(fakes.elb.callsOf('createListenerRule')).toEqual([]);
    expect(next.resources.listenerRule).toEqual({
      listenerArn: LISTENER,
      arn: 'arn:rule/acme',
      priority: 12,
    });
    expect(fakes.priorities.claims.get(LISTENER)).toEqual(new Map([[12, 'acme']]));
  });

  it("adopts no rule matching the header case-insensitively that is not the tenant's: the ALB would route it", async () => {
    // Prepare
    const fakes = setup('acme');
    fakes.elb.rules.push(existingRule(12, 'ACME', 'ACME'));

    // Act
    const run = createListenerRule(stateFor('acme'), fakes.deps, context('onboarding', 'exec-acme'));

    // Assess
    await expect(run).rejects.toBeInstanceOf(OwnershipError);
    await expect(run).rejects.toThrow(
      'listener rule arn:rule/ACME (priority 12) already exists and belongs to tenant ACME',
    );
    expect(fakes.elb.callsOf('createListenerRule')).toEqual([]);
  });

  it('creates no second rule on a second run', async () => {
    // Prepare
    const fakes = setup('acme');
    const ctx = context('onboarding', 'exec-acme');
    const first = await createListenerRule(stateFor('acme'), fakes.deps, ctx);
    // Act
    const second = await createListenerRule(stateFor('acme'), fakes.deps, ctx);
    // Assess
    expect(fakes.elb.callsOf('createListenerRule')).toHaveLength(1);
    expect(second.resources).toEqual(first.resources);
  });

  it('never gives two tenants one priority when they allocate at once', async () => {
    // Prepare
    const tenants = ['t1', 't2', 't3', 't4', 't5', 't6'];
    const fakes = setup(...tenants);
    fakes.priorities.claims.set(LISTENER, new Map([[2, 'other']]));
    // Act
    const results = await Promise.all(
      tenants.map((id) => createListenerRule(stateFor(id), fakes.deps, context('onboarding', `exec-${id}`))),
    );
    // Assess
    const priorities = results.map((state) => state.resources.listenerRule?.priority);
    expect([...priorities].sort((a = 0, b = 0) => a - b)).toEqual([1, 3, 4, 5, 6, 7]);
    expect(fakes.elb.rules.map((rule) => rule.priority).sort((a = 0, b = 0) => a - b)).toEqual([
      1, 3, 4, 5, 6, 7,
    ]);
    expect(
      fakes.priorities.callsOf('claim').filter(([, , tenantId]) => tenantId === 't6').length,
    ).toBeGreaterThan(1);
  });
});

describe('DeleteListenerRule', () => {
  it('deletes the rule, releases every priority the tenant holds, and forgets it', async () => {
    // Prepare
    const fakes = setup('acme');
    const ctx = context('onboarding', 'exec-acme');
    const created = await createListenerRule(stateFor('acme'), fakes.deps, ctx);
    fakes.priorities.claims.get(LISTENER)?.set(40, 'acme').set(41, 'globex');
    // Act
    const next = await deleteListenerRule(created, fakes.deps, ctx);
    // Assess
    expect(fakes.elb.callsOf('deleteListenerRule')).toEqual([[created.resources.listenerRule?.arn]]);
    expect(fakes.elb.rules).toEqual([]);
    expect(fakes.priorities.claims.get(LISTENER)).toEqual(new Map([[41, 'globex']]));
    expect(next.resources).toEqual({ targetGroup: { name: 'tg-acme', arn: `${TG}-acme` } });
  });

  it("finds the tenant's rule by its header when the state lost the ARN", async () => {
    // Prepare
    const fakes = setup('acme');
    fakes.elb.rules.push(existingRule(5, 'acme'), existingRule(6, 'globex'));
    // Act
    await deleteListenerRule(stateFor('acme'), fakes.deps, context('onboarding', 'exec-acme'));
    // Assess
    expect(fakes.elb.callsOf('deleteListenerRule')).toEqual([['arn:rule/acme']]);
    expect(fakes.elb.rules.map((rule) => rule.headerValue)).toEqual(['globex']);
  });

  it('treats a rule that is gone as deleted', async () => {
    // Prepare
    const fakes = setup('acme');
    const state = {
      ...stateFor('acme'),
      resources: { listenerRule: { listenerArn: LISTENER, arn: 'arn:rule/gone', priority: 3 } },
    };
    // Act
    const next = await deleteListenerRule(state, fakes.deps, context('onboarding', 'exec-acme'));
    // Assess
    expect(fakes.elb.callsOf('deleteListenerRule')).toEqual([]);
    expect(next.resources).toEqual({});
  });

  it("leaves alone a rule matching the tenant's header that is not tagged as the tenant's", async () => {
    // Prepare
    const fakes = setup('acme');
    fakes.elb.rules.push(existingRule(5, 'ACME', 'ACME'));

    // Act
    await deleteListenerRule(stateFor('acme'), fakes.deps, context('onboarding', 'exec-acme'));

    // Assess
    expect(fakes.elb.callsOf('deleteListenerRule')).toEqual([]);
    expect(fakes.elb.rules.map((rule) => rule.headerValue)).toEqual(['ACME']);
  });
});

describe('load balancer shards', () => {
  /** Fakes with `shards` shards of `capacity` tenants each, and the tenants `ids` locked for onboarding. */
  const sharded = (shards: number, capacity: number, ids: string[]) => {
    const fakes = createFakes({ shards, config: testConfig({ SHARD_CAPACITY: String(capacity) }) });
    for (const tenantId of ids)
      fakes.tenants.seed({ ...lockedRecord('advanced', `exec-${tenantId}`), tenantId });
    return fakes;
  };
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`);
  const onboard = (fakes: ReturnType<typeof createFakes>, tenantId: string) =>
    createListenerRule(stateFor(tenantId), fakes.deps, context('onboarding', `exec-${tenantId}`));

  it('fills the shards in order, a slot being a priority up to the capacity, and refuses when all are full', async () => {
    // Prepare
    const fakes = sharded(2, 2, ids(5));

    // Act
    const placed: string[] = [];
    for (const tenantId of ids(4)) {
      const next = await onboard(fakes, tenantId);
      placed.push(
        `${next.resources.listenerRule?.listenerArn === fakeShard(0).listenerArn ? 0 : 1}:${next.resources.listenerRule?.priority}`,
      );
    }
    const fifth = await onboard(fakes, 't4').catch((error: unknown) => error);

    // Assess
    expect(placed).toEqual(['0:1', '0:2', '1:1', '1:2']);
    expect(fifth).toBeInstanceOf(QuotaExceededError);
    expect(String(fifth)).toContain('every load balancer shard is full (2 shards of 2+2 tenants');
    expect(fakes.elb.rules.filter((rule) => rule.headerValue === 't4')).toEqual([]);
  });

  it('never puts a shard over its capacity nor two tenants on one priority, however many onboard at once', async () => {
    // Prepare: 3 shards of 3, 12 tenants at once.
    const fakes = sharded(3, 3, ids(12));

    // Act
    const outcomes = await Promise.allSettled(ids(12).map((tenantId) => onboard(fakes, tenantId)));

    // Assess
    const made = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
    expect(made).toHaveLength(9);
    expect(
      refused.every((error) => error instanceof QuotaExceededError || error instanceof RetryableError),
    ).toBe(true);
    for (const shard of [0, 1, 2].map(fakeShard)) {
      const rules = fakes.elb.rules.filter((rule) => rule.listenerArn === shard.listenerArn);
      expect(rules.length).toBeLessThanOrEqual(3);
      expect(new Set(rules.map((rule) => rule.priority)).size).toBe(rules.length);
      const claims = [...(fakes.priorities.claims.get(shard.listenerArn)?.entries() ?? [])];
      expect(claims.every(([priority]) => priority >= 1 && priority <= 3)).toBe(true);
    }
    expect(fakes.elb.rules).toHaveLength(9);
  });

  it('run again after a crash, adopts the rule it made on the shard where it holds a claim', async () => {
    // Prepare: t0 and t1 fill the first shard; t2's first attempt made its rule on the second and died.
    const fakes = sharded(2, 2, ids(3));
    await onboard(fakes, 't0');
    await onboard(fakes, 't1');
    await onboard(fakes, 't2');
    await deleteListenerRule(
      { ...stateFor('t0'), resources: {} },
      fakes.deps,
      context('offboarding', 'exec-t0'),
    );
    const rulesBefore = fakes.elb.rules.length;

    // Act: the first shard has a free slot again, but t2's rule is on the second.
    const again = await onboard(fakes, 't2');

    // Assess
    expect(again.resources.listenerRule?.listenerArn).toBe(fakeShard(1).listenerArn);
    expect(fakes.elb.rules).toHaveLength(rulesBefore);
  });

  it('finds and deletes a rule an attempt made on a later shard but never recorded', async () => {
    // Prepare
    const fakes = sharded(2, 1, ids(2));
    await onboard(fakes, 't0');
    await onboard(fakes, 't1');

    // Act: offboarding with nothing recorded (the attempt died before its checkpoint).
    await deleteListenerRule(
      { ...stateFor('t1'), resources: {} },
      fakes.deps,
      context('offboarding', 'exec-t1'),
    );

    // Assess
    expect(fakes.elb.rules.map((rule) => rule.headerValue)).toEqual(['t0']);
    expect(fakes.priorities.claims.get(fakeShard(1).listenerArn)?.size ?? 0).toBe(0);
  });
});
