import {
  ConditionalCheckFailedException,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoTenantMap } from '../../../../src/adapters/aws/dynamo-tenant-map.ts';
import type { Placement } from '../../../../src/domain/catalogue.ts';
import type { TenantRecord } from '../../../../src/domain/tenant-record.ts';
import type { AcquireRequest, ReleaseRequest } from '../../../../src/ports/tenant-map.ts';

/** Every write is guarded against a record of a newer schema version, and stamps its own (2). */
const guarded = (condition: string) =>
  `(${condition}) AND (attribute_not_exists(#schemaVersion) OR #schemaVersion <= :schemaVersion)`;
const STAMP = ', #schemaVersion = :schemaVersion';

const dynamo = mockClient(DynamoDBDocumentClient);
const tableName = 'tenantflow-tenants';
const tenants = new DynamoTenantMap({
  clientConfig: { region: 'us-east-1' },
  tableName,
  now: () => new Date('2025-01-01T00:05:00.000Z'),
});
const key = { pk: 'TENANT#acme', sk: 'RECORD' };
const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

const PLACEMENT: Placement = {
  tier: 'advanced',
  cluster: 'shared',
  service: 'own',
  cpu: '256',
  memory: '512',
  desiredCount: 1,
  capacityProviderStrategy: [{ capacityProvider: 'FARGATE', base: 1, weight: 1 }],
  healthCheckPath: '/',
};

const record = (overrides: Partial<TenantRecord> = {}): TenantRecord => ({
  tenantId: 'acme',
  tenantRegistrationId: 'reg-1',
  tenantName: 'Acme',
  placement: PLACEMENT,
  lifecycleStatus: 'PROVISIONING',
  active: false,
  lock: { execution: 'exec-1', operation: 'onboard', since: '2025-01-01T00:00:00.000Z' },
  resources: {},
  history: [],
  version: 1,
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
  ...overrides,
});

const acquireRequest: AcquireRequest = {
  tenantId: 'acme',
  tenantRegistrationId: 'reg-1',
  tenantName: 'Acme',
  placement: PLACEMENT,
  operation: 'onboard',
  execution: 'exec-1',
  status: 'PROVISIONING',
  allowedFrom: ['absent', 'DELETED', 'FAILED'],
  at: '2025-01-01T00:00:00.000Z',
};

afterEach(() => {
  dynamo.reset();
});

describe('DynamoTenantMap reads', () => {
  it('gets a record with a consistent read and drops the keys', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: { ...key, ...record() } });

    // Act
    const found = await tenants.get('acme');

    // Assess
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(GetCommand, {
      TableName: tableName,
      Key: key,
      ConsistentRead: true,
    });
    expect(found).toEqual(record());
  });

  it('returns undefined for an unknown tenant', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({});

    // Act
    const found = await tenants.get('nobody');

    // Assess
    expect(found).toBeUndefined();
  });

  it('fails fatally on an item that is not a tenant record', async () => {
    // Prepare
    dynamo
      .on(GetCommand)
      .resolves({ Item: { ...key, ...record(), placement: { tier: 'gold', service: 'own' } } });

    // Act
    const result = tenants.get('acme');

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'FatalError',
      message: expect.stringContaining('placement'),
    });
  });

  it('maps a throttled read to ThrottledError', async () => {
    // Prepare
    dynamo
      .on(GetCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));

    // Act
    const result = tenants.get('acme');

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'ThrottledError' });
  });

  it('lists tenant items over every page of the scan', async () => {
    // Prepare
    const other = record({ tenantId: 'globex', lock: undefined, lifecycleStatus: 'ACTIVE' });
    dynamo
      .on(ScanCommand)
      .resolvesOnce({ Items: [{ ...key, ...record() }], LastEvaluatedKey: key })
      .resolvesOnce({ Items: [{ pk: 'TENANT#globex', sk: 'RECORD', ...other }] });

    // Act
    const all = await tenants.list();

    // Assess
    expect(dynamo).toHaveReceivedCommandTimes(ScanCommand, 2);
    expect(dynamo).toHaveReceivedNthCommandWith(ScanCommand, 1, {
      TableName: tableName,
      FilterExpression: 'begins_with(#pk, :prefix)',
      ExpressionAttributeNames: { '#pk': 'pk' },
      ExpressionAttributeValues: { ':prefix': 'TENANT#' },
      ExclusiveStartKey: undefined,
    });
    expect(dynamo).toHaveReceivedNthCommandWith(ScanCommand, 2, { ExclusiveStartKey: key });
    expect(all).toEqual([record(), other]);
  });
});

