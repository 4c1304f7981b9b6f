/**
 * The state directory rules and the operator commands for stuck work, through `main` as a user
 * runs them: one process at a time, read-only commands create nothing, a stale lock is taken over,
 * `executions`, `abort` and `retry`.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { tempDir } from '../../support/temp-dirs.ts';

const SAMPLES = new URL('../../../events/samples/', import.meta.url).pathname;

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) }, out, err };
};

/** A pid that no process has any more: a child that already exited. */
const deadPid = (): number => {
  const child = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  return Number(child.stdout.trim());
};

const holdLock = (dir: string, pid: number) =>
  writeFileSync(
    join(dir, 'lock.json'),
    JSON.stringify({ pid, host: hostname(), since: new Date().toISOString() }),
  );

describe('the state directory', () => {
  it('is not created, nor anything in it, by a command that only reads', async () => {
    // Prepare
    const parent = tempDir('tf-state-');
    const missing = join(parent, 'nothing-here');
    const own = join(parent, 'mine');
    mkdirSync(own);
    writeFileSync(join(own, 'notes.txt'), 'mine');

    // Act
    const results = [];
    for (const command of ['list', 'inventory', 'executions']) {
      const { io, err } = capture();
      results.push({ missing: await main([command, '--state-dir', missing], io), err: err[0] });
      const other = capture();
      results.push({ own: await main([command, '--state-dir', own], other.io), err: other.err[0] });
    }

    // Assess
    for (const result of results) expect(Object.values(result)[0]).toBe(2);
    expect(results.map((r) => r.err)).toEqual(
      expect.arrayContaining([expect.stringMatching(/no tenantflow state in .*nothing-here/)]),
    );
    expect(existsSync(missing)).toBe(false);
    expect(readdirSync(own)).toEqual(['notes.txt']);
  });

  it('refuses a second process while the first lives, with its pid and exit code 2', async () => {
    // Prepare
    const dir = tempDir('tf-state-');
    await main(['replay', join(SAMPLES, 'onboarding-basic.json'), '--state-dir', dir], capture().io);
    holdLock(dir, process.ppid);
    const { io, err, out } = capture();

    // Act
    const listed = await main(['list', '--state-dir', dir], io);
    const replayed = await main(
      ['replay', join(SAMPLES, 'onboarding-advanced.json'), '--state-dir', dir],
      io,
    );
    const reset = await main(['reset', '--state-dir', dir], io);

    // Assess
    expect([listed, replayed, reset]).toEqual([2, 2, 2]);
    expect(err).toEqual(
      Array.from({ length: 3 }, () =>
        expect.stringContaining(`state dir ${dir} in use by pid ${process.ppid}`),
      ),
    );
    expect(out).toEqual([]);
    expect(existsSync(join(dir, 'dynamo'))).toBe(true);
  });

  it('takes over a lock whose process is dead', async () => {
    // Prepare
    const dir = tempDir('tf-state-');
    await main(['replay', join(SAMPLES, 'onboarding-basic.json'), '--state-dir', dir], capture().io);
    holdLock(dir, deadPid());
    const { io, out } = capture();

    // Act
    const code = await main(['list', '--state-dir', dir], io);

    // Assess
    expect(code).toBe(0);
    expect(out.join('\n')).toContain('basic  ACTIVE');
    expect(existsSync(join(dir, 'lock.json'))).toBe(false);
  });

  it('writes its marker only into a new or empty directory', async () => {
    // Prepare
    const parent = tempDir('tf-state-');
    const empty = join(parent, 'empty');
    mkdirSync(empty);
    const full = join(parent, 'full');
    mkdirSync(full);
    writeFileSync(join(full, 'thesis.tex'), 'precious');
    const { io, err } = capture();

    // Act
    const intoEmpty = await main(
      ['replay', join(SAMPLES, 'onboarding-basic.json'), '--state-dir', empty],
      io,
    );
    const intoFull = await main(['replay', join(SAMPLES, 'onboarding-basic.json'), '--state-dir', full], io);

    // Assess
    expect([intoEmpty, intoFull]).toEqual([0, 2]);
    expect(readdirSync(empty)).toContain('.tenantflow-state');
    expect(readdirSync(full)).toEqual(['thesis.tex']);
    expect(err.at(-1)).toMatch(/is not empty and has no \.tenantflow-state marker/);
  });
});

