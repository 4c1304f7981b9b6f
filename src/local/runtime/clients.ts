import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type {
  HandlerExecutionContext,
  InitializeHandler,
  InitializeHandlerArguments,
  MetadataBearer,
  MiddlewareStack,
} from '@smithy/types';
import type { AwsClients } from '../../handlers/wiring.ts';
import type { SimulatedCloud } from '../sim/index.ts';
import type { FaultInjector, LocalService } from './faults.ts';

/** Never leaves the machine: the simulator and dynalite accept any key. */
const credentials = async () => ({ accessKeyId: 'LOCALSIMULATION', secretAccessKey: 'local-simulation' });

/**
 * The outermost middleware of a local client: fires the fault plan around each call, outside the
 * SDK's retry, so an injected fault (a throttle too) reaches the step as the plan says.
 */
const addFaults = <I extends object, O extends MetadataBearer>(
  stack: MiddlewareStack<I, O>,
  injector: FaultInjector,
  service: LocalService,
): void => {
  stack.add(
    (next: InitializeHandler<I, O>, context: HandlerExecutionContext) =>
      async (args: InitializeHandlerArguments<I>) => {
        injector.beforeCall(service, (context.commandName ?? '').replace(/Command$/, ''));
        const output = await next(args);
        // A crash: the call took effect, then the process died; the caller never hears back.
        if (injector.afterCall()) return injector.hang();
        return output;
      },
    { step: 'initialize', priority: 'high', name: `tenantflowFaults-${service}` },
  );
};

/**
 * Real AWS SDK clients for a local run: ECS, ELBv2, CloudFormation, CloudWatch, EventBridge and Cognito answered by the
 * simulated cloud, DynamoDB by dynalite. The simulated services' clients retry as the deployed
 * functions' do (the SDK's standard retry, 3 tries: only what AWS throttles ever reaches it, since
 * the injected faults fail a call before its retry); then the state machine's Retry takes over.
 * dynalite's client tries once (it never throttles; a fault injected there is the step's).
 */
export const localClients = (
  sim: SimulatedCloud,
  dynamoConfig: DynamoDBClientConfig,
  injector: FaultInjector,
  region: string,
): AwsClients => {
  const common = { region, credentials };
  const ecs = new ECSClient(common);
  const elb = new ElasticLoadBalancingV2Client(common);
  const cloudformation = new CloudFormationClient(common);
  const cloudwatch = new CloudWatchClient(common);
  const eventbridge = new EventBridgeClient(common);
  const tagging = new ResourceGroupsTaggingAPIClient(common);
  const cognito = new CognitoIdentityProviderClient(common);
  // Tenants' own tables: DynamoDB's control plane, simulated (the tenant map's data is dynalite's).
  const tables = new DynamoDBClient(common);
  for (const client of [ecs, elb, cloudformation, cloudwatch, eventbridge, tagging, cognito, tables]) {
    // Each client's stack is typed by its own commands; the fault middleware reads none of them.
    const stack = client.middlewareStack as unknown as MiddlewareStack<object, MetadataBearer>;
    addFaults(stack, injector, sim.serviceOf(client));
    sim.attach(client);
  }
  const base = new DynamoDBClient({ ...dynamoConfig, credentials, maxAttempts: 1 });
  addFaults(base.middlewareStack, injector, 'dynamodb');
  return {
    ecs,
    elb,
    cloudformation,
    cloudwatch,
    eventbridge,
    tagging,
    cognito,
    tables,
    dynamo: DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } }),
    // Never called locally (the local starter stands in for Step Functions); present for the bundle's shape.
    sfn: new SFNClient({ ...common, endpoint: 'http://127.0.0.1:9' }),
  };
};
