import { getSimplePaths } from 'xstate/graph';
import type { CaughtError } from '../../../../src/domain/resources.ts';
import type { MachineId } from '../../../../src/saga-contract.ts';
import { toCaughtError } from '../../../../state-machines/caught-error.ts';
import { MACHINES } from '../../../../state-machines/index.ts';

/** What one step did on a path: returned a new document, or failed. */
export type Outcome =
  | { step: string; kind: 'done'; output: unknown }
  | { step: string; kind: 'error'; error: CaughtError; thrown: Error };

/** One complete run of a model: the outcomes fed in, the steps it ran, where it ended. */
export interface ModelPath {
  outcomes: Outcome[];
  steps: string[];
  final: string;
  state: unknown;
}

export const INPUT = { detail: { tenantId: 't-1' } };
export const TIERS = ['basic', 'advanced', 'premium'] as const;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const fatal = (step: string): Error => {
  const error = new Error(`${step} broke`);
  error.name = 'FatalError';
  return error;
};

/** Each step leaves a trace in the document, so a lost or misplaced output shows up in the final state. */
const outputsOf = (step: string, state: unknown): unknown[] => {
  if (step === 'ValidateRequest')
    return TIERS.map((tier) => ({ request: { tier }, resources: {}, trail: [] }));
  const document = isRecord(state) ? state : {};
  const trail = Array.isArray(document.trail) ? document.trail : [];
  const next = { ...document, trail: [...trail, step] };
  if (step !== 'WaitForHealthy') return [next];
  const attempts =
    isRecord(document.health) && typeof document.health.attempts === 'number' ? document.health.attempts : 0;
  // One unhealthy poll at most: enough to take the wait loop once, and it keeps the graph finite.
  const verdicts = attempts === 0 ? [true, false] : [true];
  return verdicts.map((healthy) => ({ ...next, health: { attempts: attempts + 1, healthy, detail: '' } }));
};

/**
 * Every path of the model from start to a final state (xstate/graph simple paths), driving each
 * step actor with its done events and a fatal error. At most one compensation fails per path: the
 * chain's behaviour after a failed compensation is the same wherever it happens.
 */
export const modelPaths = (machine: MachineId): ModelPath[] => {
  const logic = MACHINES[machine];
  const paths = getSimplePaths(logic, {
    input: { execution: 'exec-1', input: INPUT },
    toState: (snapshot) => snapshot.status === 'done',
    events: (snapshot) => {
      const name = String(snapshot.value);
      const node = logic.root.states[name];
      if (!node) return [];
      if (node.after.length > 0) return node.after.map((after) => ({ type: after.eventType }));
      const [invoke] = node.invoke;
      if (!invoke) return [];
      const state = snapshot.context.state;
      const isCompensation = (node.transitions.get(`xstate.error.actor.${invoke.id}`) ?? []).some((t) =>
        t.actions.some((action) => isRecord(action) && action.type === 'recordCompensationError'),
      );
      const mayFail = !(isCompensation && isRecord(state) && state.compensationErrors);
      const done = outputsOf(name, state).map((output) => ({
        type: `xstate.done.actor.${invoke.id}`,
        output,
      }));
      return mayFail ? [...done, { type: `xstate.error.actor.${invoke.id}`, error: fatal(name) }] : done;
    },
  });
  return paths.map((path) => {
    const outcomes: Outcome[] = [];
    for (const { event } of path.steps) {
      const match = /^xstate\.(done|error)\.actor\.(.+)$/.exec(event.type);
      if (!match?.[2]) continue;
      const step = match[2];
      if (match[1] === 'done') outcomes.push({ step, kind: 'done', output: event.output });
      else {
        const thrown = event.error instanceof Error ? event.error : fatal(step);
        outcomes.push({ step, kind: 'error', error: toCaughtError(thrown), thrown });
      }
    }
    return {
      outcomes,
      steps: outcomes.map((outcome) => outcome.step),
      final: String(path.state.value),
      state: path.state.context.state,
    };
  });
};
