/**
 * `npm start` (the demo) on the embedded default: every sample succeeds, and what it prints next
 * works as printed.
 */
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { tempDir } from '../support/temp-dirs.ts';

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) }, out, err };
};

describe('the demo', () => {
  it('replays the samples, all succeeding, and prints next commands that work', async () => {
    // Prepare
    const dir = tempDir('tf-demo-');
    const demo = capture();

    // Act
    const code = await main(['demo', '--state-dir', dir], demo.io);
    const next = demo.out.filter((line) => line.startsWith('  npx tenantflow '));
    const listed = capture();
    const listCommand =
      next
        .find((line) => line.includes(' list '))
        ?.trim()
        .split(' ')
        .slice(2) ?? [];
    const listCode = await main(listCommand, listed.io);
    const reconciled = capture();
    const reconcileCommand =
      next
        .find((line) => line.includes(' reconcile '))
        ?.trim()
        .split(' ')
        .slice(2) ?? [];
    const reconcileCode = await main(reconcileCommand, reconciled.io);

    // Assess
    expect(code).toBe(0);
    const outcomes = demo.out.filter((line) => line.startsWith('  → '));
    expect(outcomes).toEqual([
      '  → SUCCEEDED',
      '  → SUCCEEDED',
      '  → SUCCEEDED',
      '  → SUCCEEDED',
      '  → SUCCEEDED',
      '  → SUCCEEDED',
    ]);
    // The premium tenant took the sample's release.
    expect(demo.out.some((line) => line.trim() === 'release 1.27 (public.ecr.aws/nginx/nginx:1.27)')).toBe(
      true,
    );
    expect(listCode).toBe(0);
    expect(listed.out.filter((line) => / ACTIVE active$/.test(line))).toHaveLength(2);
    expect(listed.out.some((line) => / advanced {2}ACTIVE active$/.test(line))).toBe(true);
    expect(reconcileCode).toBe(0);
    expect(reconciled.out.at(-1)).toBe('3 tenants checked; drift found: none');
  });
});
