import { describe, expect, it } from 'vitest';
import { isDynamoReservedWord, RESERVED_WORD_COUNT } from '../../../events/reserved-words.ts';

describe('isDynamoReservedWord', () => {
  it('holds the whole published list', () => {
    // Assess
    expect(RESERVED_WORD_COUNT).toBe(573);
  });

  it.each([
    ['status', true],
    ['NAME', true],
    ['Comment', true],
    // Not on the published list, though often assumed to be.
    ['reason', false],
    ['registrationStatus', false],
    ['failureReason', false],
    ['failedStep', false],
    ['tenantStatus', false],
    ['tenantConfig', false],
  ])('%s → %s', (key, reserved) => {
    // Act
    const result = isDynamoReservedWord(key);

    // Assess
    expect(result).toBe(reserved);
  });
});
