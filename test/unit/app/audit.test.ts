import { describe, expect, it } from 'vitest';
import { STALE_LOCK_MARGIN_SECONDS, staleLocks } from '../../../src/app/audit.ts';
import type { TenantRecord } from '../../../src/domain/tenant-record.ts';
import { makeAuditHandler } from '../../../src/handlers/make-audit.ts';
import { createFakes } from '../../support/fake-ports.ts';

const NOW = new Date('2026-11-28T12:00:00.000Z');
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000).toISOString();
const record = (tenantId: string, lock?: TenantRecord['lock']): TenantRecord => ({
  tenantId,
  tenantName: tenantId,
  lifecycleStatus: lock ? 'PROVISIONING' : 'ACTIVE',
  active: !lock,
  resources: {},
  history: [],
  version: 1,
  createdAt: ago(99_999),
  updatedAt: ago(1),
  ...(lock ? { lock } : {}),
});

describe('staleLocks', () => {
  it("counts only locks held longer than their machine's time bound plus the margin", () => {
    // Prepare: onboarding's bound is 3600 s, offboarding's 5400 s.
    const records = [
      record('fresh', { execution: 'a', operation: 'onboard', since: ago(60) }),
      record('just-inside', {
        execution: 'b',
        operation: 'onboard',
        since: ago(3600 + STALE_LOCK_MARGIN_SECONDS),
      }),
      record('stuck', {
        execution: 'c',
        operation: 'onboard',
        since: ago(3600 + STALE_LOCK_MARGIN_SECONDS + 1),
      }),
      record('long-offboarding', {
        execution: 'd',
        operation: 'offboard',
        since: ago(4000 + STALE_LOCK_MARGIN_SECONDS),
      }),
      record('unlocked'),
    ];

    // Act
    const stale = staleLocks(records, NOW);

    // Assess
    expect(stale).toEqual([
      {
        tenantId: 'stuck',
        execution: 'c',
        operation: 'onboard',
        since: ago(3600 + STALE_LOCK_MARGIN_SECONDS + 1),
        heldSeconds: 3600 + STALE_LOCK_MARGIN_SECONDS + 1,
        boundSeconds: 3600 + STALE_LOCK_MARGIN_SECONDS,
      },
    ]);
  });
});

describe('the audit handler', () => {
  it('publishes the count as TenantsLockedPastBound and returns the stale locks', async () => {
    // Prepare
    const { tenants } = createFakes();
    tenants.seed({
      tenantId: 'stuck',
      lifecycleStatus: 'PROVISIONING',
      lock: { execution: 'c', operation: 'onboard', since: ago(99_999) },
    });
    const lines: string[] = [];
    const original = process.stdout.write.bind(process.stdout);
    const obs = await import('../../../src/handlers/lambda-observability.ts');
    const handler = makeAuditHandler({ tenants, now: () => NOW }, obs.observability('audit'));
    const disabled = process.env.POWERTOOLS_METRICS_DISABLED;
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    process.stdout.write = ((chunk: string) => {
      lines.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;

    // Act
    let result: { staleLocks: Array<{ tenantId: string }> };
    try {
      result = await handler({}, { functionName: 'audit', getRemainingTimeInMillis: () => 60_000 } as never);
    } finally {
      process.stdout.write = original;
      if (disabled === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
      else process.env.POWERTOOLS_METRICS_DISABLED = disabled;
    }

    // Assess
    expect(result.staleLocks.map((s) => s.tenantId)).toEqual(['stuck']);
    const emf = lines
      .map((l) => l.trim())
      .filter((l) => l.includes('"_aws"'))
      .map((l) => JSON.parse(l));
    expect(emf).toContainEqual(expect.objectContaining({ TenantsLockedPastBound: 1, service: 'tenantflow' }));
  });
});
