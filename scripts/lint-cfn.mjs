#!/usr/bin/env node
// cfn-lint over the templates: infra/shared.yaml, the deployable as `osls package` writes it
// (packaged offline into a temp dir), and the CDK example's two (examples/sbt-app) as `cdk synth`
// writes them. Warnings are printed; only errors fail (exit 1).
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
  // The CDK example (examples/sbt-app), synthesized with the bundles the packaging just wrote.
  const cdkOut = join(out, 'cdk.out');
  const synth = spawnSync(process.execPath, ['--import', 'tsx', 'examples/sbt-app/app.ts'], {
    cwd: root,
    env: { ...process.env, CDK_OUTDIR: cdkOut },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (synth.status !== 0) {
    console.error('lint:cfn: cdk synth of examples/sbt-app failed');
    process.exit(1);
  }
  const templates = [
    join(root, 'infra', 'shared.yaml'),
    join(out, 'cloudformation-template-update-stack.json'),
    join(cdkOut, 'ControlPlane.template.json'),
    join(cdkOut, 'AppPlane.template.json'),
  ];
  const lint = spawnSync('cfn-lint', ['--non-zero-exit-code', 'error', ...templates], { stdio: 'inherit' });
  if (lint.status !== 0) {
    console.error('lint:cfn: cfn-lint found errors');
    process.exit(1);
  }
  console.error("lint:cfn: no errors in infra/shared.yaml, the packaged template and the CDK example's two");
} finally {
  rmSync(out, { recursive: true, force: true });
}
