import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * tenantflow as a package: `npm pack` builds the functions' bundles and the library (the `prepack`
 * script), a scratch CDK app installs the tarball with aws-cdk-lib and constructs beside it, and
 * `npx cdk synth` writes its template, with no AWS account and no credentials.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
const devVersion = (name: string): string => {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
  };
  const version = manifest.devDependencies[name];
  if (!version) throw new Error(`package.json has no devDependency ${name}`);
  return version;
};

/** No AWS credentials or profile reach the scratch app's commands. */
const offlineEnv = () => {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env))
    if (value !== undefined && !key.startsWith('AWS_')) env[key] = value;
  return { ...env, CDK_DISABLE_VERSION_CHECK: 'true', AWS_EC2_METADATA_DISABLED: 'true' };
};

let work: string;
let app: string;
let tarball: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'tf-pack-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
  });
  // The prepack script's own lines come first; npm's JSON report is the rest.
  const report = stdout.slice(stdout.search(/^\[$/m));
  const [packed] = JSON.parse(report) as Array<{ filename: string }>;
  if (!packed) throw new Error('npm pack wrote no tarball');
  tarball = join(work, packed.filename);

  app = join(work, 'scratch-app');
  await run('mkdir', ['-p', app]);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'scratch-sbt-app', private: true, type: 'module' }),
  );
  await run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--ignore-scripts',
      tarball,
      `aws-cdk-lib@${devVersion('aws-cdk-lib')}`,
      `constructs@${devVersion('constructs')}`,
      `aws-cdk@${devVersion('aws-cdk')}`,
    ],
    { cwd: app, env: offlineEnv(), maxBuffer: 64 * 1024 * 1024 },
  );
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds the library, its types, the functions’ bundles and the ASL, and no sources or tests', async () => {
    // Act
    const { stdout } = await run('tar', ['-tzf', tarball], { maxBuffer: 16 * 1024 * 1024 });
    const files = stdout.split('\n').filter(Boolean);

    // Assess
    for (const expected of [
      'package/dist/lib/cdk.mjs',
      'package/dist/types/infra/cdk/index.d.ts',
      'package/dist/lib/events.mjs',
      'package/dist/lib/handlers.mjs',
      'package/dist/lib/domain.mjs',
      'package/.esbuild/ingress/ingress.mjs',
      'package/.esbuild/step/step.mjs',
      'package/state-machines/onboarding.asl.json',
    ])
      expect(files).toContain(expected);
    expect(files.filter((f) => f.startsWith('package/test/') || f.startsWith('package/src/'))).toEqual([]);
  });
});

describe('a scratch CDK app with the installed package', () => {
  it('synthesizes tenantflow with `npx cdk synth`, offline and with no credentials', async () => {
    // Prepare
    writeFileSync(
      join(app, 'app.mjs'),
      [
        "import { App, Stack } from 'aws-cdk-lib';",
        "import { TenantFlow } from 'tenantflow/cdk';",
        'const app = new App();',
        "const stack = new Stack(app, 'AppPlane');",
        "new TenantFlow(stack, 'TenantFlow', { eventBusName: 'sbt-control-plane', stage: 'scratch' });",
        '',
      ].join('\n'),
    );
    writeFileSync(join(app, 'cdk.json'), JSON.stringify({ app: 'node app.mjs' }));

    // Act
    await run('npx', ['cdk', 'synth', '--no-notices', '--quiet'], {
      cwd: app,
      env: offlineEnv(),
      maxBuffer: 64 * 1024 * 1024,
    });

    // Assess
    const template = JSON.parse(readFileSync(join(app, 'cdk.out', 'AppPlane.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const ofType = (type: string) => Object.values(template.Resources).filter((r) => r.Type === type);
    expect(ofType('AWS::StepFunctions::StateMachine')).toHaveLength(7);
    expect(
      ofType('AWS::Lambda::Function')
        .map((f) => f.Properties.FunctionName)
        .sort(),
    ).toEqual(
      ['audit', 'ingress', 'reconcile', 'step', 'watcher'].map((name) => `tenantflow-scratch-${name}`),
    );
    // Each function's code is an asset made from its bundle in the installed package.
    const assets = readdirSync(join(app, 'cdk.out')).filter((f) => f.startsWith('asset.'));
    const bundles = assets.flatMap((dir) => readdirSync(join(app, 'cdk.out', dir)));
    expect(bundles.filter((f) => f.endsWith('.mjs')).sort()).toEqual([
      'audit.mjs',
      'ingress.mjs',
      'reconcile.mjs',
      'step.mjs',
      'watcher.mjs',
    ]);
  });

  it('type-checks a TypeScript app against the package’s declarations', async () => {
    // Prepare
    writeFileSync(
      join(app, 'check.ts'),
      [
        "import { App, Stack } from 'aws-cdk-lib';",
        "import { TenantFlow, type TenantFlowProps } from 'tenantflow/cdk';",
        "import { SBT_NAMES } from 'tenantflow/events';",
        "const props: TenantFlowProps = { eventBusName: 'bus', alarmEmail: 'ops@example.com' };",
        "const flow = new TenantFlow(new Stack(new App(), 'S'), 'T', props);",
        'export const names: string[] = [flow.tableName, String(SBT_NAMES)];',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
        },
        files: ['check.ts'],
      }),
    );

    // Act
    const checked = run(
      process.execPath,
      [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'],
      {
        cwd: app,
      },
    );

    // Assess
    await expect(checked).resolves.toBeDefined();
    expect(existsSync(join(app, 'check.js'))).toBe(false);
  });
});
