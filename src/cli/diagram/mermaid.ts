import type { MachineLayout } from './layout.ts';

/**
 * One saga as a Mermaid state diagram (GitHub renders these in Markdown): choices as `<<choice>>`,
 * waits named `… Name`, failure transitions labelled `✗ failed` (Mermaid's state diagrams draw every
 * transition alike), compensation states (off the forward path) in a class of their own.
 */
export const machineMermaid = (layout: MachineLayout): string => {
  const initial = layout.nodes.find((node) => node.column === 0 && node.row === 0)?.id;
  const lines = ['stateDiagram-v2', '  direction TB'];
  for (const node of layout.nodes) {
    if (node.kind === 'choice') lines.push(`  state ${node.id} <<choice>>`);
    if (node.kind === 'wait') lines.push(`  ${node.id}: … ${node.id}`);
  }
  if (initial) lines.push(`  [*] --> ${initial}`);
  for (const edge of layout.edges) {
    const label = edge.kind === 'failure' ? '✗ failed' : edge.label;
    lines.push(`  ${edge.from} --> ${edge.to}${label ? `: ${label}` : ''}`);
  }
  for (const node of layout.nodes) if (node.kind === 'final') lines.push(`  ${node.id} --> [*]`);
  const compensations = layout.nodes.filter((node) => node.column === 1 && node.kind === 'step');
  if (compensations.length > 0) {
    lines.push('  classDef compensation fill:#fbefe9,stroke:#8a4b2f');
    lines.push(`  class ${compensations.map((node) => node.id).join(',')} compensation`);
  }
  return lines.join('\n');
};

/** Every saga as Markdown: a heading and a fenced Mermaid block each. */
export const mermaidMarkdown = (layouts: readonly MachineLayout[]): string =>
  layouts
    .map((layout) => `#### ${layout.id}\n\n\`\`\`mermaid\n${machineMermaid(layout)}\n\`\`\`\n`)
    .join('\n');
