import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  layoutMachine,
  machineMermaid,
  placeMachine,
  README_MARKERS,
  README_WIDTH,
  sagaDiagram,
  sagaMermaid,
  withReadmeBlock,
} from '../../../../src/cli/diagram/index.ts';
import { MACHINE_IDS } from '../../../../src/domain/saga.ts';
import { projectPath } from '../../../../src/project-root.ts';
import { MACHINES } from '../../../../state-machines/index.ts';

const statesOf = (id: (typeof MACHINE_IDS)[number]) => Object.keys(MACHINES[id].config.states ?? {});

describe('saga diagram (SVG)', () => {
  it('renders every state of every machine', async () => {
    // Act
    const svg = await sagaDiagram();

    // Assess
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    for (const id of MACHINE_IDS) expect(svg).toContain(`data-machine="${id}"`);
    const drawn = [...svg.matchAll(/data-state="([^"]+)"/g)].map((match) => match[1]);
    const states = MACHINE_IDS.flatMap(statesOf);
    expect(drawn).toHaveLength(states.length);
    for (const name of states) expect(drawn).toContain(name);
  });

  it('fits the README column at 1:1, with every box, edge and label inside the picture', async () => {
    // Act
    const svg = await sagaDiagram();
    const width = Number(svg.match(/^<svg [^>]*width="(\d+)"/)?.[1]);
    const height = Number(svg.match(/^<svg [^>]*height="(\d+)"/)?.[1]);

    // Assess
    expect(width).toBeLessThanOrEqual(README_WIDTH);
    expect(svg).toContain('font-size="12"');
    for (const [, x, y, w] of svg.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)"/g)) {
      expect(Number(x)).toBeGreaterThanOrEqual(0);
      expect(Number(x) + Number(w)).toBeLessThanOrEqual(width);
      expect(Number(y)).toBeLessThanOrEqual(height);
    }
    for (const [, x] of svg.matchAll(/<text class="label" x="(-?[\d.]+)"/g)) {
      expect(Number(x)).toBeGreaterThanOrEqual(0);
      expect(Number(x)).toBeLessThan(width);
    }
    for (const [, d = ''] of svg.matchAll(/<path class="edge [a-z]+" d="([^"]+)"/g)) {
      for (const [, px, py] of d.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)) {
        expect(Number(px)).toBeGreaterThanOrEqual(0);
        expect(Number(px)).toBeLessThanOrEqual(width);
        expect(Number(py)).toBeLessThanOrEqual(height);
      }
    }
  });

  it('routes every transition of the model from its state to its target', async () => {
    // Prepare
    const layout = layoutMachine(MACHINES.onboarding.config);

    // Act
    const placed = await placeMachine(layout);

    // Assess
    expect(placed.edges).toHaveLength(layout.edges.length);
    const box = new Map(placed.nodes.map((node) => [node.id, node]));
    for (const edge of placed.edges) {
      const from = box.get(edge.from);
      const to = box.get(edge.to);
      const first = edge.points[0];
      const last = edge.points.at(-1);
      if (!from || !to || !first || !last) throw new Error(`edge ${edge.from} → ${edge.to} not placed`);
      // Starts on the source's border and ends on the target's (ELK's ports lie on the box edge).
      expect(first.x).toBeGreaterThanOrEqual(from.x - 0.5);
      expect(first.x).toBeLessThanOrEqual(from.x + from.width + 0.5);
      expect(first.y).toBeGreaterThanOrEqual(from.y - 0.5);
      expect(first.y).toBeLessThanOrEqual(from.y + from.height + 0.5);
      expect(last.x).toBeGreaterThanOrEqual(to.x - 0.5);
      expect(last.x).toBeLessThanOrEqual(to.x + to.width + 0.5);
      expect(last.y).toBeGreaterThanOrEqual(to.y - 0.5);
      expect(last.y).toBeLessThanOrEqual(to.y + to.height + 0.5);
    }
  });

  it('puts the success path in the first column and compensations in the second', () => {
    // Act
    const layout = layoutMachine(MACHINES.onboarding.config);

    // Assess
    const column = (id: string) => layout.nodes.find((node) => node.id === id)?.column;
    expect(
      ['ValidateRequest', 'CreateService', 'WaitForHealthy', 'NotifySuccess', 'Succeeded'].map(column),
    ).toEqual([0, 0, 0, 0, 0]);
    expect(['DeleteService', 'DeleteCluster', 'MarkFailed', 'NotifyFailure', 'Failed'].map(column)).toEqual([
      1, 1, 1, 1, 1,
    ]);
    expect(layout.edges).toContainEqual({ from: 'CreateService', to: 'CreateUserPool', kind: 'success' });
    expect(layout.edges).toContainEqual({ from: 'CreateUserPool', to: 'WaitForHealthy', kind: 'success' });
    expect(layout.edges).toContainEqual({ from: 'CreateService', to: 'DeleteService', kind: 'failure' });
    const finals = layout.nodes.filter((node) => node.kind === 'final');
    expect(finals.map((node) => [node.id, node.failed ?? false])).toEqual([
      ['Succeeded', false],
      ['Failed', true],
    ]);
  });

  it('lays out a minimal config and rejects one that is not a machine', () => {
    // Prepare
    const config = {
      id: 'tiny',
      initial: 'A',
      states: {
        A: { invoke: { onDone: 'B', onError: { target: 'C' } } },
        B: { type: 'final' },
        C: { type: 'final' },
      },
    };

    // Act
    const layout = layoutMachine(config);

    // Assess
    expect(layout.nodes).toEqual([
      { id: 'A', kind: 'step', column: 0, row: 0 },
      { id: 'B', kind: 'final', column: 0, row: 1 },
      { id: 'C', kind: 'final', column: 1, row: 0, failed: true },
    ]);
    expect(() => layoutMachine({ states: 'nope' })).toThrow();
  });
});

