/**
 * The local clients retry as the deployed functions' clients do: a call the simulated AWS throttles is
 * tried again by the SDK's own retry strategy before the adapter sees it, while an injected fault
 * (a throttle too) fails the call outside that retry, once, as the fault plan says.
 */
import { CreateClusterCommand, ECSServiceException } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { localClients } from '../../../../src/local/runtime/clients.ts';
import { FaultInjector } from '../../../../src/local/runtime/faults.ts';
import { SimulatedCloud } from '../../../../src/local/sim/index.ts';

const setUp = (injector = new FaultInjector([])) => {
  let now = 0;
  const cloud = new SimulatedCloud({ now: () => now, throttle: true });
  const attempts: string[] = [];
  cloud.onCall(({ command }) => attempts.push(command));
  // dynalite is not reached by these tests.
  const clients = localClients(
    cloud,
    { endpoint: 'http://127.0.0.1:9', region: 'us-east-1' },
    injector,
    'us-east-1',
  );
  return { cloud, clients, attempts, injector, advance: (ms: number) => (now += ms) };
};

describe('the local clients', () => {
  it('retry a throttled call inside the SDK, as the deployed clients do, and it goes through once a token refills', async () => {
    // Prepare: ECS's cluster bucket holds 20 and refills one a second.
    const { cloud, clients, attempts, advance } = setUp();
    for (let i = 0; i < 20; i += 1)
      await clients.ecs.send(new CreateClusterCommand({ clusterName: `c${i}` }));
    attempts.length = 0;
    // The first try reads the clock before it is throttled; the clock then moves a second, so the
    // SDK's second try finds a token.
    cloud.onCall(() => {
      if (attempts.length === 1) advance(1000);
    });

    // Act
    const output = await clients.ecs.send(new CreateClusterCommand({ clusterName: 'c20' }));

    // Assess
    expect(output.cluster?.clusterName).toBe('c20');
    expect(output.$metadata.attempts).toBe(2);
    expect(attempts).toEqual(['CreateCluster', 'CreateCluster']);
  });

  it('give up after the SDK standard retry’s three tries, with the service’s throttling error', async () => {
    // Prepare
    const { clients, attempts } = setUp();
    for (let i = 0; i < 20; i += 1)
      await clients.ecs.send(new CreateClusterCommand({ clusterName: `c${i}` }));
    attempts.length = 0;

    // Act
    const error = await clients.ecs
      .send(new CreateClusterCommand({ clusterName: 'c20' }))
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ECSServiceException);
    expect(error).toMatchObject({ name: 'ThrottlingException', $metadata: { attempts: 3 } });
    expect(attempts).toEqual(['CreateCluster', 'CreateCluster', 'CreateCluster']);
  }, 10_000);

  it('fail a call once with an injected throttle, without the SDK trying it again or the simulator seeing it', async () => {
    // Prepare
    const { clients, attempts, injector } = setUp(
      new FaultInjector([{ step: 'CreateCluster', kind: 'throttle', count: 1 }]),
    );

    // Act
    const error = await injector
      .runStep('CreateCluster', () => clients.ecs.send(new CreateClusterCommand({ clusterName: 'c0' })))
      .catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: 'ThrottlingException' });
    expect(attempts).toEqual([]);
  });
});
