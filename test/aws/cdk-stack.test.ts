/**
 * The CDK construct's template deployed to moto: `TenantFlow` synthesized (with the functions'
 * real bundles, uploaded where CDK's bootstrap bucket would hold them), created with CloudFormation,
 * then an onboarding and an offboarding run through what it made (its tenant table, beside a shared
 * stack of its own). moto runs no Lambda and no state machine: the sagas run in the CLI, `--target
 * aws`, as in lifecycle.test.ts.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DescribeStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { CreateEventBusCommand, ListRulesCommand } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
} from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { App, DefaultStackSynthesizer, Stack } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TenantFlow } from '../../infra/cdk/tenantflow.ts';
import { DynamoTenantMap } from '../../src/adapters/aws/dynamo-tenant-map.ts';
import { tenantKey } from '../../src/adapters/aws/dynamo-tenant-record.ts';
import { loadConfig } from '../../src/config.ts';
import { MACHINE_IDS } from '../../src/domain/saga.ts';
import type { TenantRecord } from '../../src/domain/tenant-record.ts';
import { projectPath } from '../../src/project-root.ts';
import {
  type Clients,
  cli,
  clientsFor,
  createStack,
  deploySharedStack,
  newTenant,
  outputsOf,
  REGION,
  sbtEvent,
  startTargetRegistrar,
  tagUntaggedEcs,
} from './fixture.ts';

const run = promisify(execFile);
const STAGE = 'cdkcompat';
const SHARED = 'tenantflow-shared-cdk';
const BUS = 'sbt-control-plane-cdk';
const ACCOUNT = '123456789012';

const endpoint = inject('motoEndpoint');
let clients: Clients;
let work: string;
let stackOutputs: Map<string, string>;
let stopRegistrar: (() => Promise<void>) | undefined;

/**
 * `tenantflow … --target aws` on this file's stage. No --shared-stack, no --sbt-bus: the CLI reads
 * them (and the catalogue, prefix, sources) from the deployed stage's step function.
 */
const tenantflow = (args: string[]) => cli(endpoint, join(work, 'state'), args, { stage: STAGE });

const output = (prefix: string): string => {
  const found = [...stackOutputs].find(([key]) => key.startsWith(prefix));
  if (!found) throw new Error(`the stack has no output ${prefix}…`);
  return found[1];
};

/** Puts each file asset of the synthesized stack where its manifest says (CDK's bootstrap bucket). */
const publishAssets = async (outdir: string) => {
  const manifest = JSON.parse(readFileSync(join(outdir, 'AppPlane.assets.json'), 'utf8')) as {
    files: Record<
      string,
      {
        source: { path: string; packaging?: string };
        destinations: Record<string, { bucketName: string; objectKey: string }>;
      }
    >;
  };
  const s3 = new S3Client({
    endpoint,
    region: REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: 'moto', secretAccessKey: 'moto' },
  });
  const local = (name: string) =>
    name.replace(`\${AWS::AccountId}`, ACCOUNT).replace(`\${AWS::Region}`, REGION);
  const buckets = new Set<string>();
  for (const [hash, asset] of Object.entries(manifest.files)) {
    const dir = join(outdir, asset.source.path);
    let body: Buffer;
    if (asset.source.packaging === 'zip') {
      // A function's bundle folder, zipped as the CDK CLI would publish it.
      const zip = join(work, `${hash}.zip`);
      await run('python3', ['-m', 'zipfile', '-c', zip, ...readdirSync(dir)], { cwd: dir });
      body = readFileSync(zip);
    } else body = readFileSync(dir);
    for (const destination of Object.values(asset.destinations)) {
      const bucket = local(destination.bucketName);
      if (!buckets.has(bucket)) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      buckets.add(bucket);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: local(destination.objectKey), Body: body }));
    }
  }
  return buckets.size;
};

let resources: { type: string; id: string }[] = [];

beforeAll(async () => {
  clients = clientsFor(endpoint);
  work = mkdtempSync(join(tmpdir(), 'tenantflow-aws-cdk-'));
  // The functions' real bundles, built here (not into the .esbuild/ other suites may be using).
  const bundles = join(work, 'bundles');
  await run(process.execPath, [projectPath('scripts', 'package.mjs'), '--bundle-only', '--out', bundles]);

  const shared = await deploySharedStack(clients, SHARED);
  await tagUntaggedEcs(clients);
  await clients.events.send(new CreateEventBusCommand({ Name: BUS }));

  const outdir = join(work, 'cdk.out');
  const app = new App({ outdir });
  // No bootstrap version rule: moto keeps no SSM parameter of a CDK bootstrap.
  const stack = new Stack(app, 'AppPlane', {
    synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
  });
  new TenantFlow(stack, 'TenantFlow', {
    eventBusName: BUS,
    stage: STAGE,
    sharedStackName: SHARED,
    bundlesDir: bundles,
  });
  const template = app.synth().getStackByName('AppPlane').template;
  writeFileSync(join(work, 'template.json'), JSON.stringify(template));
  await publishAssets(outdir);
  const made = await createStack(clients, `tenantflow-${STAGE}`, template);
  stackOutputs = outputsOf(made);
  resources = (
    (await clients.cfn.send(new DescribeStackResourcesCommand({ StackName: `tenantflow-${STAGE}` })))
      .StackResources ?? []
  ).map((r) => ({ type: r.ResourceType ?? '', id: r.LogicalResourceId ?? '' }));
  stopRegistrar = startTargetRegistrar(clients, outputsOf(shared).get('PooledTargetGroupArn') ?? '');
}, 300_000);

