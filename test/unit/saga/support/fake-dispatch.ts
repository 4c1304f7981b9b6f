import { vi } from 'vitest';
import { FatalError } from '../../../../src/domain/errors.ts';
import type { StepPayload } from '../../../../src/saga-contract.ts';

export interface Script {
  tier: 'basic' | 'advanced' | 'premium';
  /** The step that throws, `times` times (default: always). */
  failAt?: string;
  times?: number;
  error?: () => Error;
  /** How many health polls report unhealthy before one reports healthy. */
  unhealthyPolls?: number;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A step dispatcher that follows `script` and leaves a trail of the steps in the state. */
export const fakeDispatch = (script: Script) => {
  let failures = 0;
  let polls = 0;
  return vi.fn(async (payload: StepPayload): Promise<unknown> => {
    if (payload.step === script.failAt && failures < (script.times ?? Number.POSITIVE_INFINITY)) {
      failures += 1;
      throw script.error ? script.error() : new FatalError(`${payload.step} broke`);
    }
    if (payload.step === 'ValidateRequest') {
      return {
        request: { tier: script.tier, tenantId: 't-1' },
        execution: payload.execution,
        resources: {},
        trail: [],
      };
    }
    const state = isRecord(payload.state) ? payload.state : {};
    const trail = Array.isArray(state.trail) ? state.trail : [];
    const next = { ...state, trail: [...trail, payload.step] };
    if (payload.step !== 'WaitForHealthy') return next;
    polls += 1;
    return {
      ...next,
      health: { attempts: polls, healthy: polls > (script.unhealthyPolls ?? 0), detail: '' },
    };
  });
};

/** The steps `dispatch` was called with, in order (retries included). */
export const calledSteps = (dispatch: ReturnType<typeof fakeDispatch>): string[] =>
  dispatch.mock.calls.map(([payload]) => payload.step);
