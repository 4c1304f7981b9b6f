#!/usr/bin/env node
// Offline packaging: esbuild bundles for the three functions, then `osls package` (no AWS account
// needed), then a one-line summary of the CloudFormation template.
//   node scripts/package.mjs --param="sbtEventBus=<bus>" [--no-bundle] [--stage dev] [--package .serverless] [other osls options…]
// --no-bundle reuses the bundles already in .esbuild/ (e.g. a second stage from the same code).
//   node scripts/package.mjs --bundle-only [--out .esbuild]   writes the bundles and stops (what the CDK construct deploys).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const FUNCTIONS = ['ingress', 'step', 'watcher', 'audit', 'reconcile'];

class StepFailed extends Error {}

/** `--name value` or `--name=value` from argv (osls accepts both), or the fallback. */
const option = (args, name, fallback) => {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === `--${name}`) return args[i + 1] ?? fallback;
    if (args[i].startsWith(`--${name}=`)) return args[i].slice(name.length + 3);
  }
  return fallback;
};

const bundle = async (outRoot = join(root, '.esbuild')) => {
  const { build } = await import('esbuild');
  rmSync(outRoot, { recursive: true, force: true });
  for (const name of FUNCTIONS) {
    const entry = join(root, 'src', 'handlers', `${name}.ts`);
    if (!existsSync(entry)) throw new StepFailed(`bundle: ${relative(root, entry)} does not exist`);
    try {
      await build({
        entryPoints: [entry],
        outfile: join(outRoot, name, `${name}.mjs`),
        bundle: true,
        platform: 'node',
        target: 'node22',
        format: 'esm',
        // Prefer ES modules; bundling the SDK pins the version we tested instead of the runtime's.
        mainFields: ['module', 'main'],
        minify: false,
        sourcemap: true,
        sourcesContent: false,
        legalComments: 'none',
        logLevel: 'warning',
        // CommonJS dependencies inside an ES module bundle still call require() for Node built-ins.
        banner: {
          js: "import { createRequire as __tfCreateRequire } from 'node:module';\nconst require = __tfCreateRequire(import.meta.url);",
        },
      });
    } catch (error) {
      throw new StepFailed(
        `bundle: esbuild failed for ${name}: ${error instanceof Error ? error.message : error}`,
      );
    }
  }
};

const oslsPackage = (args) => {
  const bin = join(root, 'node_modules', 'osls', 'bin', 'serverless.js');
  if (!existsSync(bin)) throw new StepFailed('osls package: osls is not installed (npm ci)');
  // `package` reads no credentials and opens no connection (checked with strace): no dummy keys.
  const withStage = option(args, 'stage', undefined) ? args : ['--stage', 'dev', ...args];
  const result = spawnSync(process.execPath, [bin, 'package', ...withStage], {
    cwd: root,
    // No stdin: nothing may prompt (CI, tests).
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.error) throw new StepFailed(`osls package: ${result.error.message}`);
  if (result.status !== 0) throw new StepFailed(`osls package: exited with status ${result.status}`);
};

const count = (resources, type) =>
  Object.values(resources).filter((resource) => resource.Type === type).length;

const summarize = (templatePath) => {
  if (!existsSync(templatePath)) throw new StepFailed(`summary: ${templatePath} was not written`);
  const resources = JSON.parse(readFileSync(templatePath, 'utf8')).Resources ?? {};
  const parts = [
    `${count(resources, 'AWS::Lambda::Function')} functions`,
    `${count(resources, 'AWS::StepFunctions::StateMachine')} state machines`,
    `${count(resources, 'AWS::Events::Rule')} rules`,
    `${count(resources, 'AWS::DynamoDB::Table')} table`,
    `${count(resources, 'AWS::IAM::Role')} roles`,
  ];
  console.log(`CloudFormation template: ${relative(process.cwd(), templatePath) || templatePath}`);
  console.log(`tenantflow: ${parts.join(', ')}`);
};

/** `--param="key=value"` or `--param key=value` (osls accepts both) for `key`, if given. */
const param = (args, key) => {
  for (let i = 0; i < args.length; i++) {
    const value =
      args[i] === '--param' ? args[i + 1] : args[i].startsWith('--param=') ? args[i].slice(8) : undefined;
    if (value?.startsWith(`${key}=`)) return value.slice(key.length + 1);
  }
  return undefined;
};

const main = async () => {
  // The bundles alone, for the CDK construct (infra/cdk): no osls package, no bus needed.
  if (process.argv.includes('--bundle-only')) {
    const outRoot = resolve(root, option(process.argv.slice(2), 'out', '.esbuild'));
    await bundle(outRoot);
    console.log(
      `bundles: ${FUNCTIONS.map((name) => `${relative(root, join(outRoot, name, `${name}.mjs`))}`).join(', ')}`,
    );
    return;
  }
  const args = process.argv.slice(2).filter((arg) => arg !== '--no-bundle');
  // SBT always creates its own event bus: a deployment that guessed `default` would hear nothing.
  if (!param(args, 'sbtEventBus')) {
    throw new StepFailed(
      'the SBT event bus is required: --param="sbtEventBus=<name of the bus SBT created>" (the control plane\'s eventBridgeArn output)',
    );
  }
  const outDir = resolve(root, option(args, 'package', '.serverless'));
  if (process.argv.includes('--no-bundle')) {
    const missing = FUNCTIONS.filter((name) => !existsSync(join(root, '.esbuild', name, `${name}.mjs`)));
    if (missing.length > 0)
      throw new StepFailed(`bundle: --no-bundle but no bundle for ${missing.join(', ')}`);
  } else {
    await bundle();
  }
  // osls empties the service's own .serverless/ even when told to package elsewhere: a package the
  // user built there is set aside meanwhile and put back afterwards.
  const own = join(root, '.serverless');
  const kept = outDir !== own && existsSync(own) ? `${own}.kept-${process.pid}` : undefined;
  if (kept) renameSync(own, kept);
  try {
    oslsPackage(args);
  } finally {
    if (kept) {
      rmSync(own, { recursive: true, force: true });
      renameSync(kept, own);
    }
  }
  summarize(join(outDir, 'cloudformation-template-update-stack.json'));
};

main().catch((error) => {
  console.error(`package failed: ${error instanceof StepFailed ? error.message : (error?.stack ?? error)}`);
  process.exit(1);
});
