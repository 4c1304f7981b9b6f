/**
 * The LoadBalancer port's contract, one spec for every implementation: the in-memory fake, the adapter on
 * the simulated cloud (load-balancer.contract.test.ts) and the adapter on the flow tests' SDK mocks
 * (flows-emulation.contract.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { FatalError, NotReadyError } from '../../../src/domain/errors.ts';
import type { Tag } from '../../../src/domain/naming.ts';
import { GROUP_HEALTH } from '../../support/fake-ports.ts';
import type { ElbWorld, Implementation } from './implementations.ts';

const TAGS: Tag[] = [
  { key: 'tenantflow:tenant-id', value: 'acme' },
  { key: 'tenantflow:managed-by', value: 'tenantflow' },
];

/** A target group of the tenant's (tagged as acme's), port 80, with the tuned health settings. */
const groupSpec = (name: string, vpcId: string, tags: Tag[] = TAGS) => ({
  name,
  vpcId,
  port: 80,
  health: GROUP_HEALTH,
  tags,
});

/**
 * What an implementation emulates: target groups, rules, tags and health (`routing`), a rule
 * forwarding to two groups by weight (`weighted forwards`, a migration's), load balancers and
 * listeners (`shards`). An implementation is held to every part it emulates.
 */
export type LoadBalancerPart = 'routing' | 'weighted forwards' | 'shards';
const EVERY_PART: readonly LoadBalancerPart[] = ['routing', 'weighted forwards', 'shards'];

