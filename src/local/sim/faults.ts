import { CloudFormationServiceException } from '@aws-sdk/client-cloudformation';
import { CloudWatchServiceException } from '@aws-sdk/client-cloudwatch';
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
  }
};

/** ECS throttles with `ThrottlingException`, ELBv2 with `Throttling`. */
export const throttlingError = (service: SimService): Error =>
  serviceError(service, service === 'elbv2' ? 'Throttling' : 'ThrottlingException', 'Rate exceeded');

export const notImplemented = (service: SimService, command: string): Error =>
  serviceError(
    service,
    'UnknownOperationException',
    `simulated AWS does not implement ${service} ${command}`,
  );
