import { z } from 'zod';

/** How a state of a saga model is drawn. */
export type NodeKind = 'step' | 'choice' | 'wait' | 'final';

/** One state placed on the grid: column 0 = the forward path, column 1 = compensation and failure. */
export interface LaidOutNode {
  id: string;
  kind: NodeKind;
  column: 0 | 1;
  row: number;
  /** A final state some failure transition ends in (drawn red). */
  failed?: boolean;
}

/** A transition: `success` for onDone / always / after, `failure` for onError. */
export interface LaidOutEdge {
  from: string;
  to: string;
  kind: 'success' | 'failure';
  /** The guard of a choice branch, `else` for its default. */
  label?: string;
}

export interface MachineLayout {
  id: string;
  nodes: LaidOutNode[];
  edges: LaidOutEdge[];
  rows: number;
}

const targetSchema = z.union([z.string(), z.object({ target: z.string() })]);
const stateSchema = z.object({
  type: z.string().optional(),
  invoke: z.object({ onDone: targetSchema.optional(), onError: targetSchema.optional() }).optional(),
  always: z.array(z.object({ guard: z.unknown().optional(), target: z.string() })).optional(),
  after: z.record(z.string(), targetSchema).optional(),
});
const configSchema = z.object({
  id: z.string(),
  initial: z.string(),
  states: z.record(z.string(), stateSchema),
});

const targetOf = (value: z.infer<typeof targetSchema>): string =>
  typeof value === 'string' ? value : value.target;

const guardLabel = (guard: unknown): string => {
  if (typeof guard === 'string') return guard;
  const parsed = z.object({ type: z.string() }).safeParse(guard);
  return parsed.success ? parsed.data.type : 'guard';
};

/**
 * Lays a saga model out from its xstate config: the states reachable from the initial one by
 * success transitions form the forward column (in declaration order); every other state — the
 * compensations, their decisions and the failed end — forms the second column.
 */
export const layoutMachine = (config: unknown): MachineLayout => {
  const { id, initial, states } = configSchema.parse(config);
  const edges: LaidOutEdge[] = [];
  const kinds = new Map<string, NodeKind>();
  for (const [name, state] of Object.entries(states)) {
    if (state.type === 'final') kinds.set(name, 'final');
    else if (state.always) kinds.set(name, 'choice');
    else if (state.after) kinds.set(name, 'wait');
    else kinds.set(name, 'step');
    if (state.invoke?.onDone) edges.push({ from: name, to: targetOf(state.invoke.onDone), kind: 'success' });
    if (state.invoke?.onError)
      edges.push({ from: name, to: targetOf(state.invoke.onError), kind: 'failure' });
    for (const branch of state.always ?? []) {
      const label = branch.guard === undefined ? 'else' : guardLabel(branch.guard);
      edges.push({ from: name, to: branch.target, kind: 'success', label });
    }
    for (const target of Object.values(state.after ?? {}))
      edges.push({ from: name, to: targetOf(target), kind: 'success' });
  }
  const forward = new Set<string>([initial]);
  const queue = [initial];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    for (const edge of edges) {
      if (edge.from === name && edge.kind === 'success' && !forward.has(edge.to)) {
        forward.add(edge.to);
        queue.push(edge.to);
      }
    }
  }
  const rows = [0, 0];
  const nodes = Object.keys(states).map((name): LaidOutNode => {
    const column = forward.has(name) ? 0 : 1;
    const row = rows[column] ?? 0;
    rows[column] = row + 1;
    const kind = kinds.get(name) ?? 'step';
    const failed = kind === 'final' && edges.some((edge) => edge.to === name && edge.kind === 'failure');
    return { id: name, kind, column, row, ...(failed ? { failed } : {}) };
  });
  return { id, nodes, edges, rows: Math.max(...rows) };
};
