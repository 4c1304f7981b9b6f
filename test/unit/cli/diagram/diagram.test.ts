import { describe, expect, it } from 'vitest';
import { layoutMachine, sagaDiagram } from '../../../../src/cli/diagram/index.ts';
import { MACHINE_IDS } from '../../../../src/domain/saga.ts';
import { MACHINES } from '../../../../state-machines/index.ts';

describe('saga diagram', () => {
  it('renders every state of every machine', () => {
    // Prepare
    const states = MACHINE_IDS.flatMap((id) =>
      Object.keys(MACHINES[id].config.states ?? {}).map((name) => [id, name] as const),
    );

    // Act
    const svg = sagaDiagram();

    // Assess
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    for (const id of MACHINE_IDS) expect(svg).toContain(`data-machine="${id}"`);
    const drawn = [...svg.matchAll(/data-state="([^"]+)"/g)].map((match) => match[1]);
    expect(drawn).toHaveLength(states.length);
    for (const [, name] of states) expect(drawn).toContain(name);
  });

  it('puts the success path in the first column and compensations in the second', () => {
    // Prepare
    const config = MACHINES.onboarding.config;

    // Act
    const layout = layoutMachine(config);

    // Assess
    const column = (id: string) => layout.nodes.find((node) => node.id === id)?.column;
    expect(
      ['ValidateRequest', 'CreateService', 'WaitForHealthy', 'NotifySuccess', 'Succeeded'].map(column),
    ).toEqual([0, 0, 0, 0, 0]);
    expect(['DeleteService', 'DeleteCluster', 'MarkFailed', 'NotifyFailure', 'Failed'].map(column)).toEqual([
      1, 1, 1, 1, 1,
    ]);
    expect(layout.edges).toContainEqual({ from: 'CreateService', to: 'WaitForHealthy', kind: 'success' });
    expect(layout.edges).toContainEqual({ from: 'CreateService', to: 'DeleteService', kind: 'failure' });
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
      { id: 'C', kind: 'final', column: 1, row: 0 },
    ]);
    expect(() => layoutMachine({ states: 'nope' })).toThrow();
  });
});
