/**
 * Writes `state-machines/<id>.asl.json` for every saga (`npm run build:asl`, i.e.
 * `tsx state-machines/build.ts`). A test fails when a committed file differs from the compiler's output.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MACHINE_IDS, type MachineId } from '../src/domain/saga.ts';
import { compileMachine, renderAsl } from './compile.ts';
import { MACHINES } from './index.ts';

/** Where the committed definition of `machine` lives. */
export const aslPath = (machine: MachineId): string =>
  fileURLToPath(new URL(`./${machine}.asl.json`, import.meta.url));

/** Compiles and writes every definition; returns the paths written. */
export const buildAll = (): string[] =>
  MACHINE_IDS.map((id) => {
    const path = aslPath(id);
    writeFileSync(path, renderAsl(compileMachine(MACHINES[id])));
    return path;
  });

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const path of buildAll()) console.log(`wrote ${path}`);
}
