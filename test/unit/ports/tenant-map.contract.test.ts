import { describe, expect, it } from 'vitest';
import type { Placement } from '../../../src/domain/catalogue.ts';
import { ConflictError, TenantLockedError } from '../../../src/domain/errors.ts';
import { OPERATION_TABLE, type Operation } from '../../../src/domain/operations.ts';
import type { AcquireRequest, ReleaseRequest, TenantMap } from '../../../src/ports/tenant-map.ts';
import { tenantMaps, uniqueId } from './implementations.ts';

const AT = '2025-03-01T10:00:00.000Z';
const PREMIUM: Placement = {
  tier: 'premium',
  cluster: 'dedicated',
  service: 'own',
  cpu: '512',
  memory: '1024',
  desiredCount: 2,
  capacityProviderStrategy: [{ capacityProvider: 'FARGATE', base: 1, weight: 1 }],
  healthCheckPath: '/',
};
const BASIC: Placement = { tier: 'basic', cluster: 'shared', service: 'pooled' };

const acquireRequest = (
  tenantId: string,
  operation: Operation,
  execution: string,
  extra: Partial<AcquireRequest> = {},
): AcquireRequest => ({
  tenantId,
  operation,
  execution,
  status: OPERATION_TABLE[operation].lock.status,
  allowedFrom: OPERATION_TABLE[operation].lock.allowedFrom,
  at: AT,
  tenantName: `name of ${tenantId}`,
  tenantRegistrationId: `reg-${tenantId}`,
  ...(operation === 'onboard' ? { placement: BASIC } : {}),
  ...extra,
});

/** A tenant onboarded to ACTIVE with `placement`. */
const onboarded = async (map: TenantMap, tenantId: string, placement: Placement) => {
  await map.acquire(acquireRequest(tenantId, 'onboard', `onboard-${tenantId}`, { placement }));
  return map.release({
    tenantId,
    execution: `onboard-${tenantId}`,
    status: 'ACTIVE',
    active: true,
    resources: { cluster: { name: `tf-${tenantId}`, arn: `arn:cluster/tf-${tenantId}` } },
    history: [
      {
        operation: 'onboard',
        execution: `onboard-${tenantId}`,
        step: 'ActivateTenant',
        outcome: 'succeeded',
        at: AT,
      },
    ],
    at: AT,
  });
};

