/**
 * The independent checker must see what it is meant to see (issue 29 item 2): a resource nobody
 * accounts for, tagged or not, and someone else's resource gone; and nothing where all is well.
 */
import { rmSync } from 'node:fs';
import {
  CreateTargetGroupCommand,
  DeleteTargetGroupCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import type { TenantRecord } from '../../src/domain/tenant-record.ts';
import {
  namedBy,
  type RawBaseline,
  type RawResource,
  rawFindings,
  rawResources,
} from '../support/reliability/raw-cloud.ts';
import { cloudAt, LOCAL_CLIENT, lifecycleEvent, newTenant, openWorld } from '../support/reliability/world.ts';

const resource = (slice: string, arn: string, uses: string[] = []): [string, RawResource] => [
  arn,
  { slice, arn, uses },
];
const at = '2025-01-01T00:00:00.000Z';
const recordNaming = (tenantId: string, arns: Record<string, string>): TenantRecord => ({
  tenantId,
  tenantName: tenantId,
  lifecycleStatus: 'ACTIVE',
  active: true,
  resources: {
    targetGroup: { name: `tf-${tenantId}`, arn: arns.targetGroup ?? '' },
    service: { cluster: 'shared', name: `tf-${tenantId}`, arn: arns.service ?? '' },
  },
  history: [],
  version: 1,
  createdAt: at,
  updatedAt: at,
});

export const describeRawChecker = (): void => {
  describe('independent checker (the raw cloud against its start)', () => {
    it('finds what appeared that nothing accounts for, tagged or not, and what vanished that was no tenant’s', () => {
      // Prepare: the shared stack's pooled service on revision 1 and its listener; a tenant's group.
      const baseline: RawBaseline = {
        live: new Map([
          resource('services', 'arn:svc/pooled', ['arn:td/pooled:1', 'arn:tg/pooled']),
          resource('taskDefinitions', 'arn:td/pooled:1'),
          resource('targetGroups', 'arn:tg/pooled'),
          resource('listeners', 'arn:listener/shared', ['arn:tg/pooled']),
          resource('targetGroups', 'arn:tg/a'),
        ]),
        named: new Set(['arn:tg/a']),
      };
      const now = new Map([
        // The pooled service moved to revision 2 (in use: accounted), revision 1 retired.
        resource('services', 'arn:svc/pooled', ['arn:td/pooled:2', 'arn:tg/pooled']),
        resource('taskDefinitions', 'arn:td/pooled:2'),
        resource('targetGroups', 'arn:tg/pooled'),
        // Tenant a offboarded (its group gone); tenant b onboarded, recorded, with its revision.
        resource('services', 'arn:svc/b', ['arn:td/b:1', 'arn:tg/b']),
        resource('taskDefinitions', 'arn:td/b:1'),
        resource('targetGroups', 'arn:tg/b'),
        // Leaked: a group nothing names, and a service no record names (with its revision).
        resource('targetGroups', 'arn:tg/leaked'),
        resource('services', 'arn:svc/ghost', ['arn:td/ghost:1']),
        resource('taskDefinitions', 'arn:td/ghost:1'),
        // An added shard's load balancer, which the shard registry lists; someone else's group.
        resource('loadBalancers', 'arn:lb/shard-2'),
        resource('targetGroups', 'arn:tg/theirs'),
      ]);

      // Act
      const findings = rawFindings({
        baseline,
        now,
        records: [recordNaming('b', { service: 'arn:svc/b', targetGroup: 'arn:tg/b' })],
        shards: [{ loadBalancerArn: 'arn:lb/shard-2' }],
        foreign: new Set(['arn:tg/theirs']),
      });

      // Assess: the shared listener went (no tenant's at the start); the leaks are unaccounted for.
      expect(findings.map((finding) => `${finding.kind} ${finding.detail.split(':')[0]}`).sort()).toEqual(
        [
          'unrecorded services arn',
          'unrecorded targetGroups arn',
          'unrecorded taskDefinitions arn',
          'vanished listeners arn',
        ].sort(),
      );
      expect(findings.map((finding) => finding.detail.split(' ')[1]?.replace(/:$/, '')).sort()).toEqual(
        ['arn:listener/shared', 'arn:svc/ghost', 'arn:tg/leaked', 'arn:td/ghost:1'].sort(),
      );
    });

    it('accounts for a backup of a table a record named at the start or names now, not of any other table', () => {
      // Prepare: tenant a's table named at the start (offboarded since), tenant b's named now.
      const baseline: RawBaseline = {
        live: new Map([resource('tables', 'arn:table/a')]),
        named: new Set(['arn:table/a']),
      };
      const now = new Map([
        resource('tables', 'arn:table/b'),
        resource('backups', 'arn:table/a/backup/1', ['arn:table/a']),
        resource('backups', 'arn:table/b/backup/1', ['arn:table/b']),
        resource('backups', 'arn:table/stranger/backup/1', ['arn:table/stranger']),
      ]);
      const records = [
        {
          ...recordNaming('b', {}),
          resources: {
            tables: { tables: { orders: { name: 'b', arn: 'arn:table/b', pointInTimeRecovery: true } } },
          },
        },
      ];

      // Act
      const findings = rawFindings({ baseline, now, records, shards: [] });

      // Assess
      expect(findings).toEqual([
        {
          kind: 'unrecorded',
          detail: 'backups arn:table/stranger/backup/1: appeared, and nothing accounts for it',
        },
      ]);
    });

    it('on a world, finds a group made by hand and someone else’s group deleted by hand, and nothing before', async () => {
      // Prepare: someone else's target group, there before the checker's start.
      const makeGroup = async (stateDir: string, name: string): Promise<string> => {
        const sim = cloudAt(stateDir);
        const elb = sim.attach(new ElasticLoadBalancingV2Client(LOCAL_CLIENT));
        const vpc = (await elb.send(new DescribeTargetGroupsCommand({}))).TargetGroups?.[0]?.VpcId;
        const made = await elb.send(
          new CreateTargetGroupCommand({ Name: name, Protocol: 'HTTP', Port: 80, VpcId: vpc }),
        );
        sim.save();
        return made.TargetGroups?.[0]?.TargetGroupArn ?? '';
      };
      let theirs = '';
      let world = await (await openWorld()).reopen([], async (stateDir) => {
        theirs = await makeGroup(stateDir, 'someone-elses');
      });
      try {
        const baseline: RawBaseline = {
          live: rawResources(world.stateDir),
          named: namedBy(await world.runtime.tenants()),
        };
        const [onboarded] = await world.send([lifecycleEvent('onboard', newTenant('advanced'))]);
        const clean = rawFindings({
          baseline,
          now: rawResources(world.stateDir),
          records: await world.runtime.tenants(),
          shards: await world.runtime.grownShards(),
        });
        let untagged = '';
        world = await world.reopen([], async (stateDir) => {
          untagged = await makeGroup(stateDir, 'made-by-hand');
          const sim = cloudAt(stateDir);
          const elb = sim.attach(new ElasticLoadBalancingV2Client(LOCAL_CLIENT));
          await elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: theirs }));
          sim.save();
        });

        // Act
        const found = rawFindings({
          baseline,
          now: rawResources(world.stateDir),
          records: await world.runtime.tenants(),
          shards: await world.runtime.grownShards(),
        });

        // Assess
        expect(onboarded?.outcome).toBe('succeeded');
        expect(clean).toEqual([]);
        expect(
          found.map((finding) => [finding.kind, finding.detail.split(' ')[1]?.replace(/:$/, '')]),
        ).toEqual([
          ['unrecorded', untagged],
          ['vanished', theirs],
        ]);
      } finally {
        await world.close();
        rmSync(world.stateDir, { recursive: true, force: true });
      }
    });
  });
};
