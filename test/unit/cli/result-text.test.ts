/** The lines a replay prints for one event. */
import { describe, expect, it } from 'vitest';
import { resultText } from '../../../src/cli/output.ts';
import type { ReplayResult } from '../../../src/local/runtime/index.ts';

const result = (overrides: Partial<ReplayResult>): ReplayResult => ({
  eventId: 'e-2',
  detailType: 'sbt_aws_onboardingRequest',
  tenantId: 'acme',
  tenantRegistrationId: 'reg-1',
  outcome: 'succeeded',
  execution: 'onboard-reg-1-abc',
  statusEvent: null,
  ...overrides,
});

describe('resultText without a status event', () => {
  it.each([
    [
      'a registration another execution answers (already onboarded): names it, not "no registration id"',
      result({ outcome: 'deferred', error: 'ReserveTenant: RegistrationBusyError: already onboarded' }),
      '  status event  none: registration reg-1 is answered by another execution (the one working on it, or the one that did it)',
    ],
    [
      'a redelivery',
      result({ outcome: 'duplicate' }),
      '  status event  none: a redelivery starts nothing new',
    ],
    [
      'an operation that answers nobody',
      result({ detailType: 'tenantflow_update', execution: 'update-acme-1', tenantRegistrationId: null }),
      '  status event  none (an update answers nobody)',
    ],
    [
      'an event that names no registration',
      result({ outcome: 'rejected', tenantRegistrationId: null, execution: null }),
      '  status event  none (no registration id to report to)',
    ],
  ])('%s', (_, replayed, line) => {
    // Act
    const lines = resultText(replayed);

    // Assess
    expect(lines.at(-1)).toBe(line);
  });
});
