import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoTenantMap } from '../../../../src/adapters/aws/dynamo-tenant-map.ts';
import { loadConfig } from '../../../../src/config.ts';
import { placementOf } from '../../../../src/domain/catalogue.ts';
import { MACHINE_IDS } from '../../../../src/domain/saga.ts';
import { type LocalDynamo, startLocalDynamo } from '../../../../src/local/dynamo.ts';
import {
  type AwsTarget,
  awsStateDir,
  createAwsRuntime,
  createLocalRuntime,
  NotAStateDirError,
  STATE_MARKER,
} from '../../../../src/local/runtime/index.ts';
import { tempDir } from '../../../support/temp-dirs.ts';

const target: AwsTarget = {
  region: 'eu-west-1',
  stage: 'prod',
  table: 'tenantflow-prod-tenants',
  sharedStack: 'tenantflow-shared',
  sbtBus: 'sbt-bus',
};

/** A DynamoDB endpoint with the target's table: what the first binding of a state dir asks. */
let dynamo: LocalDynamo | undefined;
beforeAll(async () => {
  dynamo = await startLocalDynamo({ tableName: target.table });
});
afterAll(async () => {
  await dynamo?.stop();
});

/** Runs `open` with every AWS client pointed at the local DynamoDB (and throwaway credentials). */
const withEndpoint = async <T>(open: () => Promise<T>): Promise<T> => {
  const saved = {
    AWS_ENDPOINT_URL: process.env.AWS_ENDPOINT_URL,
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY,
  };
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: dynamo?.endpoint,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  });
  try {
    return await open();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
};

describe('--target aws state directories', () => {
  it('keeps one per region and stage under the base, recording its target once its table answered', async () => {
    // Prepare
    const dir = awsStateDir(tempDir('tf-aws-'), target);

    // Act
    const runtime = await withEndpoint(() => createAwsRuntime({ stateDir: dir, engine: 'asl' }, target));
    const description = runtime.describe();
    const executions = runtime.executions();
    await runtime.close();

    // Assess
    expect(dir.endsWith(join('aws', 'eu-west-1', 'prod'))).toBe(true);
    expect(existsSync(join(dir, STATE_MARKER))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'target.json'), 'utf8'))).toEqual({
      region: 'eu-west-1',
      stage: 'prod',
      table: 'tenantflow-prod-tenants',
    });
    expect(description).toContain('AWS (real calls): region eu-west-1');
    expect(description).toContain('tenant table tenantflow-prod-tenants');
    expect(executions).toEqual([]);
  });

  it('holds several stages side by side under one state dir; a dir bound to one target itself stays as it is', async () => {
    // Prepare
    const base = tempDir('tf-aws-');
    const staging = { ...target, stage: 'staging', table: target.table };
    const legacy = tempDir('tf-aws-');
    writeFileSync(join(legacy, 'target.json'), JSON.stringify({ ...target, sbtBus: undefined }));

    // Act
    const dirs = [awsStateDir(base, target), awsStateDir(base, staging)];
    for (const [index, dir] of dirs.entries()) {
      const runtime = await withEndpoint(() =>
        createAwsRuntime({ stateDir: dir, engine: 'asl' }, index === 0 ? target : staging),
      );
      await runtime.close();
    }

    // Assess
    expect(dirs).toEqual([join(base, 'aws', 'eu-west-1', 'prod'), join(base, 'aws', 'eu-west-1', 'staging')]);
    expect(dirs.map((dir) => JSON.parse(readFileSync(join(dir, 'target.json'), 'utf8')).stage)).toEqual([
      'prod',
      'staging',
    ]);
    expect(awsStateDir(legacy, target)).toBe(legacy);
  });

  it('binds nothing to a target whose table does not answer, and names the table', async () => {
    // Prepare
    const dir = awsStateDir(tempDir('tf-aws-'), target);
    const wrong = { ...target, stage: 'prdo', table: 'tenantflow-prdo-tenants' };

    // Act
    const opened = withEndpoint(() => createAwsRuntime({ stateDir: dir, engine: 'asl' }, wrong));

    // Assess
    await expect(opened).rejects.toThrow(
      /region eu-west-1, stage prdo does not answer \(.*table tenantflow-prdo-tenants does not exist.*\); nothing was written to /,
    );
    expect(existsSync(dir)).toBe(false);
  });

  it("refuses a directory holding a simulated cloud, another target's executions, or (locally) AWS executions", async () => {
    // Prepare
    const simulated = tempDir('tf-aws-');
    writeFileSync(join(simulated, STATE_MARKER), '');
    writeFileSync(join(simulated, 'cloud.json'), '{}');
    const other = tempDir('tf-aws-');
    writeFileSync(join(other, STATE_MARKER), '');
    writeFileSync(
      join(other, 'target.json'),
      JSON.stringify({ ...target, region: 'us-east-1', sbtBus: undefined }),
    );
    const awsDir = join(tempDir('tf-aws-'), 'dir');
    mkdirSync(awsDir);
    writeFileSync(join(awsDir, STATE_MARKER), '');
    writeFileSync(join(awsDir, 'target.json'), '{}');

    // Act
    const attempts = await Promise.allSettled([
      createAwsRuntime({ stateDir: simulated, engine: 'asl' }, target),
      createAwsRuntime({ stateDir: other, engine: 'asl' }, target),
      createLocalRuntime({ stateDir: awsDir, engine: 'asl' }),
    ]);

    // Assess
    const reasons = attempts.map((attempt) =>
      attempt.status === 'rejected' ? attempt.reason : attempt.value,
    );
    for (const reason of reasons) expect(reason).toBeInstanceOf(NotAStateDirError);
    expect(reasons.map((reason) => (reason as Error).message)).toEqual([
      `${simulated} holds a simulated cloud: --target aws keeps its executions apart, in its aws/<region>/<stage>/`,
      `${other} holds executions run against region us-east-1, stage prod, table tenantflow-prod-tenants: not this target's`,
      `${awsDir} holds executions run against AWS (--target aws), not a simulated cloud`,
    ]);
  });
});

