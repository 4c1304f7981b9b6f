#!/usr/bin/env node
// The tenantflow CLI. Runs the compiled CLI in dist/cli/ (built by `npm ci` through the `prepare`
// script, or `npm run build:cli`) when it is there and no source it was built from has changed
// since; otherwise the TypeScript sources through tsx's loader, so an edit is never run stale.
import { readFileSync, statSync } from 'node:fs';
import module from 'node:module';

// Node 22.1+ keeps V8's compiled code of the bundle between runs (no-op on Node 20, where this was
// measured: the figures in the README are without it).
module.enableCompileCache?.();

// The deployed Lambdas run on nodejs22.x; local runs on Node 20 are supported, so the SDK's
// "Node 20 support ends" notice would only be noise on every command.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const root = new URL('../', import.meta.url);

/** True when dist/cli was built from the sources as they are now. */
const compiledIsCurrent = () => {
  if (process.env.TENANTFLOW_FROM_SOURCE === '1') return false;
  try {
    const { builtAt, inputs } = JSON.parse(readFileSync(new URL('dist/cli/inputs.json', root), 'utf8'));
    return inputs.every((input) => statSync(new URL(input, root)).mtimeMs <= builtAt);
  } catch {
    return false;
  }
};

let main;
if (compiledIsCurrent()) {
  ({ main } = await import('../dist/cli/main.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