afterAll(async () => {
  await stopRegistrar?.();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the CDK construct deployed to moto', () => {
  it("gives the CLI the deployed stage's settings, and refuses a flag that says otherwise", async () => {
    // Act
    const agrees = await tenantflow(['list', '--shared-stack', SHARED]);
    const disagrees = await tenantflow(['list', '--shared-stack', 'tenantflow-shared']);

    // Assess
    expect(agrees.code, agrees.stderr).toBe(0);
    expect(disagrees.code).toBe(2);
    expect(disagrees.stderr).toContain(
      `--shared-stack: is "tenantflow-shared", but stage ${STAGE} runs with "${SHARED}" (SHARED_STACK_NAME of tenantflow-${STAGE}-step)`,
    );
  });

  it('makes the tenant table, the seven state machines, the five functions and the rules on SBT’s bus', async () => {
    // Act
    const table = await clients.dynamo.send(
      new DescribeTableCommand({ TableName: output('TenantFlowTenantTableName') }),
    );
    const machines = (await clients.sfn.send(new ListStateMachinesCommand({}))).stateMachines ?? [];
    const rules = (await clients.events.send(new ListRulesCommand({ EventBusName: BUS }))).Rules ?? [];

    // Assess
    expect(table.Table?.TableName).toBe(`tenantflow-${STAGE}-tenants`);
    expect(
      machines
        .map((m) => m.name)
        .filter((name) => name?.startsWith(`tenantflow-${STAGE}-`))
        .sort(),
    ).toEqual(MACHINE_IDS.map((id) => `tenantflow-${STAGE}-${id}`).sort());
    expect(resources.filter((r) => r.type === 'AWS::Lambda::Function')).toHaveLength(5);
    const patterns = rules.map(
      (rule) => JSON.parse(rule.EventPattern ?? '{}') as { 'detail-type'?: string[] },
    );
    const contract = loadConfig({ SBT_EVENT_BUS: BUS }).contract;
    expect(patterns.flatMap((p) => p['detail-type'] ?? [])).toEqual(
      expect.arrayContaining([
        contract.inbound.onboard[0],
        contract.inbound.offboard[0],
        'tenantflow_rolloutRequest',
      ]),
    );
  });

  it('starts a request on the deployed state machine, as its ingress would, when not asked to run it here', async () => {
    // Prepare
    const tenant = newTenant('advanced');
    const file = join(work, 'deployed.json');
    writeFileSync(file, JSON.stringify([sbtEvent('onboard', tenant)]));

    // Act
    const run = await tenantflow(['replay', file, '--no-wait', '--json']);

    // Assess
    expect(run.code, run.stderr).toBe(0);
    const [line] = run.json as Array<{ outcome: string; execution: string; error?: string }>;
    expect(line).toMatchObject({
      outcome: 'started',
      error: expect.stringContaining('not followed (--no-wait)'),
    });
    const machine = output('TenantFlowOnboardingStateMachineArn');
    const started = await clients.sfn.send(new ListExecutionsCommand({ stateMachineArn: machine }));
    expect(started.executions?.map((e) => e.name)).toContain(line?.execution);
    const input = await clients.sfn.send(
      new DescribeExecutionCommand({
        executionArn: `${machine.replace(':stateMachine:', ':execution:')}:${line?.execution}`,
      }),
    );
    expect(JSON.parse(input.input ?? '{}')).toMatchObject({ detail: { tenantId: tenant.tenantId } });
  });

  it('starts a rollout and a shard on the deployed stage’s machines, not in this process', async () => {
    // Act
    const rollout = await tenantflow([
      'update',
      '--tier',
      'advanced',
      '--image',
      'public.ecr.aws/nginx/nginx:1.27',
      '--version',
      '1.27',
      '--no-wait',
      '--json',
    ]);
    const shard = await tenantflow(['shards', 'add', '--reason', 'moto suite', '--no-wait', '--json']);

    // Assess
    expect(rollout.code, rollout.stderr).toBe(0);
    expect(rollout.json[0]).toMatchObject({ tier: 'advanced', release: '1.27', status: 'running' });
    const rolloutExecution = (rollout.stderr.match(/rollout execution (\S+) runs on the deployed stage/) ??
      [])[1];
    expect(rollout.stderr).toContain(
      `runs on the deployed stage, not followed: follow it with tenantflow follow ${rolloutExecution} --target aws --stage ${STAGE}`,
    );
    expect(shard.code, shard.stderr).toBe(0);
    expect(shard.json[0]).toMatchObject({ status: 'RUNNING' });
    const inputs = async (outputName: string) => {
      const machine = output(outputName);
      const listed = await clients.sfn.send(new ListExecutionsCommand({ stateMachineArn: machine }));
      return Promise.all(
        (listed.executions ?? []).map(async (e) => {
          const described = await clients.sfn.send(
            new DescribeExecutionCommand({ executionArn: e.executionArn ?? '' }),
          );
          return JSON.parse(described.input ?? '{}') as unknown;
        }),
      );
    };
    expect(await inputs('TenantFlowRolloutStateMachineArn')).toContainEqual(
      expect.objectContaining({
        tier: 'advanced',
        release: expect.objectContaining({ version: '1.27', image: 'public.ecr.aws/nginx/nginx:1.27' }),
      }),
    );
    expect(await inputs('TenantFlowShardStateMachineArn')).toContainEqual({
      force: true,
      reason: 'moto suite',
    });
  });

  it('aborts what holds a tenant on the deployed stage: abort --tenant reads its lock and stops that execution', async () => {
    // Prepare: a request started on the deployed machine, and the lock its first step would take
    // (moto runs no Lambda, so the suite takes it as ReserveTenant does, through the adapter).
    const tenant = newTenant('advanced');
    const file = join(work, 'locked.json');
    writeFileSync(file, JSON.stringify([sbtEvent('onboard', tenant)]));
    const started = await tenantflow(['replay', file, '--no-wait', '--json']);
    const execution = (started.json[0] as { execution: string }).execution;
    await new DynamoTenantMap({
      client: DynamoDBDocumentClient.from(clients.dynamo),
      tableName: output('TenantFlowTenantTableName'),
    }).acquire({
      tenantId: tenant.tenantId,
      operation: 'onboard',
      execution,
      status: 'PROVISIONING',
      allowedFrom: ['absent'],
      at: new Date().toISOString(),
      tenantName: tenant.name,
      tenantRegistrationId: tenant.registrationId,
    });

    // Act
    const aborted = await tenantflow(['abort', '--tenant', tenant.tenantId, '--json']);
    const free = await tenantflow(['abort', '--tenant', newTenant('basic').tenantId]);

    // Assess
    expect(aborted.code, aborted.stderr).toBe(0);
    expect(aborted.json[0]).toMatchObject({ execution, status: 'ABORTED' });
    const machine = output('TenantFlowOnboardingStateMachineArn');
    const described = await clients.sfn.send(
      new DescribeExecutionCommand({
        executionArn: `${machine.replace(':stateMachine:', ':execution:')}:${execution}`,
      }),
    );
    expect(described.status).toBe('ABORTED');
    // Followed from here (any machine) by name: it ended ABORTED, so the command exits 1.
    const followed = await tenantflow(['follow', execution, '--json']);
    expect(followed.code, followed.stderr).toBe(1);
    expect(followed.json[0]).toMatchObject({ execution, machine: 'onboarding', status: 'ABORTED' });
    const unknown = await tenantflow(['follow', 'no-such-execution']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("no execution no-such-execution on the stage's state machines");
    expect(free.code).toBe(1);
    expect(free.stderr).toContain('is not locked: nothing runs for it');
  });

  it('runs an onboarding and an offboarding through it: the record in its table, the answers sent, nothing left', async () => {
    // Prepare
    const tenant = newTenant('advanced');
    const file = join(work, 'events.json');
    const replay = async (operation: 'onboard' | 'offboard') => {
      writeFileSync(file, JSON.stringify([sbtEvent(operation, tenant)]));
      const result = await tenantflow(['replay', file, '--json']);
      expect(result.code, result.stderr).toBe(0);
      return result.json[0] as { outcome: string; statusEvent?: { 'detail-type': string } };
    };
    const stored = async () =>
      (
        await clients.dynamo.send(
          new GetItemCommand({
            TableName: output('TenantFlowTenantTableName'),
            Key: { pk: { S: tenantKey(tenant.tenantId).pk }, sk: { S: tenantKey(tenant.tenantId).sk } },
          }),
        )
      ).Item;

    // Act
    const onboarded = await replay('onboard');
    const status = await tenantflow(['status', tenant.tenantId, '--json']);
    const record = status.json[0] as TenantRecord;
    const offboarded = await replay('offboard');

    // Assess
    expect(onboarded.outcome).toBe('succeeded');
    expect(onboarded.statusEvent?.['detail-type']).toBe('sbt_aws_provisionSuccess');
    expect(record.lifecycleStatus).toBe('ACTIVE');
    expect(record.resources.service?.cluster).toBe(SHARED);
    expect(offboarded.outcome).toBe('succeeded');
    expect(offboarded.statusEvent?.['detail-type']).toBe('sbt_aws_deprovisionSuccess');
    expect(await stored()).toBeDefined();
    const service = await clients.ecs.send(
      new DescribeServicesCommand({ cluster: SHARED, services: [record.resources.service?.name ?? ''] }),
    );
    expect(service.services?.filter((s) => s.status === 'ACTIVE')).toEqual([]);
  });
});
