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
