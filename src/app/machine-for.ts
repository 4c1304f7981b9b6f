import type { Operation } from '../domain/request.ts';
import type { MachineId } from '../saga-contract.ts';

/** Which state machine carries out each lifecycle operation. */
export const MACHINE_FOR: Record<Operation, MachineId> = {
  onboard: 'onboarding',
  offboard: 'offboarding',
  activate: 'activation',
  deactivate: 'activation',
};

/** The operations each state machine accepts (its ValidateRequest step rejects the others). */
export const OPERATIONS_OF: Record<MachineId, readonly Operation[]> = {
  onboarding: ['onboard'],
  offboarding: ['offboard'],
  activation: ['activate', 'deactivate'],
};
