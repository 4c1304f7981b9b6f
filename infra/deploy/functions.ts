import type { AWS } from 'osls/types/index.js';
import { MACHINE_IDS } from '../../src/saga-contract.ts';
import { type FunctionName, LOGICAL_IDS, STATE_MACHINE_ARN_ENV } from './names.ts';

/** One entry of serverless.ts `functions`. */
export type FunctionConfig = NonNullable<AWS['functions']>[string];

/** Where scripts/package.mjs writes a function's bundle, relative to the service root. */
export const bundleDir = (name: FunctionName): string => `.esbuild/${name}`;

/**
 * The parts every function shares: the handler inside its own esbuild bundle, only that bundle in
 * its zip, its own role.
 */
export const bundledFunction = (name: FunctionName, role: string) => ({
  handler: `${bundleDir(name)}/${name}.handler`,
  role,
  package: { patterns: [`${bundleDir(name)}/**`] },
});

/** The three state machine ARNs as environment variables (the handlers read them by these names). */
export const stateMachineArnEnvironment = (): Record<string, { Ref: string }> =>
  Object.fromEntries(
    MACHINE_IDS.map((id) => [STATE_MACHINE_ARN_ENV[id], { Ref: LOGICAL_IDS.stateMachines[id] }]),
  );
