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
const ledger = new DynamoStatusLedger({ clientConfig: {}, tableName });
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
    const outcome = await ledger.claim('exec-1', 'sbt_aws_provisionSuccess', 'T1');

    // Assess
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(PutCommand, {
      TableName: tableName,
      Item: { ...key, detailType: 'sbt_aws_provisionSuccess', state: 'CLAIMED', at: 'T1' },
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': 'pk' },
    });
    expect(outcome).toBe('claimed');
  });

  it.each([
    ['SENT', 'sent'],
    ['CLAIMED', 'claimed'],
  ])('answers from an existing %s entry', async (state, expected) => {
    // Prepare
    dynamo
      .on(PutCommand)
      .rejects(conditionFailed())
      .on(GetCommand)
      .resolves({ Item: { ...key, detailType: 'x', state, at: 'T0' } });

    // Act
    const outcome = await ledger.claim('exec-1', 'sbt_aws_provisionSuccess', 'T1');

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
    const result = ledger.claim('exec-1', 'sbt_aws_provisionSuccess', 'T1');

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'RetryableError' });
  });

  it('maps a throttled claim', async () => {
    // Prepare
    dynamo
      .on(PutCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'x', $metadata: {} }));

    // Act
    const result = ledger.claim('exec-1', 'sbt_aws_provisionSuccess', 'T1');

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
    await ledger.abandon('exec-1');

    // Assess
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(DeleteCommand, {
      TableName: tableName,
      Key: key,
      ConditionExpression: '#state = :claimed',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':claimed': 'CLAIMED' },
    });
  });

  it('keeps an entry already sent', async () => {
    // Prepare
    dynamo.on(DeleteCommand).rejects(conditionFailed());

    // Act
    const result = ledger.abandon('exec-1');

    // Assess
    await expect(result).resolves.toBeUndefined();
  });
});