describe('the state directory, as a newcomer and an adversary find it (issue 26)', () => {
  it("after the demo, the default dir takes the README's next command (the demo's parent is marked)", async () => {
    // Prepare
    const dir = join(tempDir('tf-newcomer-'), '.tenantflow');
    const demoRun = capture();

    // Act
    const demo = await main(['demo', '--state-dir', dir], demoRun.io);
    const replay = capture();
    const replayed = await main(
      ['replay', join(SAMPLES, 'onboarding-advanced.json'), '--state-dir', dir],
      replay.io,
    );

    // Assess
    expect(demo).toBe(0);
    expect(replayed, replay.err.join('\n')).toBe(0);
    expect(readdirSync(dir)).toContain('.tenantflow-state');
  }, 60_000);

  it('adopts a dir holding nothing but an earlier demo (as `npm start` left it before the fix)', async () => {
    // Prepare
    const dir = tempDir('tf-old-demo-');
    mkdirSync(join(dir, 'demo'));
    writeFileSync(join(dir, 'demo', '.tenantflow-state'), 'marker');
    const { io, err } = capture();

    // Act
    const code = await main(['replay', join(SAMPLES, 'onboarding-basic.json'), '--state-dir', dir], io);

    // Assess
    expect(code, err.join('\n')).toBe(0);
  });

  it.each(['aws', 'requests', 'demo', 'dynamo'])(
    'reset leaves a folder alone that only holds an entry named %s (no marker: not ours)',
    async (name) => {
      // Prepare
      const dir = tempDir('tf-foreign-');
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'config'), 'secret');
      const { io, err } = capture();

      // Act
      const code = await main(['reset', '--state-dir', dir], io);

      // Assess
      expect(code).toBe(2);
      expect(err.at(-1)).toMatch(/does not look like a tenantflow state dir/);
      expect(readFileSync(join(dir, name, 'config'), 'utf8')).toBe('secret');
    },
  );

  it("reset refuses a marked dir holding the user's own files, naming them, and removes nothing", async () => {
    // Prepare
    const dir = tempDir('tf-mixed-');
    await main(['replay', join(SAMPLES, 'onboarding-basic.json'), '--state-dir', dir], capture().io);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const before = readdirSync(dir).sort();
    const { io, err } = capture();

    // Act
    const code = await main(['reset', '--state-dir', dir], io);

    // Assess
    expect(code).toBe(2);
    expect(err.at(-1)).toContain('"notes.txt", which tenantflow did not write');
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('a state dir that is a file is refused with exit code 2, by a command that writes and one that reads', async () => {
    // Prepare
    const file = join(tempDir('tf-file-'), 'state');
    writeFileSync(file, 'not a directory');
    const writing = capture();
    const reading = capture();

    // Act
    const replayed = await main(
      ['replay', join(SAMPLES, 'onboarding-basic.json'), '--state-dir', file],
      writing.io,
    );
    const listed = await main(['list', '--state-dir', file], reading.io);

    // Assess
    expect([replayed, listed]).toEqual([2, 2]);
    expect(writing.err.join('\n')).toContain('is a file, not a directory');
    expect(readFileSync(file, 'utf8')).toBe('not a directory');
  });
});

