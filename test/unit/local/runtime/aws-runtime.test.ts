import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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

describe('--target aws state directories', () => {
  it('keeps one per region and stage under the base, recording its target, and opens without calling AWS', async () => {
    // Prepare
    const dir = awsStateDir(tempDir('tf-aws-'), target);

    // Act
    const runtime = await createAwsRuntime({ stateDir: dir, engine: 'asl' }, target);
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
      `${simulated} holds a simulated cloud: --target aws keeps its executions apart (leave out --state-dir)`,
      `${other} holds executions run against region us-east-1, stage prod, table tenantflow-prod-tenants: not this target's`,
      `${awsDir} holds executions run against AWS (--target aws), not a simulated cloud`,
    ]);
  });
});