describe('saga diagram (Mermaid)', () => {
  it('writes a state diagram with every state and transition of a model', () => {
    // Prepare
    const config = {
      id: 'tiny',
      initial: 'A',
      states: {
        A: { invoke: { onDone: 'Pick', onError: { target: 'Undo' } } },
        Pick: { always: [{ guard: 'isReady', target: 'B' }, { target: 'Pause' }] },
        Pause: { after: { 1000: 'Pick' } },
        B: { type: 'final' },
        Undo: { invoke: { onDone: 'C' } },
        C: { type: 'final' },
      },
    };

    // Act
    const text = machineMermaid(layoutMachine(config));

    // Assess
    expect(text.split('\n')).toEqual([
      'stateDiagram-v2',
      '  direction TB',
      '  state Pick <<choice>>',
      '  Pause: … Pause',
      '  [*] --> A',
      '  A --> Pick',
      '  A --> Undo: ✗ failed',
      '  Pick --> B: isReady',
      '  Pick --> Pause: else',
      '  Pause --> Pick',
      '  Undo --> C',
      '  B --> [*]',
      '  C --> [*]',
      '  classDef compensation fill:#fbefe9,stroke:#8a4b2f',
      '  class Undo compensation',
    ]);
  });

  it('covers every machine, every state and every transition', () => {
    // Act
    const markdown = sagaMermaid();

    // Assess
    for (const id of MACHINE_IDS) {
      expect(markdown).toContain(`#### ${id}\n\n\`\`\`mermaid\nstateDiagram-v2`);
      const layout = layoutMachine(MACHINES[id].config);
      for (const edge of layout.edges) expect(markdown).toContain(`  ${edge.from} --> ${edge.to}`);
    }
    expect(markdown.match(/```mermaid/g)).toHaveLength(MACHINE_IDS.length);
  });

  it('replaces only what is between the README markers, and refuses a README without them', () => {
    // Prepare
    const readme = `# x\n\n${README_MARKERS.start}\nold\n${README_MARKERS.end}\n\nafter\n`;

    // Act
    const updated = withReadmeBlock(readme, 'new\n');

    // Assess
    expect(updated).toBe(`# x\n\n${README_MARKERS.start}\n\nnew\n\n${README_MARKERS.end}\n\nafter\n`);
    expect(() => withReadmeBlock('# x\n', 'new')).toThrow(/markers are missing/);
  });
});

describe('the committed pictures are current (npm run build:diagrams rewrites them)', () => {
  it('README.md embeds the Mermaid diagrams of the models as they are', () => {
    const readme = readFileSync(projectPath('README.md'), 'utf8');
    expect(withReadmeBlock(readme, sagaMermaid())).toBe(readme);
  });

  it('docs/sagas.svg is the SVG of the models as they are', async () => {
    expect(readFileSync(projectPath('docs', 'sagas.svg'), 'utf8')).toBe(await sagaDiagram());
  });
});
