import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';
import {
  type DelayLength,
  isMachineId,
  isStepName,
  MACHINE_IDS,
  MACHINE_TIMEOUT_SECONDS,
  type MachineId,
} from '../src/domain/saga.ts';
import type { AslChoiceRule, AslDefinition, AslState, AslTaskState } from './asl.ts';
import { DELAY_SECONDS, GUARD_CONDITIONS, isDelayName, isGuardName, toChoiceRule } from './guards.ts';
import { RETRY_POLICY } from './retry.ts';
import { FINAL_STATES } from './setup.ts';

/** The Task `Resource` in generated definitions; `serverless.ts` swaps in the step function's ARN. */
export const STEP_FUNCTION_ARN_PLACEHOLDER = 'arn:aws:lambda:us-east-1:000000000000:function:tenantflow-step';

export { MACHINE_TIMEOUT_SECONDS };

/** Per-invocation bound of a step (its Lambda's own timeout must stay below it). */
export const TASK_TIMEOUT_SECONDS = 120;

/** Error name of the Fail state every saga ends in when it did not succeed. */
export const SAGA_FAILED_ERROR = 'TenantLifecycleFailed';

class UnsupportedConstruct extends Error {
  constructor(state: string, what: string) {
    super(`state ${state}: ${what}`);
    this.name = 'UnsupportedConstruct';
  }
}

const actionTypes = (transition: AnyTransitionDefinition): string[] =>
  transition.actions.map((action) =>
    typeof action === 'object' && action !== null && 'type' in action && typeof action.type === 'string'
      ? action.type
      : typeof action === 'string'
        ? action
        : '(inline function)',
  );

/** The only target of an unguarded transition. */
const soleTarget = (state: string, transition: AnyTransitionDefinition | undefined, what: string): string => {
  const targets = transition?.target ?? [];
  if (!transition || targets.length !== 1 || transition.guard || transition.reenter) {
    throw new UnsupportedConstruct(state, `${what} must be one unguarded transition to one state`);
  }
  const [target] = targets;
  if (!target || target.parent?.parent)
    throw new UnsupportedConstruct(state, `${what} must target a top-level state`);
  return target.key;
};

const onlyTransition = (node: AnyStateNode, eventType: string): AnyTransitionDefinition | undefined => {
  const transitions = node.transitions.get(eventType) ?? [];
  if (transitions.length > 1) throw new UnsupportedConstruct(node.key, `several transitions on ${eventType}`);
  return transitions[0];
};

const compileTask = (node: AnyStateNode, machine: MachineId): Record<string, AslState> => {
  const name = node.key;
  const [invoke] = node.invoke;
  if (!invoke || node.invoke.length !== 1 || invoke.src !== name || !isStepName(name)) {
    throw new UnsupportedConstruct(name, 'a step state must invoke exactly the step actor of its own name');
  }
  const done = onlyTransition(node, `xstate.done.actor.${invoke.id}`);
  const failed = onlyTransition(node, `xstate.error.actor.${invoke.id}`);
  const next = soleTarget(name, done, 'onDone');
  if (done && actionTypes(done).join() !== 'saveState')
    throw new UnsupportedConstruct(name, 'onDone must only saveState');
  const recovery = soleTarget(name, failed, 'onError');
  const recorded = failed ? actionTypes(failed).join() : '';
  const task: AslTaskState = {
    Type: 'Task',
    Resource: STEP_FUNCTION_ARN_PLACEHOLDER,
    Parameters: { step: name, machine, 'execution.$': '$$.Execution.Name', 'state.$': '$' },
    // No `ResultPath`: its default, "$", replaces the document with the step's output. Spelling it out
    // breaks aws-local-stepfunctions 3.0.0, which then writes the output under a field named "$".
    TimeoutSeconds: TASK_TIMEOUT_SECONDS,
    Retry: RETRY_POLICY.map((retrier) => ({ ...retrier, ErrorEquals: [...retrier.ErrorEquals] })),
    Catch: [],
    Next: next,
  };
  if (recorded === 'recordCompensationError') {
    task.Catch = [
      { ErrorEquals: ['States.ALL'], ResultPath: `$.compensationErrors.${name}`, Next: recovery },
    ];
    return { [name]: task };
  }
  if (recorded !== 'recordFailure') {
    throw new UnsupportedConstruct(name, 'onError must recordFailure or recordCompensationError');
  }
  // Step Functions creates the missing `failure` object on the way (ASL: "intervening fields constructed").
  const marker = `${name}Failed`;
  task.Catch = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure.error', Next: marker }];
  return {
    [name]: task,
    [marker]: { Type: 'Pass', Result: name, ResultPath: '$.failure.step', Next: recovery },
  };
};

