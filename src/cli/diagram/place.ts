import elkModule, {
  type ELK,
  type ElkEdgeSection,
  type ElkExtendedEdge,
  type ElkNode,
} from 'elkjs/lib/elk.bundled.js';
import type { LaidOutEdge, LaidOutNode, MachineLayout } from './layout.ts';

/** A state with its box on the page. */
export interface PlacedNode extends LaidOutNode {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

/** A transition routed as a polyline, with where its label (if any) goes. */
export interface PlacedEdge extends LaidOutEdge {
  points: Point[];
  labelAt?: Point;
}

export interface PlacedMachine {
  id: string;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

type ElkConstructor = new () => ELK;
/**
 * elkjs is CommonJS whose exports are the constructor, flagged `__esModule`: Node's loader hands the
 * constructor over as the default import, a bundler hands over its `default` (absent). Take either.
 */
const newElk = (): ELK => {
  const loaded: unknown = elkModule;
  const candidate =
    typeof loaded === 'object' && loaded !== null && 'default' in loaded ? loaded.default : loaded;
  if (typeof candidate !== 'function') throw new Error('elkjs did not load as a constructor');
  return new (candidate as ElkConstructor)();
};

/** Box and text metrics the renderer uses too (Helvetica-like 12 px text). */
export const METRICS = { charWidth: 7, padding: 22, boxHeight: 28, labelCharWidth: 5.6, labelHeight: 12 };

const boxWidth = (node: LaidOutNode): number =>
  Math.max(
    96,
    Math.round(
      (node.id.length + (node.kind === 'choice' || node.kind === 'wait' ? 2 : 0)) * METRICS.charWidth +
        METRICS.padding,
    ),
  );

/**
 * Places a saga with ELK's layered algorithm (the layout xstate's visualiser uses): top to bottom,
 * orthogonal edges, crossings minimised. The forward path keeps the model's order; the compensation
 * states sit where their failures come from, so failure edges stay short and rarely cross.
 */
export const placeMachine = async (layout: MachineLayout): Promise<PlacedMachine> => {
  const elk = newElk();
  const input: ElkNode = {
    id: layout.id,
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.layered.cycleBreaking.strategy': 'MODEL_ORDER',
      'elk.spacing.nodeNode': '18',
      'elk.layered.spacing.nodeNodeBetweenLayers': '22',
      'elk.spacing.edgeNode': '12',
      'elk.spacing.edgeEdge': '8',
      'elk.padding': '[top=8,left=8,bottom=8,right=8]',
    },
    children: layout.nodes.map((node) => ({ id: node.id, width: boxWidth(node), height: METRICS.boxHeight })),
    edges: layout.edges.map((edge, index) => ({
      id: `e${index}`,
      sources: [edge.from],
      targets: [edge.to],
      ...(edge.label
        ? {
            labels: [
              {
                text: edge.label,
                width: Math.round(edge.label.length * METRICS.labelCharWidth),
                height: METRICS.labelHeight,
              },
            ],
          }
        : {}),
    })),
  };
  const graph: ElkNode = await elk.layout(input);
  const byId = new Map(layout.nodes.map((node) => [node.id, node]));
  const nodes = (graph.children ?? []).map((child: ElkNode): PlacedNode => {
    const node = byId.get(child.id);
    if (!node) throw new Error(`ELK placed an unknown state ${child.id}`);
    return { ...node, x: child.x ?? 0, y: child.y ?? 0, width: child.width ?? 0, height: child.height ?? 0 };
  });
  const edges = (graph.edges ?? []).map((placed: ElkExtendedEdge, index: number): PlacedEdge => {
    const edge = layout.edges[index];
    if (!edge) throw new Error(`ELK returned an unknown edge ${placed.id}`);
    const points = (placed.sections ?? []).flatMap((section: ElkEdgeSection) => [
      section.startPoint,
      ...(section.bendPoints ?? []),
      section.endPoint,
    ]);
    const label = placed.labels?.[0];
    return {
      ...edge,
      points,
      ...(label && label.x !== undefined && label.y !== undefined
        ? { labelAt: { x: label.x, y: label.y + METRICS.labelHeight - 2 } }
        : {}),
    };
  });
  return { id: layout.id, nodes, edges, width: graph.width ?? 0, height: graph.height ?? 0 };
};
