import type { AslDefinition } from '../../../../state-machines/asl.ts';
import type { Outcome } from './model-paths.ts';

/** Where a walk of the ASL ended and what it did on the way. */

/** One comparison of a Choice rule. */
type ChoiceTest = { Variable: string; StringEquals?: string; BooleanEquals?: boolean; IsPresent?: boolean };
export interface AslWalk {
  steps: string[];
  end: 'Succeed' | 'Fail';
  state: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const fieldsOf = (path: string): string[] => {
  if (!path.startsWith('$.')) throw new Error(`unsupported path ${path}`);
  return path.slice(2).split('.');
};

const read = (document: unknown, path: string): unknown =>
  fieldsOf(path).reduce<unknown>((node, key) => (isRecord(node) ? node[key] : undefined), document);

/** ASL ResultPath semantics: the result is set at the path, intervening objects created as needed. */
const write = (document: unknown, fields: string[], value: unknown): unknown => {
  const [head, ...rest] = fields;
  if (head === undefined) return value;
  const base = isRecord(document) ? document : {};
  return { ...base, [head]: write(base[head], rest, value) };
};

/**
 * Walks a generated definition by hand, independently of both engines: a Task consumes the next
 * outcome (its output replaces the document; a failure goes through the first matching Catch),
 * a Pass writes its Result, a Choice tests its rules, a Wait checks its length and goes on.
 */
export const walkAsl = (definition: AslDefinition, input: unknown, outcomes: readonly Outcome[]): AslWalk => {
  const steps: string[] = [];
  let document = input;
  let name = definition.StartAt;
  let consumed = 0;
  for (let hops = 0; hops < 500; hops += 1) {
    const state = definition.States[name];
    if (!state) throw new Error(`no state ${name}`);
    switch (state.Type) {
      case 'Task': {
        const outcome = outcomes[consumed];
        consumed += 1;
        if (!outcome || outcome.step !== name)
          throw new Error(`Task ${name} met outcome ${outcome?.step ?? 'none'}`);
        steps.push(name);
        if (outcome.kind === 'done') {
          document = outcome.output;
          name = state.Next;
          break;
        }
        const catcher = state.Catch.find((c) =>
          c.ErrorEquals.some((e) => e === 'States.ALL' || e === outcome.error.Error),
        );
        if (!catcher) throw new Error(`Task ${name}: nothing catches ${outcome.error.Error}`);
        document = write(document, fieldsOf(catcher.ResultPath), outcome.error);
        name = catcher.Next;
        break;
      }
      case 'Pass':
        document = write(document, fieldsOf(state.ResultPath), state.Result);
        name = state.Next;
        break;
      case 'Choice': {
        const holds = (test: ChoiceTest): boolean => {
          const value = read(document, test.Variable);
          if (test.IsPresent !== undefined) return (value !== undefined) === test.IsPresent;
          // Step Functions fails a comparison with a missing field: the compiler never emits one.
          if (value === undefined) throw new Error(`States.Runtime: ${test.Variable} is missing`);
          return test.StringEquals !== undefined ? value === test.StringEquals : value === test.BooleanEquals;
        };
        const rule = state.Choices.find((r) => ('And' in r ? r.And.every(holds) : holds(r)));
        name = rule ? rule.Next : state.Default;
        break;
      }
      case 'Wait': {
        // Step Functions fails the execution when SecondsPath holds no whole number of seconds.
        const seconds = state.SecondsPath === undefined ? state.Seconds : read(document, state.SecondsPath);
        if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0)
          throw new Error(`States.Runtime: Wait ${name} has no length (${state.SecondsPath})`);
        name = state.Next;
        break;
      }
      case 'Succeed':
      case 'Fail':
        if (consumed !== outcomes.length) throw new Error(`ended at ${name} with outcomes left over`);
        return { steps, end: state.Type, state: document };
    }
  }
  throw new Error('the walk did not end');
};
