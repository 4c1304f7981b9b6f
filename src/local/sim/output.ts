import type { SimContext } from './context.ts';

/** A command's output as a simulated handler returns it: the middleware adds `$metadata`. */
export type Out<T> = Omit<T, '$metadata'>;

/** A simulated command: reads its raw input, changes the state, returns the SDK-shaped output. */
export type SimHandler = (ctx: SimContext, input: unknown) => object;
