import { describe, expect, it } from 'vitest';
import {
  describeCaught,
  failureCause,
  failureReason,
  MAX_REASON_LENGTH,
} from '../../../src/domain/reasons.ts';

describe('failure reasons', () => {
  it("reads Lambda's JSON cause: <step>: <errorType>: <message>", () => {
    // Prepare
    const failure = {
      step: 'CreateService',
      error: {
        Error: 'FatalError',
        Cause: JSON.stringify({
          errorType: 'FatalError',
          errorMessage: 'subnet-a does not exist',
          trace: ['at x'],
        }),
      },
    };
    // Act
    const reason = failureReason(failure);
    // Assess
    expect(reason).toBe('CreateService: FatalError: subnet-a does not exist');
  });

  it('uses a plain-text cause as it is', () => {
    // Prepare
    const failure = {
      step: 'WaitForHealthy',
      error: { Error: 'States.Timeout', Cause: 'Task timed out after 60 s' },
    };
    // Act
    const reason = failureReason(failure);
    // Assess
    expect(reason).toBe('WaitForHealthy: States.Timeout: Task timed out after 60 s');
  });

  it('keeps JSON that is not a Lambda error as text', () => {
    // Prepare
    const error = { Error: 'Custom', Cause: '{"foo":1}' };
    // Act
    const text = describeCaught(error);
    // Assess
    expect(text).toBe('Custom: {"foo":1}');
  });

  it('drops the separator when there is no cause', () => {
    // Prepare
    const error = { Error: 'States.Timeout', Cause: '' };
    // Act
    const text = describeCaught(error);
    // Assess
    expect(text).toBe('States.Timeout');
  });

  it('says so when no failure was recorded', () => {
    // Prepare
    const failure = undefined;
    // Act
    const reason = failureReason(failure);
    // Assess
    expect(reason).toBe('unknown: the saga failed without a recorded error');
    expect(failureCause(failure)).toBe('the saga failed without a recorded error');
  });

  it('bounds the reason', () => {
    // Prepare
    const failure = { step: 'CreateService', error: { Error: 'FatalError', Cause: 'x'.repeat(5000) } };
    // Act
    const reason = failureReason(failure);
    // Assess
    expect(reason).toHaveLength(MAX_REASON_LENGTH);
    expect(reason.endsWith('…')).toBe(true);
  });
});
