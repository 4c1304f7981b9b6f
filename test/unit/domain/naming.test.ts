import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  NAME_DIGEST_HEX,
  ownership,
  resourceNames,
  tenantDigest,
  tenantTags,
} from '../../../src/domain/naming.ts';
import { SAFE_ID_PATTERN } from '../../../src/domain/schemas.ts';

const safeId = fc.stringMatching(SAFE_ID_PATTERN);

describe('resource names', () => {
  it('end in a 64-bit digest of the whole tenant id', () => {
    const names = resourceNames('acme', 'tf');
    const digest = tenantDigest('acme');
    expect(digest).toMatch(new RegExp(`^[0-9a-f]{${NAME_DIGEST_HEX}}$`));
    expect(NAME_DIGEST_HEX * 4).toBeGreaterThanOrEqual(64);
    expect(names).toEqual({
      clusterName: `tf-acme-${digest}`,
      serviceName: `tf-acme-${digest}`,
      taskDefinitionFamily: `tf-acme-${digest}`,
      containerName: 'app',
      targetGroupName: `tf-acme-${digest}`,
      userPoolName: `tf-acme-${digest}`,
    });
  });

  it('keep target group names within ELB rules whatever the id and prefix', () => {
    fc.assert(
      fc.property(safeId, fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/), (id, prefix) => {
        const { targetGroupName, clusterName } = resourceNames(id, prefix);
        return (
          /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/.test(targetGroupName) &&
          /^[A-Za-z0-9_-]{1,255}$/.test(clusterName)
        );
      }),
    );
  });

  it('never give two ids the same target group name, even ids that share every character that fits', () => {
    // Prepare: ids that agree on the first 60 characters, where the old 20-character slug stopped.
    const shared = 'a'.repeat(60);
    const ids = ['0000', '0001', 'b000', 'B000'].map((tail) => `${shared}${tail}`);

    // Act
    const names = ids.map((id) => resourceNames(id).targetGroupName);

    // Assess
    expect(new Set(names).size).toBe(ids.length);
    fc.assert(
      fc.property(
        safeId,
        safeId,
        (a, b) => a === b || resourceNames(a).targetGroupName !== resourceNames(b).targetGroupName,
      ),
    );
  });
});

describe('ownership', () => {
  it("is ours only with tenantflow's managed-by tag and this tenant's id", () => {
    expect(ownership(tenantTags('acme', 'advanced'), 'acme')).toBe('ours');
    expect(ownership(tenantTags('globex', 'advanced'), 'acme')).toBe('foreign');
    expect(ownership(tenantTags('ACME', 'advanced'), 'acme')).toBe('foreign');
    expect(ownership([{ key: 'tenantflow:tenant-id', value: 'acme' }], 'acme')).toBe('foreign');
    expect(ownership([], 'acme')).toBe('foreign');
  });
});
