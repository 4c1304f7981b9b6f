import {
  ConditionalCheckFailedException,
  InternalServerError,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import {
  ClientException,
  ClusterContainsServicesException,
  ClusterContainsTasksException,
  ECSServiceException,
  LimitExceededException,
  ServerException,
  ServiceNotActiveException,
  UpdateInProgressException,
} from '@aws-sdk/client-ecs';
import {
  ElasticLoadBalancingV2ServiceException,
  ResourceInUseException,
  TooManyRulesException,
  TooManyTagsException,
  TooManyTargetGroupsException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { translateAwsError } from '../../../../src/adapters/aws/errors.ts';
import {
  ConflictError,
  FatalError,
  NotReadyError,
  QuotaExceededError,
  RetryableError,
  ThrottledError,
} from '../../../../src/domain/errors.ts';

const meta = { $metadata: {} };
const ecsNamed = (name: string, fault: 'client' | 'server' = 'client') =>
  new ECSServiceException({ name, $fault: fault, message: `${name} happened`, ...meta });
const elbNamed = (name: string) =>
  new ElasticLoadBalancingV2ServiceException({
    name,
    $fault: 'client',
    message: `${name} happened`,
    ...meta,
  });
const networkError = (code: string) => Object.assign(new Error(`socket ${code}`), { code });

describe('translateAwsError', () => {
  it.each([
    ['ThrottlingException', ecsNamed('ThrottlingException')],
    ['Throttling', elbNamed('Throttling')],
    ['TooManyRequestsException', ecsNamed('TooManyRequestsException')],
    [
      'ProvisionedThroughputExceededException',
      new ProvisionedThroughputExceededException({ message: 'x', ...meta }),
    ],
    ['RequestLimitExceeded', ecsNamed('RequestLimitExceeded')],
    ['ThrottledException', ecsNamed('ThrottledException')],
  ])('maps %s to ThrottledError', (_name, error) => {
    // Act
    const translated = translateAwsError(error, 'ECS CreateService tf-acme');

    // Assess
    expect(translated).toBeInstanceOf(ThrottledError);
    expect(translated.name).toBe('ThrottledError');
    expect(translated.cause).toBe(error);
    expect(translated.message).toContain('ECS CreateService tf-acme');
  });

  it.each([
    ['ECS ServerException', new ServerException({ message: 'boom', ...meta })],
    ['DynamoDB InternalServerError', new InternalServerError({ message: 'boom', ...meta })],
    ['any server fault', ecsNamed('SomethingOdd', 'server')],
    ['InternalFailure', ecsNamed('InternalFailure')],
    ['InternalError', ecsNamed('InternalError')],
    ['ServiceUnavailable', elbNamed('ServiceUnavailable')],
    ['ServiceUnavailableException', ecsNamed('ServiceUnavailableException')],
    ['TimeoutError', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
    ['ECONNRESET', networkError('ECONNRESET')],
    ['ECONNREFUSED', networkError('ECONNREFUSED')],
    ['EPIPE', networkError('EPIPE')],
    ['ETIMEDOUT', networkError('ETIMEDOUT')],
  ])('maps %s to RetryableError', (_name, error) => {
    // Act
    const translated = translateAwsError(error, 'some action');

    // Assess
    expect(translated.name).toBe('RetryableError');
    expect(translated).toBeInstanceOf(RetryableError);
    expect(translated.cause).toBe(error);
  });

  it.each([
    ['ClusterContainsServicesException', new ClusterContainsServicesException({ message: 'x', ...meta })],
    ['ClusterContainsTasksException', new ClusterContainsTasksException({ message: 'x', ...meta })],
    ['UpdateInProgressException', new UpdateInProgressException({ message: 'x', ...meta })],
    ['ServiceNotActiveException', new ServiceNotActiveException({ message: 'x', ...meta })],
    ['ELB ResourceInUseException', new ResourceInUseException({ message: 'x', ...meta })],
  ])('maps %s to NotReadyError', (_name, error) => {
    // Act
    const translated = translateAwsError(error, 'some action');

    // Assess
    expect(translated).toBeInstanceOf(NotReadyError);
    expect(translated.retryable).toBe(true);
  });

  it.each([
    ['TooManyTargetGroupsException', new TooManyTargetGroupsException({ message: 'x', ...meta })],
    ['TooManyRulesException', new TooManyRulesException({ message: 'x', ...meta })],
    ['TooManyTagsException', new TooManyTagsException({ message: 'x', ...meta })],
    ['ECS LimitExceededException', new LimitExceededException({ message: 'x', ...meta })],
  ])('maps %s to QuotaExceededError', (_name, error) => {
    // Act
    const translated = translateAwsError(error, 'some action');

    // Assess
    expect(translated).toBeInstanceOf(QuotaExceededError);
    expect(translated.retryable).toBe(false);
  });

  it.each([
    ['ClientException', new ClientException({ message: 'bad request', ...meta })],
    ['ConditionalCheckFailedException', new ConditionalCheckFailedException({ message: 'x', ...meta })],
    ['a plain Error', new Error('odd')],
    ['a string', 'not even an error'],
  ])('maps %s to FatalError', (_name, error) => {
    // Act
    const translated = translateAwsError(error, 'ECS DeleteCluster tf-acme');

    // Assess
    expect(translated.name).toBe('FatalError');
    expect(translated).toBeInstanceOf(FatalError);
    expect(translated.cause).toBe(error);
  });

  it('names the action and the AWS error in the message', () => {
    // Prepare
    const error = new ClientException({ message: 'Unable to describe task definition.', ...meta });

    // Act
    const translated = translateAwsError(error, 'ECS DescribeTaskDefinition tf-acme');

    // Assess
    expect(translated.message).toBe(
      'ECS DescribeTaskDefinition tf-acme failed: ClientException: Unable to describe task definition.',
    );
  });

  it('passes our own errors through unchanged', () => {
    // Prepare
    const ours = new ConflictError('locked');

    // Act
    const translated = translateAwsError(ours, 'anything');

    // Assess
    expect(translated).toBe(ours);
  });
});
