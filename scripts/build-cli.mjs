#!/usr/bin/env node
// Compiles the CLI (src/cli/main.ts and everything it imports) into dist/cli/ with esbuild, one
// chunk per lazily imported command, so `tenantflow help` loads a few kilobytes and no command pays
// for TypeScript transpilation. Run by `npm ci`/`npm install` (the `prepare` script) and by
// `npm run build:cli`. dist/cli/inputs.json lists the sources it was built from: bin/tenantflow.mjs
// falls back to running the sources through tsx when any of them is newer than the build.
//   node scripts/build-cli.mjs [--outdir dist/cli]
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { outdir: { type: 'string', default: join('dist', 'cli') } } });
const outdir = resolve(root, values.outdir);

let build;
try {
  ({ build } = await import('esbuild'));
} catch {
  // An install without dev dependencies: the CLI still runs, from the sources through tsx.
  console.error('build-cli: esbuild is not installed; the CLI will run from its TypeScript sources');
  process.exit(0);
}

/**
 * Imports the CLI never reaches, replaced in its bundle (from the named importer only) by a stand-in
 * that throws if ever used, so no command parses or runs them:
 * - aws-local-stepfunctions imports asl-validator (the CLI runs only the committed definitions, with
 *   validation off; tests hold them against asl-validator) and the Lambda client with Cognito
 *   credentials (every Task state runs a local handler instead): about 0.4 MB.
 * - infra/template.ts imports yaml to parse infra/shared.yaml, which the build defines in already
 *   parsed (below): 0.12 MB evaluated on every fresh state dir for nothing.
 */
const NOT_BUNDLED = [
  {
    importer: '/node_modules/aws-local-stepfunctions/',
    modules: ['asl-validator', '@aws-sdk/client-lambda', '@aws-sdk/credential-providers'],
    exports: ['LambdaClient', 'InvokeCommand', 'fromCognitoIdentityPool'],
  },
  { importer: '/infra/template.ts', modules: ['yaml'], exports: ['parse'] },
];
const notBundled = {
  name: 'not-bundled',
  setup(build) {
    for (const [index, { importer, modules, exports }] of NOT_BUNDLED.entries()) {
      const namespace = `not-bundled-${index}`;
      const filter = new RegExp(`^(${modules.map((name) => name.replace(/[/.]/g, '\\$&')).join('|')})$`);
      build.onResolve({ filter }, (args) =>
        args.importer.includes(importer) ? { path: args.path, namespace } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace }, (args) => ({
        contents: `const unused = () => { throw new Error(${JSON.stringify(`${args.path} is not bundled into the tenantflow CLI`)}); };
export default unused;
export const ${exports.map((name) => `${name} = unused`).join(', ')};`,
        loader: 'js',
      }));
    }
  },
};

/**
 * infra/shared.yaml as infra/template.ts parses it, to be defined into the bundle (the simulated
 * cloud builds its shared stack from it on every fresh state dir): that module is bundled alone,
 * run, and asked.
 */
const parsedSharedTemplate = async () => {
  const helper = join(outdir, `template-${process.pid}.mjs`);
  await build({
    absWorkingDir: root,
    stdin: {
      contents: "export { readTemplate } from './infra/template.ts';",
      resolveDir: root,
      loader: 'ts',
    },
    outfile: helper,
    bundle: true,
    packages: 'external',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
  try {
    const { readTemplate } = await import(pathToFileURL(helper).href);
    return readTemplate();
  } finally {
    rmSync(helper, { force: true });
  }
};

const started = Date.now();
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
const sharedTemplate = await parsedSharedTemplate();
const result = await build({
  absWorkingDir: root,
  entryPoints: { main: join(root, 'src', 'cli', 'main.ts') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  // Local runs are supported on Node 20 (the deployed functions are bundled for node22 separately).
  target: 'node20',
  mainFields: ['module', 'main'],
  // dynalite is CommonJS that loads LevelDB pieces at run time; it is required from node_modules.
  external: ['dynalite'],
  chunkNames: 'chunks/[name]-[hash]',
  // Minified: V8 parses about half as many bytes on every start. The source map keeps stack traces readable.
  minify: process.env.TF_NO_MINIFY !== '1',
  keepNames: true,
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'none',
  metafile: true,
  plugins: [notBundled],
  define: { TENANTFLOW_SHARED_TEMPLATE: JSON.stringify(sharedTemplate) },
  logLevel: 'warning',
  // CommonJS dependencies inside an ES module bundle still call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __tfCreateRequire } from 'node:module';\nconst require = __tfCreateRequire(import.meta.url);",
  },
});
// shared.yaml is read at build time (defined in), so a newer one makes the build stale too.
const inputs = [
  ...Object.keys(result.metafile.inputs).filter(
    (path) => !path.includes('node_modules/') && !path.includes(':'),
  ),
  'infra/shared.yaml',
].sort();
writeFileSync(join(outdir, 'inputs.json'), `${JSON.stringify({ builtAt: Date.now(), inputs }, null, 1)}\n`);
const bytes = Object.keys(result.metafile.outputs)
  .filter((file) => file.endsWith('.js'))
  .reduce((sum, file) => sum + statSync(resolve(root, file)).size, 0);
console.error(
  `build-cli: ${values.outdir} from ${inputs.length} sources, ${(bytes / 1024 / 1024).toFixed(1)} MB of JS, in ${Date.now() - started} ms`,
);