describe('DynamoTenantMap.acquire', () => {
  it('onboarding claims the id case-insensitively, then takes the lock writing its placement, name and registration', async () => {
    // Prepare
    dynamo
      .on(PutCommand)
      .resolves({})
      .on(UpdateCommand)
      .resolves({ Attributes: { ...key, ...record() } });

    // Act
    const taken = await tenants.acquire({ ...acquireRequest, tenantId: 'Acme' });

    // Assess
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(PutCommand, {
      TableName: tableName,
      Item: { pk: 'IDKEY#acme', sk: 'OWNER', tenantId: 'Acme' },
      ConditionExpression: 'attribute_not_exists(#pk) OR #tenantId = :tenantId',
      ExpressionAttributeNames: { '#pk': 'pk', '#tenantId': 'tenantId' },
      ExpressionAttributeValues: { ':tenantId': 'Acme' },
    });
    expect(dynamo).toHaveReceivedCommandTimes(UpdateCommand, 1);
    expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: tableName,
      Key: { pk: 'TENANT#Acme', sk: 'RECORD' },
      ConditionExpression: guarded(
        'attribute_not_exists(#pk) OR (attribute_not_exists(#lock) AND #status IN (:from0, :from1)) OR #lock.#execution = :execution',
      ),
      UpdateExpression:
        'SET #lock = :lock, #status = :status, #tenantId = :tenantId, #version = if_not_exists(#version, :zero) + :one, ' +
        '#updatedAt = :at, #createdAt = if_not_exists(#createdAt, :at), #history = if_not_exists(#history, :emptyList), ' +
        '#resources = if_not_exists(#resources, :emptyMap), #active = if_not_exists(#active, :inactive), ' +
        // An event with no email leaves none on the record (an earlier onboarding's is removed).
        `#tenantName = :tenantName, #registrationId = :registrationId, #placement = :placement${STAMP} REMOVE #email`,
      ExpressionAttributeNames: {
        '#pk': 'pk',
        '#lock': 'lock',
        '#execution': 'execution',
        '#status': 'lifecycleStatus',
        '#tenantId': 'tenantId',
        '#registrationId': 'tenantRegistrationId',
        '#tenantName': 'tenantName',
        '#email': 'email',
        '#placement': 'placement',
        '#version': 'version',
        '#createdAt': 'createdAt',
        '#updatedAt': 'updatedAt',
        '#history': 'history',
        '#resources': 'resources',
        '#active': 'active',
        '#schemaVersion': 'schemaVersion',
      },
      ExpressionAttributeValues: {
        ':from0': 'DELETED',
        ':from1': 'FAILED',
        ':execution': 'exec-1',
        ':lock': { execution: 'exec-1', operation: 'onboard', since: '2025-01-01T00:00:00.000Z' },
        ':status': 'PROVISIONING',
        ':tenantId': 'Acme',
        ':registrationId': 'reg-1',
        ':tenantName': 'Acme',
        ':placement': PLACEMENT,
        ':zero': 0,
        ':one': 1,
        ':at': '2025-01-01T00:00:00.000Z',
        ':emptyList': [],
        ':emptyMap': {},
        ':inactive': false,
        ':schemaVersion': 2,
      },
      ReturnValues: 'ALL_NEW',
    });
    expect(taken).toEqual(record());
  });

  it('any other operation writes name and registration only onto a record it creates, and no placement', async () => {
    // Prepare
    dynamo
      .on(UpdateCommand)
      .resolves({ Attributes: { ...key, ...record({ lifecycleStatus: 'DEPROVISIONING' }) } });

    // Act
    await tenants.acquire({
      ...acquireRequest,
      operation: 'offboard',
      status: 'DEPROVISIONING',
      allowedFrom: ['absent', 'ACTIVE'],
    });

    // Assess
    expect(dynamo).toHaveReceivedCommandTimes(PutCommand, 0);
    const input = dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.UpdateExpression).toContain('#tenantName = if_not_exists(#tenantName, :tenantName)');
    expect(input?.UpdateExpression).toContain(
      '#registrationId = if_not_exists(#registrationId, :registrationId)',
    );
    expect(input?.UpdateExpression).not.toContain('#placement');
    expect(input?.ExpressionAttributeValues).not.toHaveProperty(':placement');
  });

  it("refuses an onboarding whose id differs only in case from a live tenant's, writing no record", async () => {
    // Prepare
    dynamo
      .on(PutCommand)
      .rejects(conditionFailed())
      .on(GetCommand, { Key: { pk: 'IDKEY#acme', sk: 'OWNER' } })
      .resolves({ Item: { pk: 'IDKEY#acme', sk: 'OWNER', tenantId: 'ACME' } })
      .on(GetCommand, { Key: { pk: 'TENANT#ACME', sk: 'RECORD' } })
      .resolves({
        Item: {
          pk: 'TENANT#ACME',
          sk: 'RECORD',
          ...record({ tenantId: 'ACME', lock: undefined, lifecycleStatus: 'ACTIVE' }),
        },
      });

    // Act
    const result = tenants.acquire(acquireRequest);

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('tenant id acme differs only in case from tenant ACME (ACTIVE)'),
    });
    expect(dynamo).toHaveReceivedCommandTimes(UpdateCommand, 0);
  });

  it('takes over the id from a tenant that is gone', async () => {
    // Prepare
    dynamo
      .on(PutCommand)
      .rejectsOnce(conditionFailed())
      .resolves({})
      .on(GetCommand, { Key: { pk: 'IDKEY#acme', sk: 'OWNER' } })
      .resolves({ Item: { pk: 'IDKEY#acme', sk: 'OWNER', tenantId: 'ACME' } })
      .on(GetCommand, { Key: { pk: 'TENANT#ACME', sk: 'RECORD' } })
      .resolves({
        Item: {
          pk: 'TENANT#ACME',
          sk: 'RECORD',
          ...record({ tenantId: 'ACME', lock: undefined, lifecycleStatus: 'DELETED' }),
        },
      })
      .on(UpdateCommand)
      .resolves({ Attributes: { ...key, ...record() } });

    // Act
    await tenants.acquire(acquireRequest);

    // Assess
    expect(dynamo).toHaveReceivedNthCommandWith(PutCommand, 2, {
      ConditionExpression: '#tenantId = :previous',
      ExpressionAttributeValues: { ':previous': 'ACME' },
    });
    expect(dynamo).toHaveReceivedCommandTimes(UpdateCommand, 1);
  });

  it('requires an existing record when absent is not allowed', async () => {
    // Prepare
    dynamo
      .on(UpdateCommand)
      .resolves({ Attributes: { ...key, ...record({ lifecycleStatus: 'DEPROVISIONING' }) } });

    // Act
    await tenants.acquire({
      ...acquireRequest,
      operation: 'offboard',
      status: 'DEPROVISIONING',
      allowedFrom: ['ACTIVE'],
    });

    // Assess
    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
      ConditionExpression: guarded(
        '(attribute_not_exists(#lock) AND #status IN (:from0)) OR #lock.#execution = :execution',
      ),
    });
  });

  it('explains a lock held by another execution, naming the holder and its registration', async () => {
    // Prepare
    dynamo
      .on(PutCommand)
      .resolves({})
      .on(UpdateCommand)
      .rejects(conditionFailed())
      .on(GetCommand)
      .resolves({
        Item: { ...key, ...record({ lock: { execution: 'exec-0', operation: 'offboard', since: 'T0' } }) },
      });

    // Act
    const result = tenants.acquire(acquireRequest);

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'TenantLockedError',
      message: 'cannot onboard tenant acme: locked by execution exec-0 for operation offboard since T0',
      holder: { execution: 'exec-0', operation: 'offboard', since: 'T0' },
      registrationId: 'reg-1',
    });
  });

  it('explains a status that does not allow the operation', async () => {
    // Prepare
    dynamo
      .on(PutCommand)
      .resolves({})
      .on(UpdateCommand)
      .rejects(conditionFailed())
      .on(GetCommand)
      .resolves({ Item: { ...key, ...record({ lock: undefined, lifecycleStatus: 'ACTIVE' }) } });

    // Act
    const result = tenants.acquire(acquireRequest);

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'ConflictError',
      message:
        'cannot onboard tenant acme: status ACTIVE does not allow onboard (allowed from: absent, DELETED, FAILED)',
    });
  });

  it('explains a missing record when one is required', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(conditionFailed()).on(GetCommand).resolves({});

    // Act
    const result = tenants.acquire({ ...acquireRequest, operation: 'offboard', allowedFrom: ['ACTIVE'] });

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'ConflictError',
      message: 'cannot offboard tenant acme: tenant not found (no record; allowed from: ACTIVE)',
    });
  });

  it('asks for a retry when the record changed between the write and the read', async () => {
    // Prepare
    dynamo
      .on(PutCommand)
      .resolves({})
      .on(UpdateCommand)
      .rejects(conditionFailed())
      .on(GetCommand)
      .resolves({ Item: { ...key, ...record({ lock: undefined, lifecycleStatus: 'FAILED' }) } });

    // Act
    const result = tenants.acquire(acquireRequest);

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'RetryableError' });
  });
});

