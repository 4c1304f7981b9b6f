import { ConditionalCheckFailedException, InternalServerError } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoPriorityRegistry } from '../../../../src/adapters/aws/dynamo-priority-registry.ts';

const dynamo = mockClient(DynamoDBDocumentClient);
const tableName = 'tenantflow-tenants';
const registry = new DynamoPriorityRegistry({ clientConfig: {}, tableName });
const listener = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/shared/def/123';
const pk = `PRIORITY#${listener}`;
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'failed', $metadata: {} });

afterEach(() => {
  dynamo.reset();
});

describe('DynamoPriorityRegistry', () => {
  it('lists the claims of a listener over every page', async () => {
    // Prepare
    dynamo
      .on(QueryCommand)
      .resolvesOnce({
        Items: [{ pk, sk: '00042', tenantId: 'globex' }],
        LastEvaluatedKey: { pk, sk: '00042' },
      })
      .resolvesOnce({ Items: [{ pk, sk: '01000', tenantId: 'acme' }] });

    // Act
    const claims = await registry.list(listener);

    // Assess
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 2);
    expect(dynamo).toHaveReceivedNthCommandWith(QueryCommand, 1, {
      TableName: tableName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'pk' },
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
      ExclusiveStartKey: undefined,
    });
    expect(dynamo).toHaveReceivedNthCommandWith(QueryCommand, 2, { ExclusiveStartKey: { pk, sk: '00042' } });
    expect(claims).toEqual([
      { priority: 42, tenantId: 'globex' },
      { priority: 1000, tenantId: 'acme' },
    ]);
  });

  it('fails fatally on a malformed claim item', async () => {
    // Prepare
    dynamo.on(QueryCommand).resolves({ Items: [{ pk, sk: 'abc' }] });

    // Act
    const result = registry.list(listener);

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'FatalError' });
  });

  it('claims a free priority with a zero-padded sort key', async () => {
    // Prepare
    dynamo.on(PutCommand).resolves({});

    // Act
    const claimed = await registry.claim(listener, 42, 'acme');

    // Assess
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(PutCommand, {
      TableName: tableName,
      Item: { pk, sk: '00042', tenantId: 'acme' },
      ConditionExpression: 'attribute_not_exists(#pk) OR #tenantId = :tenantId',
      ExpressionAttributeNames: { '#pk': 'pk', '#tenantId': 'tenantId' },
      ExpressionAttributeValues: { ':tenantId': 'acme' },
    });
    expect(claimed).toBe(true);
  });

  it('reports a priority held by another tenant', async () => {
    // Prepare
    dynamo.on(PutCommand).rejects(conditionFailed());

    // Act
    const claimed = await registry.claim(listener, 42, 'acme');

    // Assess
    expect(claimed).toBe(false);
  });

  it('maps other claim failures', async () => {
    // Prepare
    dynamo.on(PutCommand).rejects(new InternalServerError({ message: 'x', $metadata: {} }));

    // Act
    const result = registry.claim(listener, 42, 'acme');

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'RetryableError' });
  });

  it('releases only its own priority', async () => {
    // Prepare
    dynamo.on(DeleteCommand).resolves({});

    // Act
    await registry.release(listener, 1000, 'acme');

    // Assess
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(DeleteCommand, {
      TableName: tableName,
      Key: { pk, sk: '01000' },
      ConditionExpression: '#tenantId = :tenantId',
      ExpressionAttributeNames: { '#tenantId': 'tenantId' },
      ExpressionAttributeValues: { ':tenantId': 'acme' },
    });
  });

  it('treats a priority it does not hold as released', async () => {
    // Prepare
    dynamo.on(DeleteCommand).rejects(conditionFailed());

    // Act
    const result = registry.release(listener, 1000, 'acme');

    // Assess
    await expect(result).resolves.toBeUndefined();
  });
});
