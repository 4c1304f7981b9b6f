import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from '../args.ts';
import { sagaDiagram, sagaMermaid } from '../diagram/index.ts';
import { type CliIo, EXIT } from '../io.ts';

/**
 * Makes the missing directories above `file`, one at a time from the nearest one that exists (a
 * recursive mkdir can spin where a directory cannot be made, e.g. under /proc). Returns why not.
 */
const makeParents = (file: string): string | undefined => {
  const missing: string[] = [];
  let dir = dirname(file);
  for (;;) {
    const info = statSync(dir, { throwIfNoEntry: false });
    if (info) {
      if (!info.isDirectory()) return `${dir} is not a directory`;
      break;
    }
    missing.unshift(dir);
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const path of missing) {
    try {
      mkdirSync(path);
    } catch (error) {
      return `cannot make ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
    }
  }
  return undefined;
};

/**
 * `diagram`: the sagas drawn from the xstate models, as SVG (laid out by ELK, one saga under the
 * other, readable at README width) or as Markdown with Mermaid state diagrams. `--out -` is stdout.
 * Its own module: only this command loads the layout engine.
 */
export const diagram = async (command: Extract<Command, { name: 'diagram' }>, io: CliIo): Promise<number> => {
  const text = command.format === 'svg' ? await sagaDiagram() : sagaMermaid();
  if (command.out === '-') {
    io.out(text.trimEnd());
    return EXIT.ok;
  }
  const problem = makeParents(command.out);
  if (problem) {
    io.err(`tenantflow: --out ${command.out}: ${problem}`);
    return EXIT.usage;
  }
  writeFileSync(command.out, text.endsWith('\n') ? text : `${text}\n`);
  io.err(`wrote ${command.out}`);
  return EXIT.ok;
};
