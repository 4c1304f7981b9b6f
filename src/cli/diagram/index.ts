import { MACHINES } from '../../../state-machines/index.ts';
import { MACHINE_IDS } from '../../domain/saga.ts';
import { layoutMachine } from './layout.ts';
import { renderSvg } from './svg.ts';

export { type LaidOutEdge, type LaidOutNode, layoutMachine, type MachineLayout } from './layout.ts';
export { renderSvg } from './svg.ts';

/** The three sagas, drawn from the xstate models, as an SVG document. */
export const sagaDiagram = (): string =>
  renderSvg(MACHINE_IDS.map((id) => layoutMachine(MACHINES[id].config)));
