/** The `--json` outputs hold to their documented shapes, and docs/cli-json.schema.json is current. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cliJsonSchema, reconcileReportSchema, replayResultSchema } from '../../../src/cli/json-output.ts';
import { main } from '../../../src/cli/main.ts';
import { tempDir } from '../../support/temp-dirs.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

const capture = () => {
  const out: string[] = [];
  return { io: { out: (line: string) => out.push(line), err: () => {} }, out };
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
});
