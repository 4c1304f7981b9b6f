import type { SimContext } from './context.ts';
import type { SimResource } from './inventory.ts';

export type { SimResource } from './inventory.ts';

/*
 * One simulated AWS service, whole: the SDK client it answers, its calls, its rate quotas, how it
 * fails, and the resources it holds (for the inventory and the Tagging API). Its state lives in
 * the slices of its `state.ts`. A service is one folder under `services/`, registered in
 * `registry.ts` (its plug-in) and `state.ts` (its slices); nothing else in the simulator names it.
 */

/** A command's output as a simulated handler returns it: the middleware adds `$metadata`. */
export type Out<T> = Omit<T, '$metadata'>;

/** A simulated command: reads its raw input, changes the state, returns the SDK-shaped output. */
export type SimHandler = (ctx: SimContext, input: unknown) => object;

/** A token bucket a call draws one token from: AWS's rate quota for it (burst, then a steady rate). */
export interface BucketSpec {
  key: string;
  burst: number;
  perSecond: number;
}

/** The options an SDK service exception is built from (`$metadata` is added per error). */
export interface ExceptionOptions {
  name: string;
  $fault: 'client' | 'server';
  $metadata: object;
  message: string;
}

/** An SDK client class. */
export type ClientClass = abstract new () => object;

export interface SimPlugin<N extends string = string, C extends ClientClass = ClientClass> {
  /** The name calls, throttles and faults are reported under. */
  readonly name: N;
  /** The SDK client class whose calls this service answers. */
  readonly client: C;
  /** The service's base exception: throttles, injected faults and unmodelled errors are built on it. */
  readonly exception: new (
    options: ExceptionOptions,
  ) => Error;
  /** The error name the service throttles with. */
  readonly throttlingName: string;
  /** Its calls, by command name without `Command`. */
  readonly handlers: Readonly<Record<string, SimHandler>>;
  /** Calls that only read (no write log, no state to write back); default: Describe…, List…, Get…. */
  readonly readOnly?: RegExp;
  /** The buckets a call draws from when rate quotas are enforced; none: never throttled. */
  readonly buckets?: (command: string) => BucketSpec[];
  /** What it holds now, and what the tag index still lists. */
  readonly resources?: (ctx: SimContext) => SimResource[];
}

/** Declares a plug-in, keeping its name as a literal type. */
export const definePlugin = <const N extends string, C extends ClientClass>(
  plugin: SimPlugin<N, C>,
): SimPlugin<N, C> => plugin;

const READ_ONLY = /^(Describe|List|Get)/;

/** Whether `command` of `plugin` only reads. */
export const isReadOnly = (plugin: SimPlugin, command: string): boolean =>
  (plugin.readOnly ?? READ_ONLY).test(command);
