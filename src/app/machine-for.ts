import type { Operation } from '../domain/request.ts';
import type { MachineId } from '../saga-contract.ts';

/** Which state machine carries out each lifecycle operation. */
export const MACHINE_FOR: Record<Operation, MachineId> = {
  onboard: 'onboarding',
  offboard: 'offboarding',
  activate: 'activation',
  deactivate: 'activation',
};
