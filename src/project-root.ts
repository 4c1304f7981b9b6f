import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository's root: the nearest folder above this module that holds package.json. Found by
 * walking up, so it is the same whether this runs from `src/` (through tsx) or from the compiled
 * CLI in `dist/cli/`.
 */
const findRoot = (): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
};

export const PROJECT_ROOT = findRoot();

/** A path inside the repository, e.g. `projectPath('events', 'samples')`. */
export const projectPath = (...parts: string[]): string => join(PROJECT_ROOT, ...parts);