describe('--target aws on a deployed stage', () => {
  it('retries a tenant that an execution started elsewhere left FAILED, on the stage’s machine, and follows it', async () => {
    // Prepare: the record as a deployed onboarding that failed leaves it (no state dir knew of it).
    const machineArn = (id: string) =>
      `arn:aws:states:eu-west-1:111122223333:stateMachine:tenantflow-prod-${id}`;
    const deployed: AwsTarget = {
      ...target,
      deployment: {
        machineArns: Object.fromEntries(MACHINE_IDS.map((id) => [id, machineArn(id)])) as Record<
          (typeof MACHINE_IDS)[number],
          string
        >,
        wait: true,
      },
    };
    const tenantId = `t-${Date.now()}`;
    const tenants = new DynamoTenantMap({
      client: DynamoDBDocumentClient.from(
        new DynamoDBClient({
          endpoint: dynamo?.endpoint ?? '',
          region: 'eu-west-1',
          credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        }),
      ),
      tableName: target.table,
    });
    const elsewhere = 'onboard-started-elsewhere-1';
    const at = new Date().toISOString();
    const placement = placementOf(loadConfig({ SBT_EVENT_BUS: 'sbt-bus' }).catalogue, 'advanced', '/health');
    await tenants.acquire({
      tenantId,
      operation: 'onboard',
      execution: elsewhere,
      status: 'PROVISIONING',
      allowedFrom: ['absent'],
      at,
      tenantName: 'acme',
      tenantRegistrationId: 'reg-1',
      placement,
    });
    await tenants.release({
      tenantId,
      execution: elsewhere,
      status: 'FAILED',
      active: false,
      resources: {},
      lastError: { operation: 'onboard', step: 'CreateService', reason: 'quota', at },
      history: [],
      at,
    });
    const sfn = mockClient(SFNClient);
    sfn.on(StartExecutionCommand).callsFake((input: { stateMachineArn: string; name: string }) => ({
      executionArn: `${input.stateMachineArn.replace(':stateMachine:', ':execution:')}:${input.name}`,
    }));
    sfn.on(DescribeExecutionCommand).resolves({ status: 'SUCCEEDED' } as never);
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
    const dir = awsStateDir(tempDir('tf-aws-'), deployed);

    try {
      // Act
      const result = await withEndpoint(async () => {
        const runtime = await createAwsRuntime({ stateDir: dir, engine: 'asl' }, deployed);
        return runtime.retry(tenantId).finally(() => runtime.close());
      });

      // Assess
      const starts = sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input);
      expect(starts).toHaveLength(1);
      expect(starts[0]?.stateMachineArn).toBe(machineArn('onboarding'));
      expect(JSON.parse(starts[0]?.input ?? '{}')).toMatchObject({
        detail: { tenantId, tenantName: 'acme', tenantRegistrationId: 'reg-1', tier: 'advanced' },
      });
      expect(result).toMatchObject({ outcome: 'succeeded', tenantId, execution: starts[0]?.name });
      expect(sfn.commandCalls(GetExecutionHistoryCommand)).toHaveLength(1);
    } finally {
      sfn.restore();
    }
  });
});
