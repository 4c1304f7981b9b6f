import { bundledFunction, type FunctionConfig } from '../../infra/deploy/functions.ts';
import { LOGICAL_IDS } from '../../infra/deploy/names.ts';

/**
 * The step dispatcher every Task of the three state machines invokes. 60 s covers the slowest single
 * AWS call chain of a step; waiting for health is a Wait/Choice loop in the ASL, not time in here.
 */
export const step: FunctionConfig = {
  ...bundledFunction('step', LOGICAL_IDS.roles.step),
  description: 'Runs one saga step (ECS, ELBv2, tenant map) for Step Functions',
  memorySize: 512,
  timeout: 60,
};

export default step;