const releaseRequest: ReleaseRequest = {
  tenantId: 'acme',
  execution: 'exec-1',
  status: 'ACTIVE',
  active: true,
  resources: { service: { cluster: 'tf-shared', name: 'tf-acme', arn: 'arn:service' }, cluster: undefined },
  routing: null,
  lastError: { operation: 'onboard', step: 'CreateService', reason: 'boom', at: 'T1' },
  history: [
    { operation: 'onboard', execution: 'exec-1', step: 'ActivateTenant', outcome: 'succeeded', at: 'T2' },
  ],
  at: '2025-01-01T00:10:00.000Z',
};
const released = record({
  lock: undefined,
  lifecycleStatus: 'ACTIVE',
  active: true,
  resources: { service: { cluster: 'tf-shared', name: 'tf-acme', arn: 'arn:service' } },
  history: releaseRequest.history,
  version: 2,
});

describe('DynamoTenantMap.recordResources', () => {
  it('records resources and appends history while the execution holds the lock', async () => {
    // Prepare
    dynamo.on(UpdateCommand).resolves({});
    const history = [
      {
        operation: 'onboard' as const,
        execution: 'exec-1',
        step: 'CreateCluster',
        outcome: 'succeeded' as const,
        at: 'T1',
      },
    ];

    // Act
    await tenants.recordResources(
      'acme',
      'exec-1',
      { cluster: { name: 'tf-acme', arn: 'arn:cluster' } },
      history,
    );

    // Assess
    expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: tableName,
      Key: key,
      ConditionExpression: guarded('#lock.#execution = :execution'),
      UpdateExpression:
        'SET #resources = :resources, #history = list_append(if_not_exists(#history, :empty), :history), ' +
        `#version = #version + :one, #updatedAt = :at${STAMP}`,
      ExpressionAttributeNames: {
        '#lock': 'lock',
        '#execution': 'execution',
        '#resources': 'resources',
        '#history': 'history',
        '#version': 'version',
        '#updatedAt': 'updatedAt',
        '#schemaVersion': 'schemaVersion',
      },
      ExpressionAttributeValues: {
        ':execution': 'exec-1',
        ':resources': { cluster: { name: 'tf-acme', arn: 'arn:cluster' } },
        ':history': history,
        ':empty': [],
        ':one': 1,
        ':at': '2025-01-01T00:05:00.000Z',
        ':schemaVersion': 2,
      },
    });
  });

  it('refuses when another execution holds the lock', async () => {
    // Prepare
    dynamo
      .on(UpdateCommand)
      .rejects(conditionFailed())
      .on(GetCommand)
      .resolves({
        Item: { ...key, ...record({ lock: { execution: 'exec-9', operation: 'offboard', since: 'T' } }) },
      });

    // Act
    const result = tenants.recordResources('acme', 'exec-1', {}, []);

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'ConflictError',
      message:
        'DynamoDB record resources of tenant acme: tenant acme is locked by execution exec-9 for operation offboard, not by exec-1',
    });
  });
});

