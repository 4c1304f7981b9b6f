/**
 * A state dir of the embedded default made by an earlier tenantflow (commit bc5031f, before the
 * tenant record had a schema version: test/fixtures/state-dir-bc5031f) keeps working: its records
 * are read, every operation runs on them, and nothing drifts.
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { MODELLED_SECOND_MS } from '../../src/local/runtime/backend.ts';
import { tempDir } from '../support/temp-dirs.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = join(ROOT, 'test/fixtures/state-dir-bc5031f');
const ADVANCED = 'd3994890-cc0c-4702-8693-0ea03889bc48';
const BASIC = 'c0647f32-2ad2-47e2-be5f-6d2af93e1f22';
const PREMIUM = '7a67bccf-9011-4194-b52f-14571420bffb';

/** Runs the CLI in process on the copied state dir; resolves with its exit code and what it printed. */
const cli = async (stateDir: string, ...args: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main([...args, '--state-dir', stateDir], {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
};

const json = (text: string): unknown => JSON.parse(text);

/** `list --json`'s records as tenant id → [tier, lifecycle status]. */
const tiersAndStatuses = (text: string) =>
  Object.fromEntries(
    (json(text) as Array<{ tenantId: string; lifecycleStatus: string; placement: { tier: string } }>).map(
      (r) => [r.tenantId, [r.placement.tier, r.lifecycleStatus]],
    ),
  );

describe('a state dir made by tenantflow bc5031f', () => {
  let stateDir = '';

  beforeAll(() => {
    stateDir = join(tempDir('tf-landed-'), 'state');
    cpSync(FIXTURE, stateDir, { recursive: true });
  });

  it('lists its tenants as that version left them', async () => {
    // Act
    const listed = await cli(stateDir, 'list', '--json');

    // Assess
    expect(listed.code).toBe(0);
    expect(tiersAndStatuses(listed.out)).toEqual({
      [ADVANCED]: ['advanced', 'INACTIVE'],
      [BASIC]: ['basic', 'ACTIVE'],
      [PREMIUM]: ['premium', 'ACTIVE'],
    });
  });

  it('finds no drift between its records and its cloud', async () => {
    // Act
    const report = await cli(stateDir, 'reconcile', '--json');

    // Assess
    expect(report.code).toBe(0);
    expect(json(report.out)).toMatchObject({ checked: 3, drifts: [] });
  });

  it('activates, migrates, updates and offboards its tenants, leaving nothing of the one offboarded', async () => {
    // Act
    const activated = await cli(stateDir, 'replay', 'events/samples/activate-advanced.json', '--json');
    const migrated = await cli(stateDir, 'migrate', BASIC, '--to', 'advanced', '--json');
    const updated = await cli(
      stateDir,
      'update',
      PREMIUM,
      '--image',
      'public.ecr.aws/example/app:3.0.0',
      '--json',
    );
    const offboarded = await cli(stateDir, 'replay', 'events/samples/offboarding-advanced.json', '--json');
    // Its group was made with the load balancer's 300 s deregistration delay: the deleted service
    // drains that long in AWS's time (600 ms at the embedded default's 2 ms a second).
    await new Promise((resolve) => setTimeout(resolve, 300 * MODELLED_SECOND_MS));
    const listed = (await cli(stateDir, 'list', '--json')).out;
    const inventory = json((await cli(stateDir, 'inventory', '--json')).out) as {
      resources: Array<{ tenantId?: string }>;
    };
    const reconciled = await cli(stateDir, 'reconcile', '--json');

    // Assess
    expect(
      [activated.code, migrated.code, updated.code, offboarded.code],
      activated.err + migrated.err,
    ).toEqual([0, 0, 0, 0]);
    expect(json(activated.out)).toMatchObject({ outcome: 'succeeded' });
    expect(json(migrated.out)).toMatchObject({ outcome: 'succeeded' });
    expect(json(updated.out)).toMatchObject({ outcome: 'succeeded' });
    expect(json(offboarded.out)).toMatchObject({ outcome: 'succeeded' });
    expect(tiersAndStatuses(listed)).toEqual({
      [ADVANCED]: ['advanced', 'DELETED'],
      [BASIC]: ['advanced', 'ACTIVE'],
      [PREMIUM]: ['premium', 'ACTIVE'],
    });
    expect(inventory.resources.filter((item) => item.tenantId === ADVANCED)).toEqual([]);
    expect(inventory.resources.filter((item) => item.tenantId === BASIC).length).toBeGreaterThan(0);
    expect(json(reconciled.out)).toMatchObject({ drifts: [] });
  });
});
