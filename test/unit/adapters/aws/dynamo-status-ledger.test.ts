import {
  ConditionalCheckFailedException,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoStatusLedger } from '../../../../src/adapters/aws/dynamo-status-ledger.ts';

const dynamo = mockClient(DynamoDBDocumentClient);
const tableName = 'tenantflow-tenants';
const ledger = new DynamoStatusLedger({ clientConfig: {}, tableName, leaseSeconds: 60 });
const T1 = '2025-01-01T00:00:00.000Z';
const T1_MS = Date.parse(T1);
const key = { pk: 'STATUS#exec-1', sk: 'EVENT' };
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'failed', $metadata: {} });

afterEach(() => {
  dynamo.reset();
});

describe('DynamoStatusLedger.claim', () => {
  it('claims a fresh execution', async () => {
    // Prepare
    dynamo.on(PutCommand).resolves({});

    // Act
    const outcome = await ledger.claim('exec-1', 'sbt_aws_provisionSuccess', T1, 'saga');

    // Assess
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(PutCommand, {
      TableName: tableName,
      Item: {
        ...key,
        detailType: 'sbt_aws_provisionSuccess',
        state: 'CLAIMED',
        owner: 'saga',
        at: T1,
        leaseUntil: T1_MS + 60_000,
      },
      ConditionExpression:
        'attribute_not_exists(#pk) OR (#state = :claimed AND (#owner = :owner OR #leaseUntil < :now))',
      ExpressionAttributeNames: {
        '#pk': 'pk',
        '#state': 'state',
        '#owner': 'owner',
        '#leaseUntil': 'leaseUntil',
      },
      ExpressionAttributeValues: { ':claimed': 'CLAIMED', ':owner': 'saga', ':now': T1_MS },
    });
    expect(outcome).toBe('claimed');
  });

  it.each([
    ['SENT', 'sent'],
    ['CLAIMED', 'busy'],
  ])('answers from an existing %s entry the condition kept it from taking', async (state, expected) => {
    // Prepare
    dynamo
      .on(PutCommand)
      .rejects(conditionFailed())
      .on(GetCommand)
      .resolves({ Item: { ...key, detailType: 'x', state, at: 'T0' } });

    // Act
    const outcome = await ledger.claim('exec-1', 'sbt_aws_provisionSuccess', T1, 'saga');

    // Assess
    expect(dynamo).toHaveReceivedCommandWith(GetCommand, {
      TableName: tableName,
      Key: key,
      ConsistentRead: true,
    });
    expect(outcome).toBe(expected);
  });

  it('asks for a retry when the entry vanished between the write and the read', async () => {
    // Prepare
    dynamo.on(PutCommand).rejects(conditionFailed()).on(GetCommand).resolves({});

    // Act
    const result = ledger.claim('exec-1', 'sbt_aws_provisionSuccess', T1, 'saga');

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'RetryableError' });
  });

  it('maps a throttled claim', async () => {
    // Prepare
    dynamo
      .on(PutCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'x', $metadata: {} }));

    // Act
    const result = ledger.claim('exec-1', 'sbt_aws_provisionSuccess', T1, 'saga');

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'ThrottledError' });
  });
});

describe('DynamoStatusLedger.markSent and abandon', () => {
  it('marks the entry sent', async () => {
    // Prepare
    dynamo.on(UpdateCommand).resolves({});

    // Act
    await ledger.markSent('exec-1', 'T2');

    // Assess
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateCommand, {
      TableName: tableName,
      Key: key,
      UpdateExpression: 'SET #state = :sent, #sentAt = :at',
      ExpressionAttributeNames: { '#state': 'state', '#sentAt': 'sentAt' },
      ExpressionAttributeValues: { ':sent': 'SENT', ':at': 'T2' },
    });
  });

  it('gives a claim back', async () => {
    // Prepare
    dynamo.on(DeleteCommand).resolves({});

    // Act
    await ledger.abandon('exec-1', 'saga');

    // Assess
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(DeleteCommand, {
      TableName: tableName,
      Key: key,
      ConditionExpression: '#state = :claimed AND #owner = :owner',
      ExpressionAttributeNames: { '#state': 'state', '#owner': 'owner' },
      ExpressionAttributeValues: { ':claimed': 'CLAIMED', ':owner': 'saga' },
    });
  });

  it("keeps an entry already sent, or another owner's claim", async () => {
    // Prepare
    dynamo.on(DeleteCommand).rejects(conditionFailed());

    // Act
    const result = ledger.abandon('exec-1', 'saga');

    // Assess
    await expect(result).resolves.toBeUndefined();
  });
});