const compileChoice = (node: AnyStateNode): AslState => {
  const always = node.always ?? [];
  const otherwise = always.at(-1);
  const Choices: AslChoiceRule[] = always.slice(0, -1).map((transition) => {
    const guard = transition.guard;
    const guardName = typeof guard === 'string' ? guard : '';
    if (!isGuardName(guardName))
      throw new UnsupportedConstruct(node.key, 'each branch but the last needs a guard of the table');
    const target = transition.target?.[0]?.key;
    if (!target || transition.target?.length !== 1)
      throw new UnsupportedConstruct(node.key, 'a branch needs one target');
    return { ...toChoiceRule(GUARD_CONDITIONS[guardName]), Next: target };
  });
  if (Choices.length === 0)
    throw new UnsupportedConstruct(node.key, 'a choice needs at least one guarded branch');
  return { Type: 'Choice', Choices, Default: soleTarget(node.key, otherwise, 'the last branch') };
};

const compileWait = (node: AnyStateNode): AslState => {
  const [after] = node.after;
  const delay = typeof after?.delay === 'string' ? after.delay : '';
  if (node.after.length !== 1 || !isDelayName(delay))
    throw new UnsupportedConstruct(node.key, 'a wait needs one named delay');
  const length: DelayLength = DELAY_SECONDS[delay];
  const next = soleTarget(node.key, after, 'after');
  return typeof length === 'number'
    ? { Type: 'Wait', Seconds: length, Next: next }
    : { Type: 'Wait', SecondsPath: `$.${length.secondsAt.join('.')}`, Next: next };
};

const compileFinal = (node: AnyStateNode, machine: MachineId): AslState => {
  if (node.key === FINAL_STATES.succeeded) return { Type: 'Succeed' };
  if (node.key === FINAL_STATES.failed) {
    return {
      Type: 'Fail',
      Error: SAGA_FAILED_ERROR,
      Cause: `The ${machine} saga failed: $.failure and $.compensationErrors of the last state say where and why.`,
    };
  }
  throw new UnsupportedConstruct(
    node.key,
    `final states are named ${FINAL_STATES.succeeded} or ${FINAL_STATES.failed}`,
  );
};

const compileState = (node: AnyStateNode, machine: MachineId): Record<string, AslState> => {
  if (node.type === 'final') return { [node.key]: compileFinal(node, machine) };
  // xstate implements `after` with one entry (schedule) and one exit (cancel) action per delay.
  const ownActions = node.after.length;
  if (node.type !== 'atomic' || node.entry.length > ownActions || node.exit.length > ownActions) {
    throw new UnsupportedConstruct(node.key, 'only atomic states without entry/exit actions are supported');
  }
  const kinds = [node.invoke.length > 0, (node.always?.length ?? 0) > 0, node.after.length > 0].filter(
    Boolean,
  );
  if (kinds.length !== 1)
    throw new UnsupportedConstruct(node.key, 'a state is exactly one of step, choice or wait');
  const handled = node.invoke.flatMap((invoke) => [
    `xstate.done.actor.${invoke.id}`,
    `xstate.error.actor.${invoke.id}`,
  ]);
  const events = [...node.transitions.keys()].filter(
    (type) => !handled.includes(type) && !type.startsWith('xstate.after.'),
  );
  if (events.length > 0)
    throw new UnsupportedConstruct(node.key, `event transitions are not supported (${events.join(', ')})`);
  if (node.invoke.length > 0) return compileTask(node, machine);
  if (node.after.length > 0) return { [node.key]: compileWait(node) };
  return { [node.key]: compileChoice(node) };
};

/**
 * Compiles a saga model into a Standard Step Functions definition (JSONPath only). Throws naming the
 * state when the model uses a construct outside the supported shapes (see builders.ts).
 */
export const compileMachine = (machine: AnyStateMachine): AslDefinition => {
  const id = machine.id;
  if (!isMachineId(id))
    throw new UnsupportedConstruct(id, `the machine id must be one of ${MACHINE_IDS.join(', ')}`);
  const initial = machine.root.initial?.target[0]?.key;
  if (!initial) throw new UnsupportedConstruct(id, 'the machine needs an initial state');
  const States: Record<string, AslState> = {};
  for (const node of Object.values(machine.root.states)) {
    for (const [name, state] of Object.entries(compileState(node, id))) {
      if (name in States || (name !== node.key && name in machine.root.states)) {
        throw new UnsupportedConstruct(
          name,
          'the name is taken twice (a generated state clashes with a model state)',
        );
      }
      States[name] = state;
    }
  }
  return {
    Comment: `tenantflow ${id} saga: generated from state-machines/${id}.ts by state-machines/build.ts; do not edit.`,
    StartAt: initial,
    TimeoutSeconds: MACHINE_TIMEOUT_SECONDS[id],
    States,
  };
};

/** The definition as committed: two-space JSON with a final newline. */
export const renderAsl = (definition: AslDefinition): string => `${JSON.stringify(definition, null, 2)}\n`;
