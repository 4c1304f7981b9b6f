import { describe, expect, it } from 'vitest';
import { choosePriority, lowestFreePriority, PRIORITY_MAX } from '../../../src/steps/priority.ts';

describe('lowestFreePriority', () => {
  it('returns 1 when nothing is taken', () => {
    // Prepare
    const taken = new Set<number>();
    // Act
    const priority = lowestFreePriority(taken);
    // Assess
    expect(priority).toBe(1);
  });

  it('returns the first gap', () => {
    // Prepare
    const taken = new Set([1, 2, 4]);
    // Act
    const priority = lowestFreePriority(taken);
    // Assess
    expect(priority).toBe(3);
  });

  it('returns undefined when all 50000 are taken', () => {
    // Prepare
    const taken = new Set(Array.from({ length: PRIORITY_MAX }, (_, i) => i + 1));
    // Act
    const priority = lowestFreePriority(taken);
    // Assess
    expect(priority).toBeUndefined();
  });
});

describe('choosePriority', () => {
  it('skips priorities claimed by anyone, used by rules, or already tried', () => {
    // Prepare
    const input = {
      tenantId: 'acme',
      usedByRules: new Set([1, 3]),
      claims: [{ priority: 2, tenantId: 'other' }],
      tried: new Set([4]),
    };
    // Act
    const priority = choosePriority(input);
    // Assess
    expect(priority).toBe(5);
  });

  it("takes the tenant's own earlier claim first", () => {
    // Prepare
    const input = {
      tenantId: 'acme',
      usedByRules: new Set<number>(),
      claims: [
        { priority: 9, tenantId: 'acme' },
        { priority: 7, tenantId: 'acme' },
      ],
      tried: new Set<number>(),
    };
    // Act
    const priority = choosePriority(input);
    // Assess
    expect(priority).toBe(7);
  });

  it('passes over an own claim a rule already uses', () => {
    // Prepare
    const input = {
      tenantId: 'acme',
      usedByRules: new Set([7]),
      claims: [{ priority: 7, tenantId: 'acme' }],
      tried: new Set<number>(),
    };
    // Act
    const priority = choosePriority(input);
    // Assess
    expect(priority).toBe(1);
  });
});
