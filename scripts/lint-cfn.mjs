#!/usr/bin/env node
// cfn-lint over both templates: infra/shared.yaml, and the deployable as `osls package` writes it
// (packaged offline into a temp dir). Warnings are printed; only errors fail (exit 1).
//   node scripts/lint-cfn.mjs
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const found = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
if (found.error || found.status !== 0) {
  console.error('lint:cfn: cfn-lint is not installed (pip install cfn-lint); nothing was checked');
  process.exit(1);
}
console.error(`lint:cfn: ${found.stdout.trim()}`);

const out = mkdtempSync(join(tmpdir(), 'tenantflow-cfn-'));
try {
  const packaged = spawnSync(
    process.execPath,
    ['scripts/package.mjs', '--param=sbtEventBus=sbt-control-plane', '--stage', 'lint', '--package', out],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (packaged.status !== 0) {
    console.error('lint:cfn: packaging failed');
    process.exit(1);
  }
  const templates = [
    join(root, 'infra', 'shared.yaml'),
    join(out, 'cloudformation-template-update-stack.json'),
  ];
  const lint = spawnSync('cfn-lint', ['--non-zero-exit-code', 'error', ...templates], { stdio: 'inherit' });
  if (lint.status !== 0) {
    console.error('lint:cfn: cfn-lint found errors');
    process.exit(1);
  }
  console.error('lint:cfn: no errors in infra/shared.yaml and the packaged template');
} finally {
  rmSync(out, { recursive: true, force: true });
}
