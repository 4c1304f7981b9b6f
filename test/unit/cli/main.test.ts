import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { tempDir } from '../../support/temp-dirs.ts';

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) }, out, err };
};

describe('main', () => {
  it('exits 2 with one line for a bad flag', async () => {
    // Prepare
    const { io, out, err } = capture();

    // Act
    const code = await main(['list', '--colour'], io);

    // Assess
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^tenantflow: .*colour/);
  });

  it('exits 2 for an unreadable event file', async () => {
    // Prepare
    const dir = tempDir('tf-cli-');
    writeFileSync(join(dir, 'bad.json'), '{ nope');
    const { io, err } = capture();

    // Act
    const missing = await main(['replay', join(dir, 'missing.json'), '--state-dir', join(dir, 's')], io);
    const invalid = await main(['replay', join(dir, 'bad.json'), '--state-dir', join(dir, 's')], io);

    // Assess
    expect([missing, invalid]).toEqual([2, 2]);
    expect(err[0]).toBe(`tenantflow: ${join(dir, 'missing.json')}: no such file or directory`);
    expect(err[1]).toMatch(/bad\.json: not JSON/);
  });

  it('prints help and exits 0', async () => {
    // Prepare
    const { io, out } = capture();

    // Act
    const code = await main(['help'], io);

    // Assess
    expect(code).toBe(0);
    expect(out.join('\n')).toContain('replay <file|dir>');
  });

  it('writes the diagram where --out says', async () => {
    // Prepare
    const dir = tempDir('tf-cli-');
    const out = join(dir, 'nested', 'sagas.svg');
    const { io } = capture();

    // Act
    const code = await main(['diagram', '--out', out], io);

    // Assess
    expect(code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('data-machine="onboarding"');
  });

  it('writes the Mermaid diagrams to stdout', async () => {
    // Prepare
    const { io, out } = capture();

    // Act
    const code = await main(['diagram', '--format', 'mermaid'], io);

    // Assess
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(/^#### onboarding\n\n```mermaid\nstateDiagram-v2\n/);
  });

  it('refuses an --out it cannot write under, in one line, at once', async () => {
    // Prepare
    const dir = tempDir('tf-cli-');
    writeFileSync(join(dir, 'file'), 'x');
    const { io, err } = capture();

    // Act
    const underFile = await main(['diagram', '--out', join(dir, 'file', 'sagas.svg')], io);
    const underProc = await main(['diagram', '--out', '/proc/tenantflow-nope/sagas.svg'], io);

    // Assess
    expect([underFile, underProc]).toEqual([2, 2]);
    expect(err[0]).toBe(
      `tenantflow: --out ${join(dir, 'file', 'sagas.svg')}: ${join(dir, 'file')} is not a directory`,
    );
    expect(err[1]).toMatch(
      /^tenantflow: --out \/proc\/tenantflow-nope\/sagas.svg: cannot make \/proc\/tenantflow-nope \(E[A-Z]+\)$/,
    );
  });

  it('reset refuses a directory that is not a state dir and empties one that is', async () => {
    // Prepare
    const foreign = tempDir('tf-cli-');
    writeFileSync(join(foreign, 'thesis.tex'), 'precious');
    const state = tempDir('tf-cli-');
    writeFileSync(join(state, '.tenantflow-state'), '');
    mkdirSync(join(state, 'dynamo'));
    const { io } = capture();

    // Act
    const refused = await main(['reset', '--state-dir', foreign], io);
    const emptied = await main(['reset', '--state-dir', state], io);

    // Assess
    expect(refused).toBe(2);
    expect(readFileSync(join(foreign, 'thesis.tex'), 'utf8')).toBe('precious');
    expect(emptied).toBe(0);
    expect(readdirSync(state)).toEqual(['.tenantflow-state']);
  });
});

describe('alarm', () => {
  it('sets a simulated alarm a rollout’s gate then reads: each bake look shows it, and ALARM rolls the wave back', async () => {
    // Prepare: three advanced tenants, so the rollout has a wave to bake after.
    const dir = tempDir('tf-cli-');
    const stateDir = join(dir, 's');
    const sample = JSON.parse(
      readFileSync(new URL('../../../events/samples/onboarding-advanced.json', import.meta.url), 'utf8'),
    ) as { id: string; detail: Record<string, unknown> };
    const events = [1, 2, 3].map((n) => ({
      ...sample,
      id: `ev-alarm-${n}`,
      detail: {
        ...sample.detail,
        tenantId: `t-alarm-${n}`,
        tenantName: `alarm${n}`,
        tenantRegistrationId: `r-${n}`,
      },
    }));
    writeFileSync(join(dir, 'tenants.json'), JSON.stringify(events));
    expect(await main(['replay', join(dir, 'tenants.json'), '--state-dir', stateDir], capture().io)).toBe(0);
    const update = (version: string) => [
      'update',
      '--tier',
      'advanced',
      '--image',
      `public.ecr.aws/nginx/nginx:${version}`,
      '--version',
      version,
      '--wave',
      '1,100%',
      '--bake',
      '30',
      '--alarm',
      'errors-high',
      '--state-dir',
      stateDir,
    ];

    // Act
    const ok = capture();
    const setOk = await main(['alarm', 'errors-high', 'ok', '--state-dir', stateDir], ok.io);
    const passing = capture();
    const passed = await main(update('1.27'), passing.io);
    const raise = capture();
    const setAlarm = await main(['alarm', 'errors-high', 'ALARM', '--state-dir', stateDir], raise.io);
    const failing = capture();
    const halted = await main(update('1.28'), failing.io);

    // Assess
    expect([setOk, passed, setAlarm, halted]).toEqual([0, 0, 0, 1]);
    expect([ok.out, raise.out]).toEqual([['alarm errors-high OK'], ['alarm errors-high ALARM']]);
    expect(passing.err).toEqual(
      expect.arrayContaining([
        '  baking 30 s before the next wave',
        '    0/30 s: alarm errors-high OK',
        '    20/30 s: alarm errors-high OK',
      ]),
    );
    expect(failing.out.at(-1)).toMatch(
      /^halted: wave 1 of 2: alarm errors-high went into ALARM after it; the wave was rolled back; 0 updated, 1 rolled back/,
    );
  });
});
