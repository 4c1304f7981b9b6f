import { readFileSync } from 'node:fs';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { loadConfig } from '../../../../src/config.ts';
import type { MachineId } from '../../../../src/domain/saga.ts';
import { type AwsClients, stepDeps } from '../../../../src/handlers/wiring.ts';
import { type LocalDynamo, startLocalDynamo } from '../../../../src/local/dynamo.ts';
import { runSaga, type SagaRunResult } from '../../../../src/local/engines/xstate.ts';
import { dispatchStep } from '../../../../src/steps/index.ts';
import { freshCloud, mocks, SHARED_STACK } from './fake-aws.ts';
import { REGION, type World } from './world.ts';

export const TABLE = 'tenantflow-tenants';
export const EVENT_BUS = 'sbt-bus';
/** Every write of the run carries this time: history entries are exact. */
export const NOW = '2025-06-02T10:00:00.000Z';

const credentials = { accessKeyId: 'AKIDFLOWTEST', secretAccessKey: 'flow-test' };

const sampleSchema = z.looseObject({
  'detail-type': z.string(),
  detail: z.looseObject({ tenantId: z.string(), tenantRegistrationId: z.string(), tenantName: z.string() }),
});
export type SampleEvent = z.infer<typeof sampleSchema>;

/** An onboarding sample event from events/samples. */
export const onboardingSample = (tier: 'basic' | 'advanced' | 'premium'): SampleEvent =>
  sampleSchema.parse(
    JSON.parse(
      readFileSync(new URL(`../../../../events/samples/onboarding-${tier}.json`, import.meta.url), 'utf8'),
    ),
  );

/** The offboarding request SBT sends for a tenant onboarded from `sample` (the record merged in). */
export const offboardingFor = (sample: SampleEvent): SampleEvent => ({
  ...sample,
  id: '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0',
  'detail-type': 'sbt_aws_offboardingRequest',
  detail: { ...sample.detail, sbtaws_active: true, registrationStatus: 'created' },
});

/** One test's account: the mocked cloud, a fresh in-memory dynalite table, and the production wiring. */
export interface Flow {
  world: World;
  dynamo: LocalDynamo;
  document: DynamoDBDocumentClient;
  run(machine: MachineId, input: unknown, execution: string): Promise<SagaRunResult>;
  /** The tenant map item as stored (keys included). */
  item(tenantId: string): Promise<Record<string, unknown> | undefined>;
  /** The `Entries[0]` of every PutEvents, with `Detail` parsed. */
  published(): { Source?: string; DetailType?: string; EventBusName?: string; detail: unknown }[];
  /** Rejects the next tenant-map write whose `:status` is `status` with a real DynamoDB exception. */
  failNextRelease(status: string): void;
  stop(): Promise<void>;
}

export const startFlow = async (): Promise<Flow> => {
  const world = freshCloud();
  const dynamo = await startLocalDynamo({ tableName: TABLE });
  const raw = new DynamoDBClient(dynamo.clientConfig);
  let failStatus: string | undefined;
  raw.middlewareStack.add(
    (next) => async (args) => {
      const values = z
        .object({ ExpressionAttributeValues: z.record(z.string(), z.unknown()) })
        .safeParse(args.input);
      if (failStatus && values.success && values.data.ExpressionAttributeValues[':status'] === failStatus) {
        failStatus = undefined;
        throw new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} });
      }
      return next(args);
    },
    { step: 'initialize', name: 'flowTestFault' },
  );
  const document = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  const clients: AwsClients = {
    ecs: new ECSClient({ region: REGION, credentials }),
    elb: new ElasticLoadBalancingV2Client({ region: REGION, credentials }),
    dynamo: document,
    cloudformation: new CloudFormationClient({ region: REGION, credentials }),
    cloudwatch: new CloudWatchClient({ region: REGION, credentials }),
    eventbridge: new EventBridgeClient({ region: REGION, credentials }),
    sfn: new SFNClient({ region: REGION, credentials }),
    tagging: new ResourceGroupsTaggingAPIClient({ region: REGION, credentials }),
    cognito: new CognitoIdentityProviderClient({ region: REGION, credentials }),
    tables: new DynamoDBClient({ region: REGION, credentials }),
  };
  const config = loadConfig({
    AWS_REGION: REGION,
    TENANT_TABLE: TABLE,
    SHARED_STACK_NAME: SHARED_STACK,
    SBT_EVENT_BUS: EVENT_BUS,
    HEALTH_CHECK_PATH: '/health',
  });
  return {
    world,
    dynamo,
    document,
    run: (machine, input, execution) => {
      // A fresh wiring per run, as a new Lambda container would build it (so each run looks the stack up).
      const deps = stepDeps(config, clients, { now: () => new Date(NOW) });
      return runSaga(machine, input, {
        dispatch: (payload) => dispatchStep(payload, deps),
        execution,
        waitMs: 1,
        retryDelayMs: 0,
      });
    },
    item: async (tenantId) => {
      const out = await document.send(
        new GetCommand({
          TableName: TABLE,
          Key: { pk: `TENANT#${tenantId}`, sk: 'RECORD' },
          ConsistentRead: true,
        }),
      );
      return out.Item;
    },
    published: () =>
      mocks.eventbridge.commandCalls(PutEventsCommand).map((call) => {
        const entry = call.args[0].input.Entries?.[0];
        return {
          Source: entry?.Source,
          DetailType: entry?.DetailType,
          EventBusName: entry?.EventBusName,
          detail: JSON.parse(entry?.Detail ?? 'null'),
        };
      }),
    failNextRelease: (status) => {
      failStatus = status;
    },
    stop: async () => {
      for (const client of Object.values(clients)) client.destroy();
      raw.destroy();
      for (const mock of Object.values(mocks)) mock.reset();
      await dynamo.stop();
    },
  };
};