describe('DynamoTenantMap.release', () => {
  it('releases the lock, sets the outcome, removes null fields and returns the new record', async () => {
    // Prepare
    dynamo.on(UpdateCommand).resolves({ Attributes: { ...key, ...released } });

    // Act
    const result = await tenants.release(releaseRequest);

    // Assess
    expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: tableName,
      Key: key,
      ConditionExpression: guarded('#lock.#execution = :execution'),
      UpdateExpression:
        'SET #status = :status, #active = :active, #resources = :resources, ' +
        '#history = list_append(if_not_exists(#history, :emptyList), :history), ' +
        `#version = if_not_exists(#version, :zero) + :one, #updatedAt = :at, #lastError = :lastError${STAMP} ` +
        'REMOVE #lock, #routing',
      ExpressionAttributeNames: {
        '#lock': 'lock',
        '#execution': 'execution',
        '#status': 'lifecycleStatus',
        '#version': 'version',
        '#updatedAt': 'updatedAt',
        '#history': 'history',
        '#resources': 'resources',
        '#active': 'active',
        '#routing': 'routing',
        '#lastError': 'lastError',
        '#schemaVersion': 'schemaVersion',
      },
      ExpressionAttributeValues: {
        ':execution': 'exec-1',
        ':status': 'ACTIVE',
        ':active': true,
        ':resources': { service: { cluster: 'tf-shared', name: 'tf-acme', arn: 'arn:service' } },
        ':history': releaseRequest.history,
        ':emptyList': [],
        ':zero': 0,
        ':one': 1,
        ':at': '2025-01-01T00:10:00.000Z',
        ':lastError': { operation: 'onboard', step: 'CreateService', reason: 'boom', at: 'T1' },
        ':schemaVersion': 2,
      },
      ReturnValues: 'ALL_NEW',
    });
    expect(result).toEqual(released);
  });

  it('sets routing when given and removes lastError when null', async () => {
    // Prepare
    dynamo.on(UpdateCommand).resolves({ Attributes: { ...key, ...released } });
    const routing = {
      mode: 'silo' as const,
      clusterName: 'c',
      serviceName: 's',
      targetGroupArn: 't',
      tenantHeader: 'acme',
    };

    // Act
    await tenants.release({ ...releaseRequest, routing, lastError: null });

    // Assess
    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
      UpdateExpression:
        'SET #status = :status, #active = :active, #resources = :resources, ' +
        '#history = list_append(if_not_exists(#history, :emptyList), :history), ' +
        `#version = if_not_exists(#version, :zero) + :one, #updatedAt = :at, #routing = :routing${STAMP} ` +
        'REMOVE #lock, #lastError',
    });
    expect(
      dynamo.commandCalls(UpdateCommand)[0]?.args[0].input.ExpressionAttributeValues?.[':routing'],
    ).toEqual(routing);
  });

  it('returns the record for a retried release that already went through', async () => {
    // Prepare
    dynamo
      .on(UpdateCommand)
      .rejects(conditionFailed())
      .on(GetCommand)
      .resolves({ Item: { ...key, ...released } });

    // Act
    const result = await tenants.release(releaseRequest);

    // Assess
    expect(result).toEqual(released);
  });

  it('refuses when the lock is gone and the last entry is another execution', async () => {
    // Prepare
    const byOther = { ...released, history: [{ ...releaseRequest.history[0], execution: 'exec-2' }] };
    dynamo
      .on(UpdateCommand)
      .rejects(conditionFailed())
      .on(GetCommand)
      .resolves({ Item: { ...key, ...byOther } });

    // Act
    const result = tenants.release(releaseRequest);

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'ConflictError',
      message:
        'DynamoDB release tenant acme: execution exec-1 does not hold the lock of tenant acme (no lock held; status ACTIVE)',
    });
  });

  it('refuses when the lock is gone with another status', async () => {
    // Prepare
    dynamo
      .on(UpdateCommand)
      .rejects(conditionFailed())
      .on(GetCommand)
      .resolves({ Item: { ...key, ...released, lifecycleStatus: 'FAILED' } });

    // Act
    const result = tenants.release(releaseRequest);

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'ConflictError' });
  });

  it('refuses when another execution holds the lock', async () => {
    // Prepare
    const lockedByOther = record({ lock: { execution: 'exec-3', operation: 'deactivate', since: 'T' } });
    dynamo
      .on(UpdateCommand)
      .rejects(conditionFailed())
      .on(GetCommand)
      .resolves({ Item: { ...key, ...lockedByOther } });

    // Act
    const result = tenants.release(releaseRequest);

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('locked by execution exec-3 for operation deactivate'),
    });
  });
});

describe('DynamoTenantMap.releaseDead', () => {
  it('releases a dead execution lock like release', async () => {
    // Prepare
    dynamo.on(UpdateCommand).resolves({ Attributes: { ...key, ...released } });

    // Act
    const result = await tenants.releaseDead(releaseRequest);

    // Assess
    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
      ConditionExpression: guarded('#lock.#execution = :execution'),
      ReturnValues: 'ALL_NEW',
    });
    expect(result).toEqual(released);
  });

  it('does nothing when the execution no longer holds the lock', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(conditionFailed());

    // Act
    const result = await tenants.releaseDead(releaseRequest);

    // Assess
    expect(result).toBeUndefined();
    expect(dynamo).not.toHaveReceivedCommand(GetCommand);
  });

  it('maps other failures', async () => {
    // Prepare
    dynamo
      .on(UpdateCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'x', $metadata: {} }));

    // Act
    const result = tenants.releaseDead(releaseRequest);

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'ThrottledError' });
  });
});
