import { ECSServiceException } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2ServiceException } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { RetryableError } from '../../../../src/domain/errors.ts';
import { FaultInjector } from '../../../../src/local/runtime/faults.ts';

describe('FaultInjector', () => {
  it('makes the first AWS call of the step throw the SDK exception, count times', async () => {
    // Prepare
    const injector = new FaultInjector([{ step: 'CreateService', kind: 'transient', count: 1 }]);
    const call = () => injector.beforeCall('ecs');

    // Act
    const first = await injector
      .runStep('CreateService', async () => call())
      .catch((error: unknown) => error);
    const second = await injector.runStep('CreateService', async () => 'ok');

    // Assess
    expect(first).toBeInstanceOf(ECSServiceException);
    expect(first).toMatchObject({ name: 'ServiceUnavailable', $fault: 'server' });
    expect(second).toBe('ok');
    expect(injector.remaining()).toEqual([]);
  });

  it('throttles ELB as Throttling and leaves other steps alone', async () => {
    // Prepare
    const injector = new FaultInjector([{ step: 'CreateTargetGroup', kind: 'throttle', count: 1 }]);

    // Act
    const other = await injector.runStep('CreateService', async () => injector.beforeCall('elbv2'));
    const hit = await injector
      .runStep('CreateTargetGroup', async () => injector.beforeCall('elbv2'))
      .catch((error: unknown) => error);

    // Assess
    expect(other).toBeUndefined();
    expect(hit).toBeInstanceOf(ElasticLoadBalancingV2ServiceException);
    expect(hit).toMatchObject({ name: 'Throttling' });
  });

  it('crashes after the first call completed: the call took effect, the step dies', async () => {
    // Prepare
    const injector = new FaultInjector([{ step: 'CreateService', kind: 'crash', count: 1 }]);
    const effects: string[] = [];
    const awsCall = async (name: string) => {
      injector.beforeCall('ecs');
      effects.push(name);
      if (injector.afterCall()) await new Promise(() => {});
    };

    // Act
    const outcome = await injector
      .runStep('CreateService', async () => {
        await awsCall('first');
        await awsCall('second');
        return 'done';
      })
      .catch((error: unknown) => error);

    // Assess
    expect(outcome).toMatchObject({ name: 'Runtime.ExitError' });
    expect(effects).toEqual(['first']);
  });

  it('fires at the end of a step that made no AWS call, with the step error classes', async () => {
    // Prepare
    const injector = new FaultInjector([{ step: 'ValidateRequest', kind: 'transient', count: 1 }]);

    // Act
    const outcome = await injector
      .runStep('ValidateRequest', async () => 'state')
      .catch((error: unknown) => error);

    // Assess
    expect(outcome).toBeInstanceOf(RetryableError);
  });

  it('puts a fault on the call it names: the calls before it go through, that one fails', async () => {
    // Prepare
    const runs: Array<{ step: string; calls: string[] }> = [];
    const injector = new FaultInjector(
      [{ step: 'CreateService', kind: 'fatal', count: 1, call: 3 }],
      ({ step, calls }) => runs.push({ step, calls }),
    );
    const effects: string[] = [];
    const awsCall = async (command: string) => {
      injector.beforeCall('ecs', command);
      effects.push(command);
    };

    // Act
    const outcome = await injector
      .runStep('CreateService', async () => {
        await awsCall('DescribeServices');
        await awsCall('CreateService');
        await awsCall('DescribeServices');
        await awsCall('UpdateService');
      })
      .catch((error: unknown) => error);

    // Assess
    expect(outcome).toBeInstanceOf(ECSServiceException);
    expect(outcome).toMatchObject({ name: 'AccessDeniedException' });
    expect(effects).toEqual(['DescribeServices', 'CreateService']);
    expect(runs).toEqual([
      { step: 'CreateService', calls: ['ecs:DescribeServices', 'ecs:CreateService', 'ecs:DescribeServices'] },
    ]);
    expect(injector.remaining()).toEqual([]);
  });

  it('crashes after the call it names completed, not after the first', async () => {
    // Prepare
    const injector = new FaultInjector([{ step: 'CreateService', kind: 'crash', count: 1, call: 2 }]);
    const effects: string[] = [];
    const awsCall = async (name: string) => {
      injector.beforeCall('ecs', name);
      effects.push(name);
      if (injector.afterCall()) await new Promise(() => {});
    };

    // Act
    const outcome = await injector
      .runStep('CreateService', async () => {
        await awsCall('DescribeServices');
        await awsCall('CreateService');
        await awsCall('TagResource');
        return 'done';
      })
      .catch((error: unknown) => error);

    // Assess
    expect(outcome).toMatchObject({ name: 'Runtime.ExitError' });
    expect(effects).toEqual(['DescribeServices', 'CreateService']);
  });

  it('fails a run that made fewer calls than the one named at its end', async () => {
    // Prepare
    const injector = new FaultInjector([{ step: 'CreateService', kind: 'transient', count: 1, call: 5 }]);

    // Act
    const outcome = await injector
      .runStep('CreateService', async () => injector.beforeCall('ecs', 'DescribeServices'))
      .catch((error: unknown) => error);

    // Assess
    expect(outcome).toBeInstanceOf(RetryableError);
    expect(injector.remaining()).toEqual([]);
  });
});
