/** The AWS SDK v3 adapters: one class per port, each built from an injected client or a client config. */
export type { ClientOptions } from './client-options.ts';
export {
  CloudFormationInfrastructure,
  type CloudFormationInfrastructureOptions,
} from './cloudformation-infrastructure.ts';
export { CloudWatchAlarms } from './cloudwatch-alarms.ts';
export {
  CognitoIdentityProvider,
  type CognitoIdentityProviderOptions,
} from './cognito-identity-provider.ts';
export type { DynamoAdapterOptions } from './dynamo-client.ts';
export { DynamoPriorityRegistry, type DynamoPriorityRegistryOptions } from './dynamo-priority-registry.ts';
export { DynamoShardRegistry, type DynamoShardRegistryOptions } from './dynamo-shard-registry.ts';
export { DynamoStatusLedger, type DynamoStatusLedgerOptions } from './dynamo-status-ledger.ts';
export { DynamoTenantMap, type DynamoTenantMapOptions } from './dynamo-tenant-map.ts';
export { DynamoTableStore, type DynamoTableStoreOptions } from './dynamodb-table-store.ts';
export { EcsContainerPlatform, type EcsContainerPlatformOptions } from './ecs-container-platform.ts';
export { ElbLoadBalancer, type ElbLoadBalancerOptions } from './elb-load-balancer.ts';
export { translateAwsError } from './errors.ts';
export { EventBridgePublisher, type EventBridgePublisherOptions } from './eventbridge-publisher.ts';
export { LambdaDeployedStage } from './lambda-deployed-stage.ts';
export { LambdaInvoker, type LambdaInvokerOptions } from './lambda-invoker.ts';
export {
  queueUrlNamed,
  SqsDeadLetterQueue,
  type SqsDeadLetterQueueOptions,
} from './sqs-dead-letter-queue.ts';
export { StepFunctionsHistory, type StepFunctionsHistoryOptions } from './step-functions-history.ts';
export {
  executionArnOf,
  StepFunctionsStarter,
  type StepFunctionsStarterOptions,
} from './step-functions-starter.ts';
