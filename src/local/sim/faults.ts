import { CloudFormationServiceException } from '@aws-sdk/client-cloudformation';
import { CloudWatchServiceException } from '@aws-sdk/client-cloudwatch';
import { CognitoIdentityProviderServiceException } from '@aws-sdk/client-cognito-identity-provider';
import { ECSServiceException } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2ServiceException } from '@aws-sdk/client-elastic-load-balancing-v2';
import { EventBridgeServiceException } from '@aws-sdk/client-eventbridge';
import { ResourceGroupsTaggingAPIServiceException } from '@aws-sdk/client-resource-groups-tagging-api';
import { errorMetadata } from './context.ts';
import type { SimService } from './throttle.ts';

/** A service-level error with no modelled class: built on the service's own base exception. */
export const serviceError = (service: SimService, name: string, message: string): Error => {
  const options = { name, $fault: 'client', $metadata: errorMetadata(), message } as const;
  switch (service) {
    case 'ecs':
      return new ECSServiceException(options);
    case 'elbv2':
      return new ElasticLoadBalancingV2ServiceException(options);
    case 'cloudformation':
      return new CloudFormationServiceException(options);
    case 'cloudwatch':
      return new CloudWatchServiceException(options);
    case 'eventbridge':
      return new EventBridgeServiceException(options);
    case 'tagging':
      return new ResourceGroupsTaggingAPIServiceException(options);
    case 'cognito':
      return new CognitoIdentityProviderServiceException(options);
  }
};

/** The name each service throttles with. */
const THROTTLING_NAME: Record<SimService, string> = {
  ecs: 'ThrottlingException',
  elbv2: 'Throttling',
  cloudformation: 'ThrottlingException',
  cloudwatch: 'ThrottlingException',
  eventbridge: 'ThrottlingException',
  tagging: 'ThrottlingException',
  cognito: 'TooManyRequestsException',
};

export const throttlingError = (service: SimService): Error =>
  serviceError(service, THROTTLING_NAME[service], 'Rate exceeded');

export const notImplemented = (service: SimService, command: string): Error =>
  serviceError(
    service,
    'UnknownOperationException',
    `simulated AWS does not implement ${service} ${command}`,
  );
