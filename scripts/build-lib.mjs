#!/usr/bin/env node
// Builds the package's library entries (the `exports` map of package.json) into dist/lib/ with
// esbuild, dependencies left to the installer, and their type declarations into dist/types/ with tsc.
// Run by `npm pack` (the `prepack` script, after the functions' bundles).
//   node scripts/build-lib.mjs
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Each entry, by its name under dist/lib/. Every output sits two folders below the package root, as
 * its sources do (infra/cdk, infra/deploy), so the paths they resolve from `import.meta.url` (the
 * functions' bundles in .esbuild/, the ASL in state-machines/) hold in the package too.
 */
export const ENTRIES = {
  cdk: 'infra/cdk/index.ts',
  events: 'events/index.ts',
  handlers: 'src/handlers/index.ts',
  domain: 'src/domain/index.ts',
};

const { build } = await import('esbuild');
rmSync(join(root, 'dist', 'lib'), { recursive: true, force: true });
rmSync(join(root, 'dist', 'types'), { recursive: true, force: true });
await build({
  entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, path]) => [name, join(root, path)])),
  outdir: join(root, 'dist', 'lib'),
  outExtension: { '.js': '.mjs' },
  bundle: true,
  // No shared chunks: each entry one file, two folders below the root (see ENTRIES).
  splitting: false,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // The package's dependencies and peer dependencies are installed beside it.
  packages: 'external',
  sourcemap: true,
  sourcesContent: false,
  legalComments: 'none',
  logLevel: 'warning',
});
const types = spawnSync(
  process.execPath,
  [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.lib.json'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
if (types.status !== 0) {
  console.error('build-lib: tsc failed to write the declarations');
  process.exit(1);
}
console.log(
  `build-lib: ${Object.keys(ENTRIES)
    .map((name) => `dist/lib/${name}.mjs`)
    .join(', ')} and their types in dist/types/`,
);
