/**
 * CLI conventions (issue 14, part): help per command, the version, suggestions, control characters
 * never printed raw, a reader that goes away (EPIPE), and `--fail-on` for CI.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { colourise, printable } from '../../../src/cli/io.ts';
import { main } from '../../../src/cli/main.ts';
import { progressPrinter } from '../../../src/cli/progress.ts';
import { tempDir } from '../../support/temp-dirs.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const SAMPLES = join(ROOT, 'events', 'samples');

/** Whether `text` holds a C0 or C1 control character (line breaks and ESC included). */
const hasControl = (text: string): boolean =>
  [...text].some((char) => {
    const code = char.charCodeAt(0);
    return code < 0x20 || (code >= 0x7f && code <= 0x9f);
  });

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) }, out, err };
};

describe('CLI conventions', () => {
  it("prints one command's help for `<command> --help`, the whole help otherwise, and the version", async () => {
    // Prepare
    const [replay, whole, version] = [capture(), capture(), capture()];
    const { version: wanted } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };

    // Act
    const codes = [
      await main(['replay', '--help'], replay.io),
      await main(['help'], whole.io),
      await main(['--version'], version.io),
    ];

    // Assess
    expect(codes).toEqual([0, 0, 0]);
    const replayHelp = replay.out.join('\n');
    expect(replayHelp).toMatch(/^Usage: tenantflow replay/);
    expect(replayHelp).toContain('--fail-on OUTCOMES');
    // Its own lines and the target options, not the other commands' lines.
    expect(replayHelp).not.toContain('reconcile [--repair]');
    expect(replayHelp).toContain('--target local|aws');
    expect(whole.out.join('\n')).toContain('reconcile [--repair]');
    expect(version.out).toEqual([`tenantflow ${wanted}`]);
  });

  it('writes every control character of free text as an escape', () => {
    // Act
    const shown = printable('acme\nFAKE LINE\r\u001b[31mred\u001b[0m\ttab\u009b');

    // Assess
    expect(shown).toBe('acme\\nFAKE LINE\\r\\x1b[31mred\\x1b[0m\\ttab\\x9b');
    expect(hasControl(shown)).toBe(false);
  });

  it('exits 1 under --fail-on when an event ends that way, 0 without it', async () => {
    // Prepare: an offboarding of a tenant nobody onboarded is answered, so use a malformed event.
    const dir = tempDir('tf-failon-');
    const bad = join(SAMPLES, 'edge', 'malformed-unknown-tier.json');
    const [plain, strict] = [capture(), capture()];

    // Act
    const without = await main(['replay', bad, '--state-dir', join(dir, 'a')], plain.io);
    const withFailOn = await main(
      ['replay', bad, '--fail-on', 'failed,rejected', '--state-dir', join(dir, 'b')],
      strict.io,
    );

    // Assess
    expect([without, withFailOn]).toEqual([0, 1]);
    expect(strict.err.at(-1)).toBe('tenantflow: 1 of 1 events ended failed or rejected');
  });

  it('ends quietly when its reader goes away (EPIPE), with no stack trace', async () => {
    // Act: the reader of stdout is gone before the CLI writes its help.
    const ended = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['bin/tenantflow.mjs', 'help'], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      child.on('close', (code) => resolve({ code, stderr }));
    });

    // Assess
    expect(ended.stderr).not.toMatch(/EPIPE|Error|at /);
    expect(ended.code).toBe(0);
  });

  it('shows a tenant name holding a line break or an ANSI sequence escaped in status, on its own line', async () => {
    // Prepare
    const dir = tempDir('tf-escape-');
    const event = JSON.parse(readFileSync(join(SAMPLES, 'onboarding-basic.json'), 'utf8'));
    event.detail.tenantName = 'bakery\n  resources FORGED\u001b[2J';
    const file = join(dir, 'evil.json');
    writeFileSync(file, JSON.stringify(event));
    await main(['replay', file, '--state-dir', join(dir, 's')], capture().io);
    const shown = capture();

    // Act
    await main(['status', event.detail.tenantId, '--state-dir', join(dir, 's')], shown.io);

    // Assess
    expect(shown.out).toContainEqual(expect.stringContaining('name bakery\\n  resources FORGED\\x1b[2J,'));
    expect(shown.out.filter(hasControl)).toEqual([]);
  });

  it("replays a folder in the order of a tenant's life, whatever its files are called", async () => {
    // Prepare
    const dir = tempDir('tf-order-');
    const run = capture();

    // Act
    const code = await main(
      ['replay', SAMPLES, '--json', '--fail-on', 'failed,rejected', '--state-dir', dir],
      run.io,
    );

    // Assess
    expect(code).toBe(0);
    const results = run.out.map(
      (line) => JSON.parse(line) as { detailType: string; outcome: string; source: string },
    );
    expect(results.map((r) => r.source.replace(`${SAMPLES}/`, ''))).toEqual([
      'onboarding-advanced.json',
      'onboarding-basic.json',
      'onboarding-premium.json',
      'migrate-basic.json',
      'update-premium.json',
      'deactivate-advanced.json',
      'activate-advanced.json',
      'offboarding-advanced.json',
    ]);
    expect(results.map((r) => r.detailType.replace('sbt_aws_', ''))).toEqual([
      'onboardingRequest',
      'onboardingRequest',
      'onboardingRequest',
      'migrateRequest',
      'updateRequest',
      'deactivateRequest',
      'activateRequest',
      'offboardingRequest',
    ]);
    expect(results.map((r) => r.outcome)).toEqual(results.map(() => 'succeeded'));
  });

  it('prints progress as a header per execution, a line per step with its duration, polls collapsed, retries numbered, the way back marked', () => {
    // Prepare
    const lines: string[] = [];
    const printer = progressPrinter((line) => lines.push(line));
    const step = (execution: string, name: string, stepMs: number, error?: string) =>
      printer.onProgress({
        execution,
        step: name,
        ok: !error,
        stepMs,
        elapsedMs: 0,
        ...(error ? { error } : {}),
      });

    // Act
    step('onboard-a', 'ValidateRequest', 3);
    step('onboard-a', 'WaitForHealthy', 2);
    step('onboard-a', 'WaitForHealthy', 4);
    step('onboard-a', 'WaitForHealthy', 1);
    step('onboard-a', 'CreateService', 2, 'RetryableError');
    step('onboard-a', 'CreateService', 5);
    step('onboard-a', 'ActivateTenant', 7, 'FatalError');
    step('onboard-a', 'ConfirmCommitted', 1);
    step('onboard-a', 'DeleteService', 2);
    step('offboard-b', 'ValidateRequest', 1);
    printer.flush();

    // Assess
    expect(lines).toEqual([
      '▶ onboard-a',
      '  ✓ ValidateRequest 3ms',
      '  ✓ WaitForHealthy ×3 7ms',
      '  ✗ CreateService RetryableError 2ms, retry 1/5 next',
      '  ✓ CreateService 5ms (retry 1/5)',
      '  ✗ ActivateTenant FatalError 7ms',
      '  ↩ ConfirmCommitted 1ms',
      '  ↩ DeleteService 2ms',
      '▶ offboard-b',
      '  ✓ ValidateRequest 1ms',
    ]);
  });

  it('keeps stdout to results with --verbose --json: Powertools logs and metrics go to stderr', async () => {
    // Act
    const dir = tempDir('tf-verbose-');
    const ended = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          'bin/tenantflow.mjs',
          'replay',
          join(SAMPLES, 'onboarding-basic.json'),
          '--verbose',
          '--json',
          '--state-dir',
          dir,
        ],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

    // Assess
    expect(ended.code).toBe(0);
    const lines = ended.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ outcome: 'succeeded' });
    expect(ended.stderr).toContain('"_aws"');
  }, 30_000);

  it('colours only marks, headers and outcomes, and only when asked (a TTY without NO_COLOR)', () => {
    // Act
    const on = [
      '  ✓ CreateService 3ms',
      '  ✗ CreateService FatalError 2ms',
      '▶ onboard-a',
      'x → FAILED (tenant t)',
    ].map((line) => colourise(line, true));
    const off = colourise('  ✓ CreateService 3ms', false);

    // Assess
    expect(on).toEqual([
      '  \u001b[32m✓\u001b[0m CreateService 3ms',
      '  \u001b[31m✗\u001b[0m CreateService FatalError 2ms',
      '\u001b[1m▶\u001b[0m onboard-a',
      'x → \u001b[31mFAILED\u001b[0m (tenant t)',
    ]);
    expect(off).toBe('  ✓ CreateService 3ms');
  });

  it('finds a tenant for status by id, registration id or name, and says what to do next after a failure', async () => {
    // Prepare: the advanced sample (tenant "acme") fails for good at CreateService.
    const dir = tempDir('tf-status-');
    const event = JSON.parse(readFileSync(join(SAMPLES, 'onboarding-advanced.json'), 'utf8'));
    await main(
      [
        'replay',
        join(SAMPLES, 'onboarding-advanced.json'),
        '--fault',
        'CreateService:fatal',
        '--state-dir',
        dir,
      ],
      capture().io,
    );
    const [byId, byRegistration, byName, missing] = [capture(), capture(), capture(), capture()];

    // Act
    const codes = [
      await main(['status', event.detail.tenantId, '--state-dir', dir], byId.io),
      await main(['status', event.detail.tenantRegistrationId, '--state-dir', dir], byRegistration.io),
      await main(['status', 'ACME', '--state-dir', dir], byName.io),
      await main(['status', 'nobody', '--state-dir', dir], missing.io),
    ];

    // Assess
    expect(codes).toEqual([0, 0, 0, 1]);
    expect(byRegistration.out).toEqual(byId.out);
    expect(byName.out).toEqual(byId.out);
    // The step named once, not twice; each operation with its outcome and span; each step's duration;
    // the failed step where the way back began.
    expect(byId.out).toContainEqual(expect.stringMatching(/^ {2}last error CreateService: FatalError: /));
    expect(byId.out).toContainEqual(
      expect.stringMatching(/^ {4}onboard {2}onboard-\S+ {2}FAILED at CreateService {2}\S+Z \(\d+ ms\)$/),
    );
    const steps = byId.out.filter((line) => line.startsWith('      '));
    expect(steps.map((line) => line.trim().split(' ').slice(0, 2).join(' '))).toEqual([
      '✓ RegisterTaskDefinition',
      '✓ CreateTargetGroup',
      '✓ CreateListenerRule',
      '✗ CreateService',
      '↩ DeleteService',
      '↩ DeleteListenerRule',
      '↩ DeleteTargetGroup',
      '↩ DeregisterTaskDefinition',
      '✗ MarkFailed',
    ]);
    expect(steps[0]).toMatch(/ \d+ms$/);
    expect(byId.out.at(-1)).toBe(
      `  next: retry what failed with tenantflow retry ${event.detail.tenantId}, or remove the tenant with an offboarding`,
    );
    expect(missing.err).toEqual([
      `tenantflow: no tenant nobody (by tenant id, registration id or name) in the tenant map of ${dir}`,
    ]);
  });
});
