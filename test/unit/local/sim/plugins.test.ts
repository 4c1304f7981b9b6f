import { describe, expect, it } from 'vitest';
import { translateAwsError } from '../../../../src/adapters/aws/errors.ts';
import { ThrottledError } from '../../../../src/domain/errors.ts';
import { sdkFault } from '../../../../src/local/runtime/faults.ts';
import { throttlingError } from '../../../../src/local/sim/faults.ts';
import { type SimulatableClient, SimulatedCloud } from '../../../../src/local/sim/index.ts';
import { bucketsFor, PLUGINS } from '../../../../src/local/sim/registry.ts';
import { emptyState, SLICE_NAMES, simStateSchema } from '../../../../src/local/sim/state.ts';

const config = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };

describe('the simulator as plug-ins, one per AWS service', () => {
  it.each(PLUGINS.map((plugin) => [plugin.name, plugin] as const))(
    '%s: its client is answered, and its throttles and injected faults are its own exceptions',
    (name, plugin) => {
      const cloud = new SimulatedCloud();
      const client = new (plugin.client as unknown as new () => SimulatableClient)();
      expect(cloud.serviceOf(client)).toBe(name);

      const throttle = throttlingError(plugin);
      expect(throttle).toBeInstanceOf(plugin.exception);
      expect(throttle.name).toBe(plugin.throttlingName);
      // The adapters' translation knows every service's throttle as one.
      expect(translateAwsError(throttle, 'test')).toBeInstanceOf(ThrottledError);
      const injected = sdkFault(name, 'throttle', 'CreateService');
      expect(injected).toBeInstanceOf(plugin.exception);
      expect(translateAwsError(injected, 'test')).toBeInstanceOf(ThrottledError);
      client.destroy();
    },
  );

  it('answers a call a service does not implement with its own UnknownOperationException', async () => {
    const { ECSClient, ListAccountSettingsCommand, ECSServiceException } = await import(
      '@aws-sdk/client-ecs'
    );
    const cloud = new SimulatedCloud();
    const ecs = cloud.attach(new ECSClient({ ...config, maxAttempts: 1 }));
    const error = await ecs.send(new ListAccountSettingsCommand({})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ECSServiceException);
    expect((error as Error).name).toBe('UnknownOperationException');
    expect((error as Error).message).toBe('simulated AWS does not implement ecs ListAccountSettings');
  });

  it('takes the buckets of a call from its service (cognito: its request-rate category)', () => {
    expect(bucketsFor('cognito', 'AdminCreateUser')).toEqual([
      { key: 'cognito:UserCreation', burst: 50, perSecond: 50 },
    ]);
    expect(bucketsFor('ecs', 'RegisterTaskDefinition')).toEqual([
      { key: 'ecs:task-definition', burst: 20, perSecond: 1 },
    ]);
    expect(bucketsFor('cloudwatch', 'DescribeAlarms')).toEqual([]);
  });

  it('gives every registered slice a list in an empty cloud and in a state file that lacks it', () => {
    const empty = emptyState() as unknown as Record<string, unknown>;
    for (const name of SLICE_NAMES) expect(empty[name]).toEqual([]);
    const parsed = simStateSchema.parse({ version: 1, seq: 3 }) as unknown as Record<string, unknown>;
    for (const name of SLICE_NAMES) expect(parsed[name]).toEqual([]);
    expect(SLICE_NAMES).toEqual(
      expect.arrayContaining(['clusters', 'services', 'targetGroups', 'rules', 'userPools', 'events']),
    );
  });
});