export const loadBalancerContract = (
  implementations: readonly Implementation<ElbWorld>[],
  parts: readonly LoadBalancerPart[] = EVERY_PART,
): void =>
  describe.each(implementations)('LoadBalancer contract: $name', ({ make }) => {
    it('creates a target group, finds it by name with its tags; creating it again is the same group', async () => {
      // Prepare
      const { elb, vpcId } = await make();
      const spec = groupSpec('tf-acme-1234', vpcId);

      // Act
      const before = await elb.findTargetGroup('tf-acme-1234');
      const created = await elb.createTargetGroup(spec);
      const again = await elb.createTargetGroup(spec);
      const found = await elb.findTargetGroup('tf-acme-1234');

      // Assess
      expect(before).toBeUndefined();
      expect(created).toMatchObject({ name: 'tf-acme-1234', tags: TAGS });
      expect(again.arn).toBe(created.arn);
      expect(found).toMatchObject({ arn: created.arn, name: 'tf-acme-1234', tags: TAGS });
    });

    it("makes a group with the spec's health check, shows it when found, and changes it when configured", async () => {
      // Prepare
      const { elb, vpcId } = await make();
      const { deregistrationDelaySeconds: _attribute, ...check } = GROUP_HEALTH;
      const slower = {
        path: '/ready',
        intervalSeconds: 30,
        timeoutSeconds: 10,
        healthyThreshold: 3,
        unhealthyThreshold: 4,
        matcher: '200,204',
        deregistrationDelaySeconds: 0,
      };

      // Act
      const created = await elb.createTargetGroup(groupSpec('tf-acme-1234', vpcId));
      const found = await elb.findTargetGroup('tf-acme-1234');
      await elb.configureTargetGroup(created.arn, slower);
      const changed = await elb.findTargetGroup('tf-acme-1234');

      // Assess
      expect(created.healthCheck).toEqual(check);
      expect(found?.healthCheck).toEqual(check);
      const { deregistrationDelaySeconds: _zero, ...slowerCheck } = slower;
      expect(changed?.healthCheck).toEqual(slowerCheck);
      // Checked on the targets' own port throughout.
      expect([created.healthCheckPort, found?.healthCheckPort, changed?.healthCheckPort]).toEqual([
        'traffic-port',
        'traffic-port',
        'traffic-port',
      ]);
      expect(changed?.arn).toBe(created.arn);
    });

    it("retags a rule: a key it has takes the new value, the others stay; a rule that is gone is 'absent'", async () => {
      // Prepare
      const { elb, vpcId, listenerArn } = await make();
      const group = await elb.createTargetGroup(groupSpec('tf-acme-1234', vpcId));
      const rule = await elb.createListenerRule({
        listenerArn,
        priority: 30,
        headerName: 'x-tenant-id',
        headerValue: 'acme',
        targetGroupArn: group.arn,
        tags: [...TAGS, { key: 'tenantflow:tier', value: 'advanced' }],
      });
      if (rule === 'priority-in-use') throw new Error('priority 30 is free');

      // Act
      const tagged = await elb.tagResource(rule.arn, [{ key: 'tenantflow:tier', value: 'premium' }]);
      const tags = (await elb.tagsOf([rule.arn])).get(rule.arn);
      await elb.deleteListenerRule(rule.arn);
      const gone = await elb.tagResource(rule.arn, [{ key: 'tenantflow:tier', value: 'premium' }]);

      // Assess
      expect(tagged).toBe('tagged');
      expect(tags).toHaveLength(TAGS.length + 1);
      expect(tags).toEqual(expect.arrayContaining([...TAGS, { key: 'tenantflow:tier', value: 'premium' }]));
      expect(gone).toBe('absent');
    });

    it("reads back a group's drain: the spec's when made, the new one when configured, none once gone", async () => {
      // Prepare
      const { elb, vpcId } = await make();
      const created = await elb.createTargetGroup(groupSpec('tf-acme-drain', vpcId));

      // Act
      const made = await elb.drainSeconds(created.arn);
      await elb.configureTargetGroup(created.arn, { ...GROUP_HEALTH, deregistrationDelaySeconds: 120 });
      const changed = await elb.drainSeconds(created.arn);
      await elb.deleteTargetGroup(created.arn);
      const gone = await elb.drainSeconds(created.arn);

      // Assess
      expect([made, changed, gone]).toEqual([GROUP_HEALTH.deregistrationDelaySeconds, 120, undefined]);
    });

    it('refuses to configure a group that does not exist', async () => {
      // Prepare
      const { elb, vpcId } = await make();
      const group = await elb.createTargetGroup(groupSpec('tf-gone', vpcId));
      await elb.deleteTargetGroup(group.arn);

      // Act
      const configure = elb.configureTargetGroup(group.arn, GROUP_HEALTH);

      // Assess
      await expect(configure).rejects.toBeInstanceOf(FatalError);
    });

    it('creates rules at free priorities only, lists them by priority with the default rule last', async () => {
      // Prepare
      const { elb, vpcId, listenerArn } = await make();
      const group = await elb.createTargetGroup(groupSpec('tf-acme-1234', vpcId));
      const rule = (priority: number, headerValue: string) => ({
        listenerArn,
        priority,
        headerName: 'x-tenant-id',
        headerValue,
        targetGroupArn: group.arn,
        tags: TAGS,
      });

      // Act
      const second = await elb.createListenerRule(rule(20, 'acme'));
      const first = await elb.createListenerRule(rule(10, 'globex'));
      const taken = await elb.createListenerRule(rule(20, 'initech'));
      const rules = await elb.listListenerRules(listenerArn);

      // Assess
      expect(second).toMatchObject({ priority: 20, headerValue: 'acme', targetGroupArns: [group.arn] });
      expect(taken).toBe('priority-in-use');
      const ours = rules.filter((r) => r.headerValue !== undefined);
      expect(ours.map((r) => [r.priority, r.headerValue])).toEqual([
        [10, 'globex'],
        [20, 'acme'],
      ]);
      expect(rules.at(-1)?.priority).toBeUndefined();
      expect(first).not.toBe('priority-in-use');
    });

    it('tells tags by ARN, leaving out what does not exist', async () => {
      const { elb, vpcId, listenerArn } = await make();
      const group = await elb.createTargetGroup(groupSpec('tf-acme-1234', vpcId));
      const created = await elb.createListenerRule({
        listenerArn,
        priority: 30,
        headerName: 'x-tenant-id',
        headerValue: 'acme',
        targetGroupArn: group.arn,
        tags: TAGS,
      });
      if (created === 'priority-in-use') throw new Error('priority 30 was free');
      const gone = group.arn.replace(/\/[^/]+$/, '/0000000000000000');
      const tags = await elb.tagsOf([group.arn, created.arn, gone]);
      expect(tags.get(group.arn)).toEqual(TAGS);
      expect(tags.get(created.arn)).toEqual(TAGS);
      expect(tags.has(gone)).toBe(false);
    });

    it('keeps a target group while a rule forwards to it; deleting either twice is no error', async () => {
      // Prepare
      const { elb, vpcId, listenerArn } = await make();
      const group = await elb.createTargetGroup(groupSpec('tf-acme-1234', vpcId));
      const created = await elb.createListenerRule({
        listenerArn,
        priority: 40,
        headerName: 'x-tenant-id',
        headerValue: 'acme',
        targetGroupArn: group.arn,
        tags: TAGS,
      });
      if (created === 'priority-in-use') throw new Error('priority 40 was free');

      // Act
      const inUse = await elb.deleteTargetGroup(group.arn).catch((error: unknown) => error);
      const ruleDeleted = await elb.deleteListenerRule(created.arn);
      const ruleAgain = await elb.deleteListenerRule(created.arn);
      await elb.deleteTargetGroup(group.arn);
      await elb.deleteTargetGroup(group.arn);

      // Assess
      expect(inUse).toBeInstanceOf(NotReadyError);
      expect([ruleDeleted, ruleAgain]).toEqual(['deleted', 'absent']);
      expect(await elb.findTargetGroup('tf-acme-1234')).toBeUndefined();
    });

    if (parts.includes('weighted forwards'))
      it('forwards a rule to another group, keeping a standby group at weight 0 until it is dropped', async () => {
        // Prepare
        const { elb, vpcId, listenerArn } = await make();
        const group = (name: string) => elb.createTargetGroup(groupSpec(name, vpcId));
        const old = await group('tf-acme-g0');
        const next = await group('tf-acme-g1');
        const created = await elb.createListenerRule({
          listenerArn,
          priority: 50,
          headerName: 'x-tenant-id',
          headerValue: 'acme',
          targetGroupArn: old.arn,
          tags: TAGS,
        });
        if (created === 'priority-in-use') throw new Error('priority 50 was free');
        const rule = async () =>
          (await elb.listListenerRules(listenerArn)).find((r) => r.arn === created.arn);

        // Act
        const attached = await elb.forwardListenerRule(created.arn, old.arn, next.arn);
        const withStandby = await rule();
        await elb.forwardListenerRule(created.arn, next.arn, old.arn);
        const switched = await rule();
        await elb.forwardListenerRule(created.arn, next.arn);
        const alone = await rule();
        const oldFreed = await elb.deleteTargetGroup(old.arn).catch((error: unknown) => error);
        await elb.deleteListenerRule(created.arn);
        const gone = await elb.forwardListenerRule(created.arn, next.arn);

        // Assess
        expect(attached).toBe('forwarded');
        expect(withStandby).toMatchObject({ targetGroupArns: [old.arn], standbyTargetGroupArns: [next.arn] });
        expect(switched).toMatchObject({ targetGroupArns: [next.arn], standbyTargetGroupArns: [old.arn] });
        expect(alone).toMatchObject({ targetGroupArns: [next.arn], standbyTargetGroupArns: [] });
        expect(oldFreed).toBeUndefined();
        expect(gone).toBe('absent');
      });

    if (parts.includes('weighted forwards'))
      it('will not delete a group a rule keeps as standby', async () => {
        // Prepare
        const { elb, vpcId, listenerArn } = await make();
        const live = await elb.createTargetGroup(groupSpec('tf-acme-live', vpcId));
        const standby = await elb.createTargetGroup(groupSpec('tf-acme-standby', vpcId));
        const created = await elb.createListenerRule({
          listenerArn,
          priority: 60,
          headerName: 'x-tenant-id',
          headerValue: 'acme',
          targetGroupArn: live.arn,
          standbyTargetGroupArn: standby.arn,
          tags: TAGS,
        });
        if (created === 'priority-in-use') throw new Error('priority 60 was free');

        // Act
        const inUse = await elb.deleteTargetGroup(standby.arn).catch((error: unknown) => error);

        // Assess
        expect(created).toMatchObject({ targetGroupArns: [live.arn], standbyTargetGroupArns: [standby.arn] });
        expect(inUse).toBeInstanceOf(NotReadyError);
      });

    it('reports no targets for a group nothing runs behind', async () => {
      const { elb, vpcId } = await make();
      const group = await elb.createTargetGroup(groupSpec('tf-empty-1234', vpcId));
      expect(await elb.targetHealth(group.arn)).toEqual({ healthy: 0, total: 0, states: [] });
    });

    if (parts.includes('shards'))
      it("adds a shard's load balancer and 404 listener, adopts them on a second create, and deletes them whole", async () => {
        // Prepare
        const { elb } = await make();
        const tags: Tag[] = [
          { key: 'tenantflow:managed-by', value: 'tenantflow' },
          { key: 'tenantflow:shard', value: '7' },
        ];
        const spec = {
          name: 'tf-shard-7',
          subnetIds: ['subnet-0a', 'subnet-0b'],
          securityGroupIds: ['sg-0alb'],
          tags,
        };

        // Act
        const before = await elb.findLoadBalancer('tf-shard-7');
        const created = await elb.createLoadBalancer(spec);
        const again = await elb.createLoadBalancer(spec);
        let found = await elb.findLoadBalancer('tf-shard-7');
        for (let look = 0; look < 5 && found?.state !== 'active'; look += 1)
          found = await elb.findLoadBalancer('tf-shard-7');
        const listener = await elb.createListener({ loadBalancerArn: created.arn, port: 80, tags });
        const listeners = await elb.listListeners(created.arn);
        const tagged = await elb.tagsOf([created.arn, listener.arn]);
        const other = elb.createLoadBalancer({ ...spec, tags: [] });

        // Assess
        expect(before).toBeUndefined();
        expect(created).toMatchObject({ name: 'tf-shard-7' });
        expect(created.dnsName).toMatch(/^tf-shard-7-.*\.elb\.amazonaws\.com$/);
        expect(again.arn).toBe(created.arn);
        expect(found).toEqual({
          arn: created.arn,
          name: 'tf-shard-7',
          dnsName: created.dnsName,
          state: 'active',
        });
        expect(listeners).toEqual([{ arn: listener.arn, port: 80 }]);
        expect(tagged.get(created.arn)).toEqual(tags);
        expect(tagged.get(listener.arn)).toEqual(tags);
        await expect(other).rejects.toThrow(FatalError);
        expect(await elb.listListenerRules(listener.arn)).toHaveLength(1);

        // Act: undo
        const deleted = await elb.deleteListener(listener.arn);
        const deletedAgain = await elb.deleteListener(listener.arn);
        await elb.deleteLoadBalancer(created.arn);
        await elb.deleteLoadBalancer(created.arn);

        // Assess
        expect([deleted, deletedAgain]).toEqual(['deleted', 'absent']);
        expect(await elb.findLoadBalancer('tf-shard-7')).toBeUndefined();
      });
  });