describe('operator commands', () => {
  it('lists executions (--json), retries a FAILED tenant, and refuses to abort one that is not running', async () => {
    // Prepare: an onboarding that fails for good at CreateService.
    const dir = tempDir('tf-ops-');
    const onboarding = join(SAMPLES, 'onboarding-advanced.json');
    const tenantId = JSON.parse(readFileSync(onboarding, 'utf8')).detail.tenantId as string;
    await main(['replay', onboarding, '--fault', 'CreateService:fatal', '--state-dir', dir], capture().io);
    const listing = capture();

    // Act
    const listed = await main(['executions', '--json', '--state-dir', dir], listing.io);
    const failed = JSON.parse(listing.out[0] ?? '{}');
    const aborting = capture();
    const aborted = await main(['abort', failed.name, '--state-dir', dir], aborting.io);
    const byTenant = capture();
    const abortedByTenant = await main(['abort', '--tenant', tenantId, '--state-dir', dir], byTenant.io);
    const retrying = capture();
    const retried = await main(['retry', tenantId, '--json', '--state-dir', dir], retrying.io);
    const again = capture();
    const nothing = await main(['retry', tenantId, '--state-dir', dir], again.io);

    // Assess
    expect(listed).toBe(0);
    expect(failed).toMatchObject({
      machine: 'onboarding',
      status: 'FAILED',
      operation: 'onboard',
      tenantId,
      step: 'NotifyFailure',
    });
    expect(aborted).toBe(1);
    expect(aborting.out).toEqual([`${failed.name}: FAILED (not running: it ended FAILED)`]);
    expect(abortedByTenant).toBe(1);
    expect(byTenant.err).toEqual([`tenantflow: no execution runs for tenant ${tenantId} in ${dir}`]);
    expect(retried).toBe(0);
    expect(JSON.parse(retrying.out[0] ?? '{}')).toMatchObject({
      outcome: 'succeeded',
      tenantId,
      statusEvent: { 'detail-type': 'sbt_aws_provisionSuccess' },
    });
    expect(nothing).toBe(1);
    expect(again.err).toEqual([`tenantflow: tenant ${tenantId} is ACTIVE: only a FAILED tenant is retried`]);
  });

  it('migrates an ACTIVE tenant to another tier, and says why it will not migrate one', async () => {
    // Prepare: an advanced tenant.
    const dir = tempDir('tf-migrate-');
    const onboarding = join(SAMPLES, 'onboarding-advanced.json');
    const tenantId = JSON.parse(readFileSync(onboarding, 'utf8')).detail.tenantId as string;
    await main(['replay', onboarding, '--state-dir', dir], capture().io);
    const migrating = capture();
    const refusals = [capture(), capture(), capture()];

    // Act
    const migrated = await main(
      ['migrate', tenantId, '--to', 'platinum', '--json', '--state-dir', dir],
      migrating.io,
    );
    const codes = [
      await main(
        ['migrate', tenantId, '--to', 'premium', '--state-dir', dir],
        refusals[0]?.io ?? capture().io,
      ),
      await main(['migrate', tenantId, '--to', 'gold', '--state-dir', dir], refusals[1]?.io ?? capture().io),
      await main(['migrate', 'nobody', '--to', 'basic', '--state-dir', dir], refusals[2]?.io ?? capture().io),
    ];
    const status = capture();
    await main(['status', tenantId, '--json', '--state-dir', dir], status.io);

    // Assess
    expect(migrated).toBe(0);
    const result = JSON.parse(migrating.out[0] ?? '{}');
    expect(result).toMatchObject({
      outcome: 'succeeded',
      tenantId,
      statusEvent: {
        'detail-type': 'sbt_aws_provisionSuccess',
        detail: { jobOutput: { tenantData: { tier: 'premium' } } },
      },
    });
    expect(migrating.err.some((line) => line.startsWith('  ✓ SwitchRouting '))).toBe(true);
    expect(JSON.parse(status.out[0] ?? '{}')).toMatchObject({
      lifecycleStatus: 'ACTIVE',
      placement: { tier: 'premium' },
    });
    expect(codes).toEqual([1, 1, 1]);
    expect(refusals.map((r) => r.err.at(-1))).toEqual([
      `tenantflow: tenant ${tenantId} is on tier premium already`,
      'tenantflow: --to "gold": not a tier of the catalogue (basic (free, starter), advanced (standard), suite (application), premium (platinum, enterprise))',
      'tenantflow: no tenant nobody in the tenant map',
    ]);
  });

  it('reconcile --repair exits 1 while drift it may only report is left, as plain reconcile does', async () => {
    // Prepare: the tenant's service retagged by hand to another tier (tenantflow may not retag).
    const dir = tempDir('tf-report-only-');
    await main(['replay', join(SAMPLES, 'onboarding-advanced.json'), '--state-dir', dir], capture().io);
    const file = join(dir, 'cloud.json');
    const cloud = JSON.parse(readFileSync(file, 'utf8')) as {
      services: Array<{ tags: Array<{ key: string; value: string }> }>;
    };
    for (const service of cloud.services)
      for (const tag of service.tags) if (tag.key === 'tenantflow:tier') tag.value = 'premium';
    writeFileSync(file, JSON.stringify(cloud));

    // Act
    const plain = await main(['reconcile', '--state-dir', dir], capture().io);
    const repairing = capture();
    const repaired = await main(['reconcile', '--repair', '--json', '--state-dir', dir], repairing.io);

    // Assess
    expect(JSON.parse(repairing.out[0] ?? '{}').drifts).toEqual([
      expect.objectContaining({ kind: 'tags', resource: 'service', repair: 'report-only' }),
    ]);
    expect([plain, repaired]).toEqual([1, 1]);
  });

  it('honours the documented settings on the embedded default: a TIER_CATALOGUE of its own, refused when not JSON', async () => {
    // Prepare: a catalogue with a tier of its own, and an onboarding that names it.
    const dir = tempDir('tf-settings-');
    const sample = JSON.parse(readFileSync(join(SAMPLES, 'onboarding-advanced.json'), 'utf8'));
    const event = join(dir, '..', `gold-${Date.now()}.json`);
    writeFileSync(event, JSON.stringify({ ...sample, detail: { ...sample.detail, tier: 'gold' } }));
    const catalogue = {
      defaultTier: 'gold',
      tiers: {
        gold: {
          cluster: 'shared',
          service: 'own',
          cpu: '256',
          memory: '512',
          desiredCount: 1,
          capacityProviderStrategy: [{ capacityProvider: 'FARGATE', base: 1, weight: 1 }],
        },
      },
    };
    const run = capture();
    const broken = capture();

    // Act
    let replayed: number;
    let refused: number;
    try {
      vi.stubEnv('TIER_CATALOGUE', JSON.stringify(catalogue));
      replayed = await main(['replay', event, '--json', '--state-dir', dir], run.io);
      vi.stubEnv('TIER_CATALOGUE', 'not json');
      refused = await main(['list', '--state-dir', dir], broken.io);
    } finally {
      vi.unstubAllEnvs();
    }

    // Assess
    expect(replayed, run.err.join('\n')).toBe(0);
    expect(JSON.parse(run.out[0] ?? '{}')).toMatchObject({ outcome: 'succeeded' });
    expect(refused).toBe(2);
    expect(broken.err.at(-1)).toBe('tenantflow: TIER_CATALOGUE: is not JSON');
  });

  it('grows load balancer shards as a deployed stage does (0.8 full) unless SHARD_GROWTH_THRESHOLD is set empty', async () => {
    // Prepare: three silo onboardings on shards of two tenants each.
    const sample = JSON.parse(readFileSync(join(SAMPLES, 'onboarding-advanced.json'), 'utf8'));
    const events = [1, 2, 3].map((n) => {
      const file = join(tempDir('tf-growth-events-'), `onboard-${n}.json`);
      const ids = { tenantId: randomUUID(), tenantRegistrationId: randomUUID() };
      writeFileSync(
        file,
        JSON.stringify({ ...sample, id: randomUUID(), detail: { ...sample.detail, ...ids } }),
      );
      return file;
    });
    const addedShards = async (threshold: string | undefined): Promise<number> => {
      const dir = tempDir('tf-growth-');
      const listing = capture();
      try {
        vi.stubEnv('SHARD_CAPACITY', '2');
        if (threshold !== undefined) vi.stubEnv('SHARD_GROWTH_THRESHOLD', threshold);
        await main(['replay', ...events, '--state-dir', dir], capture().io);
        await main(['shards', '--json', '--state-dir', dir], listing.io);
      } finally {
        vi.unstubAllEnvs();
      }
      const shards = JSON.parse(listing.out[0] ?? '[]') as Array<{ source: string }>;
      return shards.filter((shard) => shard.source === 'added').length;
    };

    // Act
    const byDefault = await addedShards(undefined);
    const off = await addedShards('');

    // Assess
    expect({ byDefault, off }).toEqual({ byDefault: 1, off: 0 });
  });

  it('reconciles: no drift on a clean cloud (exit 0), the report as JSON', async () => {
    // Prepare
    const dir = tempDir('tf-reconcile-');
    await main(['replay', join(SAMPLES, 'onboarding-premium.json'), '--state-dir', dir], capture().io);
    const table = capture();
    const json = capture();

    // Act
    const plain = await main(['reconcile', '--state-dir', dir], table.io);
    const asJson = await main(['reconcile', '--repair', '--json', '--state-dir', dir], json.io);

    // Assess
    expect([plain, asJson]).toEqual([0, 0]);
    expect(table.out).toEqual(['no drift', '1 tenant checked; drift found: none']);
    expect(JSON.parse(json.out[0] ?? '{}')).toMatchObject({ checked: 1, drifts: [], skipped: [] });
  });
});
