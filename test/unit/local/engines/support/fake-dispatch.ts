import { vi } from 'vitest';
import { FatalError } from '../../../../../src/domain/errors.ts';
import type { StepPayload } from '../../../../../src/domain/saga.ts';

export interface Script {
  tier: 'basic' | 'advanced' | 'premium';
  /** The step that throws, `times` times (default: always). */
  failAt?: string;
  times?: number;
  error?: () => Error;
  /** How many health polls report unhealthy before one reports healthy. */
  unhealthyPolls?: number;
  /** How many looks at the tenant find it held by another execution before LockTenant gets it. */
  lockedLooks?: number;
}

/** The placement shape of each reference tier: what the guards decide on. */
export const PLACEMENTS = {
  basic: { tier: 'basic', cluster: 'shared', service: 'pooled' },
  advanced: { tier: 'advanced', cluster: 'shared', service: 'own' },
  premium: { tier: 'premium', cluster: 'dedicated', service: 'own' },
} as const;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A step dispatcher that follows `script` and leaves a trail of the steps in the state. */
export const fakeDispatch = (script: Script) => {
  let failures = 0;
  let polls = 0;
  let looks = 0;
  return vi.fn(async (payload: StepPayload): Promise<unknown> => {
    if (payload.step === script.failAt && failures < (script.times ?? Number.POSITIVE_INFINITY)) {
      failures += 1;
      throw script.error ? script.error() : new FatalError(`${payload.step} broke`);
    }
    // A rollout of two waves: the first settles after the unhealthy polls and bakes once, the second
    // settles at once; then the report.
    if (payload.step === 'PlanRollout')
      return { progress: { phase: 'running', wave: 0 }, report: { status: 'running' }, trail: [] };
    if (payload.step === 'RunWave' || payload.step === 'BakeWave' || payload.step === 'ReportRollout') {
      const state = isRecord(payload.state) ? payload.state : {};
      const trail = [...(Array.isArray(state.trail) ? state.trail : []), payload.step];
      const progress = isRecord(state.progress) ? state.progress : {};
      const wave = typeof progress.wave === 'number' ? progress.wave : 0;
      if (payload.step === 'ReportRollout') return { ...state, trail };
      if (payload.step === 'RunWave') {
        polls += 1;
        const settled = wave > 0 || polls > (script.unhealthyPolls ?? 0);
        return { ...state, trail, progress: { ...progress, settled, passed: settled } };
      }
      const baked = progress.phase === 'baking';
      if (wave === 0 && !baked) return { ...state, trail, progress: { ...progress, phase: 'baking' } };
      if (wave === 0)
        return { ...state, trail, progress: { ...progress, phase: 'running', wave: 1, settled: false } };
      return { ...state, trail, progress: { ...progress, phase: 'done' }, report: { status: 'completed' } };
    }
    if (payload.step === 'ValidateRequest') {
      return {
        request: { tier: script.tier, tenantId: 't-1' },
        execution: payload.execution,
        placement: PLACEMENTS[script.tier],
        resources: {},
        trail: [],
      };
    }
    const state = isRecord(payload.state) ? payload.state : {};
    const trail = Array.isArray(state.trail) ? state.trail : [];
    const next = { ...state, trail: [...trail, payload.step] };
    // The switch says how long requests to the source may take (DrainPrevious waits that long).
    if (payload.step === 'SwitchRouting') {
      const migration = isRecord(state.migration) ? state.migration : {};
      return { ...next, migration: { ...migration, drainSeconds: 30 } };
    }
    if (payload.step === 'LockTenant') {
      looks += 1;
      return { ...next, lockWait: { held: looks > (script.lockedLooks ?? 0), attempts: looks } };
    }
    // A release update's waits: the deployment (or its rollback) done after the same unhealthy polls.
    const wait = { WaitForDeployment: 'deployment', RollBackRelease: 'rollback' }[payload.step as string];
    if (wait !== undefined) {
      polls += 1;
      const done = polls > (script.unhealthyPolls ?? 0);
      const update = isRecord(state.update) ? state.update : {};
      return { ...next, update: { ...update, [wait]: { attempts: polls, done, detail: '' } } };
    }
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
