/** The `--json` outputs hold to their documented shapes, and docs/cli-json.schema.json is current. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  cliJsonSchema,
  executionEntrySchema,
  inventorySchema,
  reconcileReportSchema,
  releasesSchema,
  replayResultSchema,
  rolloutReportSchema,
  shardRunSchema,
  shardsSchema,
  tenantListSchema,
  tenantRecordJsonSchema,
} from '../../../src/cli/json-output.ts';
import { main } from '../../../src/cli/main.ts';
import { tempDir } from '../../support/temp-dirs.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) }, out, err };
};

describe('--json output', () => {
  it('docs/cli-json.schema.json is what the shapes generate (npm run build:schema)', () => {
    const committed = JSON.parse(readFileSync(join(ROOT, 'docs', 'cli-json.schema.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(cliJsonSchema())));
  });

  it('replay, migrate and reconcile print exactly the documented fields', async () => {
    // Prepare
    const dir = tempDir('tf-json-');
    const samples = join(ROOT, 'events', 'samples');
    const [replayed, migrated, reconciled] = [capture(), capture(), capture()];

    // Act
    await main(['replay', samples, join(samples, 'edge'), '--json', '--state-dir', dir], replayed.io);
    await main(
      ['migrate', 'c0647f32-2ad2-47e2-be5f-6d2af93e1f22', '--to', 'premium', '--json', '--state-dir', dir],
      migrated.io,
    );
    await main(['reconcile', '--json', '--state-dir', dir], reconciled.io);

    // Assess
    const results = [...replayed.out, ...migrated.out].map((line) =>
      replayResultSchema.safeParse(JSON.parse(line)),
    );
    expect(results.filter((r) => !r.success).map((r) => r.error?.issues[0])).toEqual([]);
    // Every kind of line the samples make: done, refused (malformed edge events), redelivered, failed.
    expect([...new Set(results.map((r) => r.data?.outcome))]).toEqual(
      expect.arrayContaining(['succeeded', 'rejected', 'duplicate', 'failed']),
    );
    const report = reconcileReportSchema.safeParse(JSON.parse(reconciled.out[0] ?? '{}'));
    expect(report.error?.issues).toBeUndefined();
  });

  it('status, list, inventory and executions print their documented shapes', async () => {
    // Prepare
    const dir = tempDir('tf-json-');
    const samples = join(ROOT, 'events', 'samples');
    await main(['replay', samples, '--state-dir', dir], capture().io);
    const [status, list, inventory, executions] = [capture(), capture(), capture(), capture()];

    // Act
    await main(['status', 'bluebird-bakery', '--json', '--state-dir', dir], status.io);
    await main(['list', '--json', '--state-dir', dir], list.io);
    await main(['inventory', '--json', '--state-dir', dir], inventory.io);
    await main(['executions', '--json', '--state-dir', dir], executions.io);

    // Assess
    expect(
      tenantRecordJsonSchema.safeParse(JSON.parse(status.out[0] ?? 'null')).error?.issues,
    ).toBeUndefined();
    const records = tenantListSchema.safeParse(JSON.parse(list.out[0] ?? 'null'));
    expect(records.error?.issues).toBeUndefined();
    expect(records.data?.length).toBe(3);
    expect(records.data?.find((r) => r.tenantName === 'Globex Corporation')?.release?.version).toBe('1.27');
    const resources = inventorySchema.safeParse(JSON.parse(inventory.out[0] ?? 'null'));
    expect(resources.error?.issues).toBeUndefined();
    expect(resources.data?.simulated).toBe(true);
    const entries = executions.out
      .flatMap((chunk) => chunk.split('\n'))
      .map((line) => executionEntrySchema.safeParse(JSON.parse(line)));
    expect(entries.length).toBeGreaterThanOrEqual(7);
    expect(entries.filter((entry) => !entry.success).map((entry) => entry.error?.issues[0])).toEqual([]);
  });

  it('update --tier (plan and rollout) and releases print their documented shapes', async () => {
    // Prepare
    const dir = tempDir('tf-json-');
    await main(['replay', join(ROOT, 'events', 'samples'), '--state-dir', dir], capture().io);
    const [plan, rollout, releases] = [capture(), capture(), capture()];
    const release = ['--image', 'public.ecr.aws/nginx/nginx:1.28', '--json', '--state-dir', dir];

    // Act
    const planned = await main(['update', '--tier', 'advanced', '--dry-run', ...release], plan.io);
    const rolled = await main(['update', '--tier', 'advanced', ...release], rollout.io);
    await main(['releases', '--json', '--state-dir', dir], releases.io);

    // Assess
    const planReport = rolloutReportSchema.safeParse(JSON.parse(plan.out[0] ?? 'null'));
    expect(planReport.error?.issues).toBeUndefined();
    expect({ code: planned, status: planReport.data?.status, waves: planReport.data?.waves.length }).toEqual({
      code: 0,
      status: 'planned',
      waves: 1,
    });
    const done = rolloutReportSchema.safeParse(JSON.parse(rollout.out[0] ?? 'null'));
    expect(done.error?.issues).toBeUndefined();
    expect({ code: rolled, status: done.data?.status, updated: done.data?.updated }).toEqual({
      code: 0,
      status: 'completed',
      updated: 1,
    });
    const rows = releasesSchema.safeParse(JSON.parse(releases.out[0] ?? 'null'));
    expect(rows.error?.issues).toBeUndefined();
    expect(rows.data?.map((row) => `${row.tier} ${row.release} ${row.tenants.length}`)).toEqual([
      'advanced 1.28 1',
      'premium 1.27 1',
    ]);
  });
});

describe('update --tier of a pooled tier', () => {
  it('rolls the pooled service (one wave, `pooled` in the JSON) and says so in words', async () => {
    // Prepare
    const dir = tempDir('tf-pooled-');
    await main(
      ['replay', join(ROOT, 'events', 'samples', 'onboarding-basic.json'), '--state-dir', dir],
      capture().io,
    );
    const [json, text, releases] = [capture(), capture(), capture()];
    const release = ['--image', 'public.ecr.aws/nginx/nginx:1.28', '--state-dir', dir];

    // Act
    const planned = await main(['update', '--tier', 'basic', '--dry-run', '--json', ...release], json.io);
    const rolled = await main(['update', '--tier', 'basic', ...release], text.io);
    await main(['releases', '--json', '--state-dir', dir], releases.io);

    // Assess
    const plan = rolloutReportSchema.safeParse(JSON.parse(json.out[0] ?? 'null'));
    expect(plan.error?.issues).toBeUndefined();
    expect({ code: planned, pooled: plan.data?.pooled, waves: plan.data?.waves.length }).toEqual({
      code: 0,
      pooled: true,
      waves: 1,
    });
    expect(rolled).toBe(0);
    expect(text.out[0]).toBe("rollout: release 1.28 to tier basic in its pooled service's one wave");
    expect(text.out[1]).toMatch(/^ {2}wave 1: the pooled service, which \S+ runs$/);
    expect(text.out.at(-1)).toBe('completed: 1 updated, 0 already on it, 0 not updated');
    expect(text.err.join('\n')).toMatch(/✓ pooled service tenantflow-shared-pooled updated/);
    const rows = releasesSchema.safeParse(JSON.parse(releases.out[0] ?? 'null'));
    expect(rows.error?.issues).toBeUndefined();
    expect(rows.data).toEqual([
      { tier: 'basic', release: '1.28', pooled: true, tenants: [expect.any(String)] },
    ]);
  });
});

describe('update --request', () => {
  it('runs the rollout of the console input or the event, and names the field of a bad one', async () => {
    // Prepare
    const dir = tempDir('tf-request-');
    await main(['replay', join(ROOT, 'events', 'samples'), '--state-dir', dir], capture().io);
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({ tier: 'premium', release: { version: '2', image: 'app:2' }, concurrency: 99 }),
    );
    const [fromEvent, fromConsole, refused] = [capture(), capture(), capture()];
    const errors: string[] = [];

    // Act
    const event = await main(
      [
        'update',
        '--request',
        join(ROOT, 'events', 'operator', 'rollout-request.json'),
        '--json',
        '--state-dir',
        dir,
      ],
      fromEvent.io,
    );
    const plan = await main(
      [
        'update',
        '--request',
        join(ROOT, 'events', 'console', 'rollout.json'),
        '--dry-run',
        '--json',
        '--state-dir',
        dir,
      ],
      fromConsole.io,
    );
    const wrong = await main(['update', '--request', bad, '--state-dir', dir], {
      ...refused.io,
      err: (line: string) => errors.push(line),
    });

    // Assess: the premium tenant was on 1.27 already (the demo's update), the advanced one is planned.
    const rolled = rolloutReportSchema.parse(JSON.parse(fromEvent.out[0] ?? 'null'));
    const planned = rolloutReportSchema.parse(JSON.parse(fromConsole.out[0] ?? 'null'));
    expect({ event, status: rolled.status, tier: rolled.tier, alreadyOn: rolled.alreadyOn.length }).toEqual({
      event: 0,
      status: 'completed',
      tier: 'premium',
      alreadyOn: 1,
    });
    expect({ plan, status: planned.status, tier: planned.tier }).toEqual({
      plan: 0,
      status: 'planned',
      tier: 'advanced',
    });
    expect(wrong).toBe(2);
    expect(errors.join('\n')).toContain(`${bad}: concurrency: must be a whole number from 1 to 20`);
  });

  it('shards and shards add print their documented shapes and words, and exit by the run', async () => {
    // Prepare
    const dir = tempDir('tf-json-');
    await main(['replay', join(ROOT, 'events', 'samples'), '--state-dir', dir], capture().io);
    const [listed, added, words, bad] = [capture(), capture(), capture(), capture()];

    // Act
    const listCode = await main(['shards', '--json', '--state-dir', dir], listed.io);
    const addCode = await main(
      ['shards', 'add', '--reason', 'the test', '--json', '--state-dir', dir],
      added.io,
    );
    const wordsCode = await main(['shards', '--state-dir', dir], words.io);
    const badCode = await main(['shards', 'remove', '--state-dir', dir], bad.io);

    // Assess
    const list = shardsSchema.safeParse(JSON.parse(listed.out[0] ?? 'null'));
    expect(list.error?.issues).toBeUndefined();
    expect(list.data?.map((shard) => [shard.number, shard.source, shard.status, shard.capacity])).toEqual([
      [1, 'stack', 'ACTIVE', 99],
    ]);
    const run = shardRunSchema.safeParse(JSON.parse(added.out[0] ?? 'null'));
    expect(run.error?.issues).toBeUndefined();
    expect([addCode, run.data?.status, run.data?.outcome, run.data?.shard]).toEqual([
      0,
      'SUCCEEDED',
      'added',
      'tf-shard-7',
    ]);
    // The note, then the shard machine's steps as they end (as replay prints a saga's).
    const [note, header, ...steps] = added.err;
    expect(note).toBe('adding a load balancer shard (its load balancer takes a few minutes on AWS)…');
    expect(header).toMatch(/^▶ add-shard-[0-9a-f]{8}$/);
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) expect(step).toMatch(/^ {2}✓ [A-Za-z]+( ×\d+)? \d+ms$/);
    expect(words.out.map((line) => line.replace(/\s{2,}\S+\.elb\.amazonaws\.com$/, ''))).toEqual([
      `shard 1  stack  ${list.data?.[0]?.used}/99 tenants`,
      'shard 7  added  0/100 tenants',
    ]);
    expect([listCode, wordsCode, badCode]).toEqual([0, 0, 2]);
    expect(bad.err.join('\n')).toMatch(/shards: takes nothing, or "add"/);
  });
});
