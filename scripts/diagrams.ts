/**
 * Regenerates the committed pictures of the sagas from the xstate models: docs/sagas.svg and the
 * Mermaid block of README.md (between its sagas:mermaid markers). A test fails while either is stale.
 *   npm run build:diagrams
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { sagaDiagram, sagaMermaid, withReadmeBlock } from '../src/cli/diagram/index.ts';
import { projectPath } from '../src/project-root.ts';

const svgPath = projectPath('docs', 'sagas.svg');
writeFileSync(svgPath, await sagaDiagram());
const readmePath = projectPath('README.md');
writeFileSync(readmePath, withReadmeBlock(readFileSync(readmePath, 'utf8'), sagaMermaid()));
console.error('build:diagrams: wrote docs/sagas.svg and the Mermaid block of README.md');
