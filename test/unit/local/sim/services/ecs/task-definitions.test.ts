import {
  ClientException,
  DeregisterTaskDefinitionCommand,
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { registerApp, simulatedAws } from '../../helpers.ts';

const ARN = 'arn:aws:ecs:us-east-1:000000000000:task-definition';

describe('simulated ECS task definitions', () => {
  it('numbers revisions per family and keeps the tags', async () => {
    // Prepare
    const aws = simulatedAws();
    const input = {
      family: 'tf-acme',
      containerDefinitions: [
        { name: 'app', image: 'nginx', environment: [{ name: 'TENANT_ID', value: 'acme' }] },
      ],
      tags: [{ key: 'tenantflow:tenant-id', value: 'acme' }],
    };

    // Act
    const first = await aws.ecs.send(new RegisterTaskDefinitionCommand(input));
    const second = await aws.ecs.send(new RegisterTaskDefinitionCommand(input));
    const other = await aws.ecs.send(new RegisterTaskDefinitionCommand({ ...input, family: 'tf-beta' }));

    // Assess
    expect(first.taskDefinition?.taskDefinitionArn).toBe(`${ARN}/tf-acme:1`);
    expect(second.taskDefinition?.revision).toBe(2);
    expect(other.taskDefinition?.taskDefinitionArn).toBe(`${ARN}/tf-beta:1`);
    expect(second.tags).toEqual([{ key: 'tenantflow:tenant-id', value: 'acme' }]);
    expect(second.taskDefinition?.containerDefinitions?.[0]?.environment).toEqual([
      { name: 'TENANT_ID', value: 'acme' },
    ]);
  });

  it('describes by family (latest ACTIVE), family:revision and ARN, with tags only when asked', async () => {
    // Prepare
    const aws = simulatedAws();
    await registerApp(aws);
    await registerApp(aws);
    await aws.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'tf-acme:2' }));

    // Act
    const latest = await aws.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: 'tf-acme', include: ['TAGS'] }),
    );
    const byRevision = await aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'tf-acme:2' }));
    const byArn = await aws.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: `${ARN}/tf-acme:1` }),
    );

    // Assess
    expect(latest.taskDefinition?.revision).toBe(1);
    expect(latest.tags).toEqual([]);
    expect(byRevision.taskDefinition?.status).toBe('INACTIVE');
    expect(byRevision.tags).toBeUndefined();
    expect(byArn.taskDefinition?.family).toBe('tf-acme');
  });

  it('fails with ClientException "Unable to describe task definition." for an unknown family', async () => {
    // Prepare
    const aws = simulatedAws();

    // Act
    const error = await aws.ecs
      .send(new DescribeTaskDefinitionCommand({ taskDefinition: 'ghost' }))
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ClientException);
    expect(error).toHaveProperty('name', 'ClientException');
    expect(error).toHaveProperty('message', 'Unable to describe task definition.');
  });

  it('lists a family by status with nextToken pagination', async () => {
    // Prepare
    const aws = simulatedAws();
    for (let i = 0; i < 3; i += 1) await registerApp(aws);
    await registerApp(aws, 'tf-acme-two');
    await aws.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'tf-acme:3' }));

    // Act
    const page1 = await aws.ecs.send(
      new ListTaskDefinitionsCommand({ familyPrefix: 'tf-acme', status: 'ACTIVE', maxResults: 1 }),
    );
    const page2 = await aws.ecs.send(
      new ListTaskDefinitionsCommand({
        familyPrefix: 'tf-acme',
        status: 'ACTIVE',
        maxResults: 1,
        nextToken: page1.nextToken,
      }),
    );
    const inactive = await aws.ecs.send(
      new ListTaskDefinitionsCommand({ familyPrefix: 'tf-acme', status: 'INACTIVE' }),
    );

    // Assess
    expect(page1.taskDefinitionArns).toEqual([`${ARN}/tf-acme:1`]);
    expect(page1.nextToken).toEqual(expect.any(String));
    expect(page2.taskDefinitionArns).toEqual([`${ARN}/tf-acme:2`]);
    expect(page2.nextToken).toBeUndefined();
    expect(inactive.taskDefinitionArns).toEqual([`${ARN}/tf-acme:3`]);
  });

  it('deregisters to INACTIVE and fails with ClientException for unknown or inactive revisions', async () => {
    // Prepare
    const aws = simulatedAws();
    const arn = await registerApp(aws);

    // Act
    const out = await aws.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn }));
    const twice = await aws.ecs
      .send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn }))
      .catch((e: unknown) => e);
    const unknown = await aws.ecs
      .send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'ghost:1' }))
      .catch((e: unknown) => e);
    const latest = await aws.ecs
      .send(new DescribeTaskDefinitionCommand({ taskDefinition: 'tf-acme' }))
      .catch((e: unknown) => e);

    // Assess
    expect(out.taskDefinition?.status).toBe('INACTIVE');
    expect(twice).toBeInstanceOf(ClientException);
    expect(unknown).toBeInstanceOf(ClientException);
    expect(latest).toBeInstanceOf(ClientException);
  });
});
