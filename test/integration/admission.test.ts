/**
 * Admission on the embedded default (issue 12, part): the shared load balancer holds 100 listener
 * rules, the pooled tier's among them, so the 100th silo tenant is refused by AdmitTenant before
 * anything is made for it, with a failure event naming the quota; a pooled tenant still gets in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUOTAS } from '../../src/domain/quotas.ts';
import type { ReplayResult } from '../../src/local/runtime/index.ts';
import {
  lifecycleEvent,
  newTenant,
  openWorld,
  removeWorldDirs,
  type World,
} from '../support/reliability/world.ts';

describe('admission against the load balancer quota', () => {
  let world: World;
  let admitted: ReplayResult[];
  const silos = Array.from({ length: QUOTAS.rulesPerLoadBalancer.limit - 1 }, () => newTenant('advanced'));
  const refused = newTenant('premium');
  const pooled = newTenant('basic');

  beforeAll(async () => {
    world = await openWorld();
    admitted = await world.send(silos.map((tenant) => lifecycleEvent('onboard', tenant)));
  }, 180_000);

  afterAll(async () => {
    await world?.close();
    removeWorldDirs();
  });

  it('admits silo tenants until the listener holds 100 rules', () => {
    expect(admitted.map((result) => result.outcome)).toEqual(silos.map(() => 'succeeded'));
  });

  it('refuses the next silo tenant at once, naming the quota, with nothing made for it', async () => {
    const callsBefore = world.runtime.calls().length;

    const [result] = await world.send([lifecycleEvent('onboard', refused)]);

    expect(result?.outcome).toBe('failed');
    const detail = result?.statusEvent?.detail as {
      jobOutput: { tenantRegistrationData: { failedStep: string; failureReason: string } };
    };
    expect(detail.jobOutput.tenantRegistrationData.failedStep).toBe('AdmitTenant');
    expect(detail.jobOutput.tenantRegistrationData.failureReason).toContain(
      'listener rules per Application Load Balancer: 100 of 100 in use, this tenant needs 1 more',
    );
    const made = world.runtime
      .calls()
      .slice(callsBefore)
      .map((call) => call.command)
      .filter((command) => /^(Create|Register)/.test(command));
    expect(made).toEqual([]);
    expect(world.runtime.inventory().filter((item) => item.tenantId === refused.tenantId)).toEqual([]);
    expect((await world.runtime.tenant(refused.tenantId))?.lifecycleStatus).toBe('FAILED');
  });

  it('still admits a pooled tenant, which takes no rule', async () => {
    const [result] = await world.send([lifecycleEvent('onboard', pooled)]);

    expect(result?.outcome).toBe('succeeded');
    expect(world.runtime.inventory().filter((item) => item.tenantId === pooled.tenantId)).toEqual([]);
  });
});