describe.each(tenantMaps)('TenantMap contract: $name', ({ make }) => {
  it('knows no tenant it never wrote', async () => {
    const map = await make();
    expect(await map.get(uniqueId('nobody'))).toBeUndefined();
  });

  it('onboarding creates the record, holding the lock, with its placement, name and registration', async () => {
    // Prepare
    const map = await make();
    const id = uniqueId('acme');

    // Act
    const record = await map.acquire(acquireRequest(id, 'onboard', 'exec-1', { placement: PREMIUM }));

    // Assess
    expect(record).toMatchObject({
      tenantId: id,
      tenantRegistrationId: `reg-${id}`,
      tenantName: `name of ${id}`,
      placement: PREMIUM,
      lifecycleStatus: 'PROVISIONING',
      active: false,
      lock: { execution: 'exec-1', operation: 'onboard', since: AT },
      resources: {},
      history: [],
    });
    expect(await map.get(id)).toEqual(record);
  });

  it('gives the lock again to the execution holding it (a retried step)', async () => {
    const map = await make();
    const id = uniqueId('retry');
    await map.acquire(acquireRequest(id, 'onboard', 'exec-1'));
    await expect(map.acquire(acquireRequest(id, 'onboard', 'exec-1'))).resolves.toMatchObject({
      lock: { execution: 'exec-1' },
    });
  });

  it('refuses another execution while the lock is held, naming the holder and its registration', async () => {
    // Prepare
    const map = await make();
    const id = uniqueId('busy');
    await map.acquire(acquireRequest(id, 'onboard', 'exec-1'));

    // Act
    const refused = await map
      .acquire(acquireRequest(id, 'offboard', 'exec-2'))
      .catch((error: unknown) => error);

    // Assess
    expect(refused).toBeInstanceOf(TenantLockedError);
    expect(refused).toMatchObject({
      name: 'TenantLockedError',
      holder: { execution: 'exec-1', operation: 'onboard', since: AT },
      registrationId: `reg-${id}`,
    });
  });

  it('refuses an operation the status does not allow, as a conflict that is not a lock', async () => {
    const map = await make();
    const id = uniqueId('active');
    await onboarded(map, id, PREMIUM);
    const refused = await map
      .acquire(acquireRequest(id, 'onboard', 'exec-2'))
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConflictError);
    expect(refused).not.toBeInstanceOf(TenantLockedError);
    expect(String(refused)).toMatch(/ACTIVE/);
  });

  it('takes the tenant with an expected version only while the record is at that version', async () => {
    // Prepare
    const map = await make();
    const id = uniqueId('versioned');
    const record = await onboarded(map, id, PREMIUM);

    // Act
    const stale = await map
      .acquire(acquireRequest(id, 'offboard', 'exec-stale', { expectedVersion: record.version - 1 }))
      .catch((error: unknown) => error);
    const current = await map.acquire(
      acquireRequest(id, 'offboard', 'exec-current', { expectedVersion: record.version }),
    );

    // Assess
    expect(stale).toBeInstanceOf(ConflictError);
    expect(stale).not.toBeInstanceOf(TenantLockedError);
    expect(String(stale)).toMatch(new RegExp(`version ${record.version}`));
    expect(current).toMatchObject({ lock: { execution: 'exec-current' }, version: record.version + 1 });
  });

  it('refuses an activation of a tenant it has no record of', async () => {
    const map = await make();
    const refused = await map
      .acquire(acquireRequest(uniqueId('ghost'), 'activate', 'exec-1'))
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConflictError);
    expect(String(refused)).toMatch(/not found/);
  });

  it("leaves the record's placement, name and registration alone for any operation but onboarding", async () => {
    // Prepare
    const map = await make();
    const id = uniqueId('keep');
    await onboarded(map, id, PREMIUM);

    // Act
    const record = await map.acquire(
      acquireRequest(id, 'offboard', 'exec-2', {
        tenantName: 'another name',
        tenantRegistrationId: 'another-registration',
        placement: BASIC,
      }),
    );

    // Assess
    expect(record).toMatchObject({
      placement: PREMIUM,
      tenantName: `name of ${id}`,
      tenantRegistrationId: `reg-${id}`,
      lifecycleStatus: 'DEPROVISIONING',
      resources: { cluster: { name: `tf-${id}` } },
    });
  });

  it('writes name and registration, but no placement, onto a record an offboarding of an unknown id creates', async () => {
    const map = await make();
    const id = uniqueId('unknown');
    const record = await map.acquire(acquireRequest(id, 'offboard', 'exec-1'));
    expect(record).toMatchObject({ tenantName: `name of ${id}`, tenantRegistrationId: `reg-${id}` });
    expect(record.placement).toBeUndefined();
  });

  it('refuses to onboard an id that differs only in case from a live tenant, and allows it once that one is gone', async () => {
    // Prepare
    const map = await make();
    const id = uniqueId('Case');
    await onboarded(map, id, BASIC);

    // Act
    const refused = await map
      .acquire(acquireRequest(id.toUpperCase(), 'onboard', 'exec-2'))
      .catch((error: unknown) => error);
    await map.acquire(acquireRequest(id, 'offboard', 'exec-3'));
    await map.release({
      tenantId: id,
      execution: 'exec-3',
      status: 'DELETED',
      active: false,
      resources: {},
      history: [],
      at: AT,
    });
    const later = await map.acquire(acquireRequest(id.toUpperCase(), 'onboard', 'exec-4'));

    // Assess
    expect(refused).toBeInstanceOf(ConflictError);
    expect(String(refused)).toContain(`differs only in case from tenant ${id}`);
    expect(later.lock?.execution).toBe('exec-4');
    expect(await map.get(id.toUpperCase())).toBeDefined();
  });

  it('records resources and history only for the lock holder', async () => {
    // Prepare
    const map = await make();
    const id = uniqueId('res');
    await map.acquire(acquireRequest(id, 'onboard', 'exec-1'));
    const entry = {
      operation: 'onboard' as const,
      execution: 'exec-1',
      step: 'CreateCluster',
      outcome: 'succeeded' as const,
      at: AT,
    };
    const resources = { cluster: { name: 'c', arn: 'arn:c' } };

    // Act
    await map.recordResources(id, 'exec-1', resources, [entry]);
    const refused = await map.recordResources(id, 'exec-2', {}, []).catch((error: unknown) => error);

    // Assess
    expect(refused).toBeInstanceOf(ConflictError);
    expect(await map.get(id)).toMatchObject({ resources, history: [entry] });
  });

  it('records a migration, its other side, and the switch, only for the lock holder', async () => {
    // Prepare
    const map = await make();
    const id = uniqueId('mig');
    await onboarded(map, id, BASIC);
    await map.acquire(acquireRequest(id, 'migrate', 'mig-1'));
    const target = { ...PREMIUM, generation: 1 };
    const targetResources = { cluster: { name: `tf-${id}-g1`, arn: `arn:cluster/tf-${id}-g1` } };
    const routing = {
      mode: 'silo' as const,
      clusterName: `tf-${id}-g1`,
      serviceName: `tf-${id}-g1`,
      targetGroupArn: 'arn:tg/g1',
      tenantHeader: id,
    };
    const entry = {
      operation: 'migrate' as const,
      execution: 'mig-1',
      step: 'PlanMigration',
      outcome: 'succeeded' as const,
      at: AT,
    };

    // Act
    await map.recordMigration(
      id,
      'mig-1',
      { migration: { direction: 'to', placement: target, resources: {} } },
      [entry],
    );
    await map.recordMigration(id, 'mig-1', { migrationResources: targetResources }, []);
    const building = await map.get(id);
    const refused = await map
      .recordMigration(id, 'someone-else', { migration: null }, [])
      .catch((error: unknown) => error);
    await map.recordMigration(
      id,
      'mig-1',
      {
        placement: target,
        resources: targetResources,
        routing,
        migration: { direction: 'from', placement: BASIC, resources: building?.resources ?? {} },
      },
      [],
    );
    const switched = await map.get(id);
    await map.recordMigration(id, 'mig-1', { migration: null }, []);
    const done = await map.get(id);

    // Assess
    expect(refused).toBeInstanceOf(ConflictError);
    expect(building).toMatchObject({
      lifecycleStatus: 'MIGRATING',
      placement: BASIC,
      migration: { direction: 'to', placement: target, resources: targetResources },
      history: expect.arrayContaining([entry]),
    });
    expect(switched).toMatchObject({
      placement: target,
      resources: targetResources,
      routing,
      migration: { direction: 'from', placement: BASIC, resources: building?.resources },
    });
    expect(done?.migration).toBeUndefined();
    expect(done).toMatchObject({
      placement: target,
      resources: targetResources,
      lock: { execution: 'mig-1' },
    });
  });

  it('keeps the release a tenant runs: set by an update, left alone when absent, removed with null', async () => {
    // Prepare
    const map = await make();
    const id = uniqueId('rel');
    await onboarded(map, id, PREMIUM);
    const release = {
      version: '2.0.0',
      image: 'repo/app:2.0.0',
      cpu: '1024',
      memory: '2048',
      environment: { A: 'b' },
    };
    const end = (execution: string, extra: Partial<ReleaseRequest>): ReleaseRequest => ({
      tenantId: id,
      execution,
      status: 'ACTIVE',
      active: true,
      resources: {},
      history: [],
      at: AT,
      ...extra,
    });

    // Act
    await map.acquire(acquireRequest(id, 'update', 'upd-1'));
    await map.release(end('upd-1', { release }));
    const updated = await map.get(id);
    await map.acquire(acquireRequest(id, 'update', 'upd-2'));
    await map.release(end('upd-2', {}));
    const untouched = await map.get(id);
    await map.acquire(acquireRequest(id, 'migrate', 'mig-1'));
    await map.recordMigration(id, 'mig-1', { release: { version: '2.0.0', image: 'repo/app:2.0.0' } }, []);
    const migrated = await map.get(id);
    await map.recordMigration(id, 'mig-1', { release: null }, []);
    const pooled = await map.get(id);

    // Assess
    expect(updated?.release).toEqual(release);
    expect(untouched?.release).toEqual(release);
    expect(migrated?.release).toEqual({ version: '2.0.0', image: 'repo/app:2.0.0' });
    expect(pooled?.release).toBeUndefined();
  });

  it('refuses resources for a migration the record does not have', async () => {
    // Prepare
    const map = await make();
    const id = uniqueId('nomig');
    await onboarded(map, id, BASIC);
    await map.acquire(acquireRequest(id, 'migrate', 'mig-1'));

    // Act
    const refused = await map
      .recordMigration(id, 'mig-1', { migrationResources: { cluster: { name: 'c', arn: 'arn:c' } } }, [])
      .catch((error: unknown) => error);

    // Assess
    expect(refused).toBeInstanceOf(ConflictError);
    expect((await map.get(id))?.migration).toBeUndefined();
  });

  it('repairs the resources of an unlocked tenant only at the version the repair was planned from', async () => {
    // Prepare
    const map = await make();
    const id = uniqueId('repair');
    const before = await onboarded(map, id, PREMIUM);
    const resources = { cluster: { name: `tf-${id}`, arn: `arn:cluster/tf-${id}-again` } };
    const entry = {
      operation: 'onboard' as const,
      execution: 'reconcile',
      step: 'CreateCluster',
      outcome: 'succeeded' as const,
      at: AT,
    };

    // Act
    const repaired = await map.repairResources({
      tenantId: id,
      expectedVersion: before.version,
      resources,
      history: [entry],
      at: AT,
    });
    const stale = await map
      .repairResources({ tenantId: id, expectedVersion: before.version, resources: {}, history: [], at: AT })
      .catch((error: unknown) => error);
    await map.acquire(acquireRequest(id, 'deactivate', 'deact-1'));
    const held = await map
      .repairResources({
        tenantId: id,
        expectedVersion: (await map.get(id))?.version ?? 0,
        resources: {},
        history: [],
        at: AT,
      })
      .catch((error: unknown) => error);

    // Assess
    expect(repaired).toMatchObject({ resources, version: before.version + 1, lifecycleStatus: 'ACTIVE' });
    expect(repaired.history.at(-1)).toEqual(entry);
    expect(stale).toBeInstanceOf(ConflictError);
    expect(held).toBeInstanceOf(ConflictError);
    expect((await map.get(id))?.resources).toEqual(resources);
  });

  it('migrates only an ACTIVE tenant', async () => {
    // Prepare
    const map = await make();
    const id = uniqueId('inactive');
    await onboarded(map, id, BASIC);
    await map.acquire(acquireRequest(id, 'deactivate', 'deact-1'));
    await map.release({
      tenantId: id,
      execution: 'deact-1',
      status: 'INACTIVE',
      active: false,
      resources: {},
      history: [],
      at: AT,
    });

    // Act
    const refused = await map
      .acquire(acquireRequest(id, 'migrate', 'mig-1'))
      .catch((error: unknown) => error);

    // Assess
    expect(refused).toBeInstanceOf(ConflictError);
    expect(refused).not.toBeInstanceOf(TenantLockedError);
  });

  it('releases with the outcome, setting, keeping or removing routing and lastError', async () => {
    // Prepare
    const map = await make();
    const id = uniqueId('rel');
    await map.acquire(acquireRequest(id, 'onboard', 'exec-1'));
    const routing = {
      mode: 'pooled' as const,
      clusterName: 'c',
      serviceName: 's',
      targetGroupArn: 'tg',
      tenantHeader: id,
    };
    const lastError = { operation: 'onboard' as const, step: 'X', reason: 'r', at: AT };

    // Act
    const failed = await map.release({
      tenantId: id,
      execution: 'exec-1',
      status: 'FAILED',
      active: false,
      resources: {},
      lastError,
      history: [],
      at: AT,
    });
    await map.acquire(acquireRequest(id, 'onboard', 'exec-2'));
    const kept = await map.release({
      tenantId: id,
      execution: 'exec-2',
      status: 'ACTIVE',
      active: true,
      resources: {},
      routing,
      history: [],
      at: AT,
    });
    await map.acquire(acquireRequest(id, 'offboard', 'exec-3'));
    const removed = await map.release({
      tenantId: id,
      execution: 'exec-3',
      status: 'DELETED',
      active: false,
      resources: {},
      routing: null,
      lastError: null,
      history: [],
      at: AT,
    });

    // Assess
    expect(failed).toMatchObject({ lifecycleStatus: 'FAILED', lastError });
    expect(failed.lock).toBeUndefined();
    expect(kept).toMatchObject({ lifecycleStatus: 'ACTIVE', active: true, routing, lastError });
    expect(removed.routing).toBeUndefined();
    expect(removed.lastError).toBeUndefined();
    expect(removed.lifecycleStatus).toBe('DELETED');
  });

  it('refuses a release by an execution without the lock, but converges on a retried release', async () => {
    // Prepare
    const map = await make();
    const id = uniqueId('twice');
    await map.acquire(acquireRequest(id, 'onboard', 'exec-1'));
    const release = {
      tenantId: id,
      execution: 'exec-1',
      status: 'ACTIVE' as const,
      active: true,
      resources: {},
      history: [
        {
          operation: 'onboard' as const,
          execution: 'exec-1',
          step: 'ActivateTenant',
          outcome: 'succeeded' as const,
          at: AT,
        },
      ],
      at: AT,
    };

    // Act
    const stranger = await map.release({ ...release, execution: 'exec-9' }).catch((error: unknown) => error);
    await map.release(release);
    const again = await map.release(release);

    // Assess
    expect(stranger).toBeInstanceOf(ConflictError);
    expect(again).toMatchObject({ lifecycleStatus: 'ACTIVE' });
  });

  it('lets releaseDead change nothing unless the dead execution holds the lock', async () => {
    // Prepare
    const map = await make();
    const id = uniqueId('dead');
    await map.acquire(acquireRequest(id, 'onboard', 'exec-1'));
    const dead = {
      tenantId: id,
      status: 'FAILED' as const,
      active: false,
      resources: {},
      history: [],
      at: AT,
    };

    // Act
    const other = await map.releaseDead({ ...dead, execution: 'exec-2' });
    const holder = await map.releaseDead({ ...dead, execution: 'exec-1' });

    // Assess
    expect(other).toBeUndefined();
    expect(holder).toMatchObject({ lifecycleStatus: 'FAILED' });
    expect(holder?.lock).toBeUndefined();
  });

  it('lists tenant records only', async () => {
    const map = await make();
    const id = uniqueId('listed');
    await map.acquire(acquireRequest(id, 'onboard', 'exec-1'));
    const records = await map.list();
    expect(records.some((record) => record.tenantId === id)).toBe(true);
    expect(records.every((record) => typeof record.lifecycleStatus === 'string')).toBe(true);
  });
});
