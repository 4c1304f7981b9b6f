import { isStepName, STEP_NAMES, type StepName } from '../../domain/saga.ts';

/** What an injected fault does to the step it hits. */
export const FAULT_KINDS = ['transient', 'throttle', 'fatal', 'crash'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * A fault planned for a local run: the next `count` runs of `step` fail the `kind` way, at the step's
 * AWS call number `call` (the first by default). transient / throttle / fatal make that call throw the
 * matching SDK exception; crash lets it take effect and then kills the handler (`Runtime.ExitError`).
 * A run that makes fewer calls fails the same way at its end.
 */
export interface FaultSpec {
  step: StepName;
  kind: FaultKind;
  count: number;
  /** Which of the step's AWS calls the fault hits, from 1 (absent: the first). */
  call?: number;
  /** Only in executions whose name contains this (a tenant id: that tenant's executions alone). */
  execution?: string;
}

const isFaultKind = (value: string): value is FaultKind => (FAULT_KINDS as readonly string[]).includes(value);

/**
 * Parses `STEP[#CALL]:KIND[:COUNT][@EXECUTION]` (count defaults to 1; `#N` puts the fault on the
 * step's Nth AWS call instead of its first; `@…` limits the fault to executions whose name contains
 * that text, such as a tenant id). Throws an `Error` whose message says what is wrong, fit for a
 * one-line CLI diagnostic.
 */
export const parseFaultSpec = (input: string): FaultSpec => {
  const at = input.indexOf('@');
  const text = at < 0 ? input : input.slice(0, at);
  const execution = at < 0 ? undefined : input.slice(at + 1);
  if (execution !== undefined && !/^[A-Za-z0-9_-]{1,80}$/.test(execution)) {
    throw new Error(`--fault "${input}": after @ comes part of an execution name (letters, digits, - and _)`);
  }
  const parts = text.split(':');
  const [target = '', kind = '', count, ...rest] = parts;
  if (parts.length < 2 || rest.length > 0) {
    throw new Error(
      `--fault "${text}": expected STEP[#CALL]:KIND[:COUNT], e.g. CreateService:transient:2 or CreateService#2:crash`,
    );
  }
  const hash = target.indexOf('#');
  const step = hash < 0 ? target : target.slice(0, hash);
  const call = hash < 0 ? undefined : target.slice(hash + 1);
  if (call !== undefined && !/^[1-9][0-9]{0,2}$/.test(call)) {
    throw new Error(`--fault "${text}": CALL (after #) must be a whole number from 1 to 999`);
  }
  if (!isStepName(step)) {
    throw new Error(`--fault "${text}": unknown step "${step}" (one of ${STEP_NAMES.join(', ')})`);
  }
  if (!isFaultKind(kind)) {
    throw new Error(`--fault "${text}": unknown kind "${kind}" (one of ${FAULT_KINDS.join(', ')})`);
  }
  if (count !== undefined && !/^[1-9][0-9]{0,3}$/.test(count)) {
    throw new Error(`--fault "${text}": COUNT must be a whole number from 1 to 9999`);
  }
  return {
    step,
    kind,
    count: count === undefined ? 1 : Number(count),
    ...(call === undefined ? {} : { call: Number(call) }),
    ...(execution ? { execution } : {}),
  };
};
