/**
 * tenantflow's CDK construct (`tenantflow/cdk`): add it to an SBT CDK app with the control plane's
 * event manager, or with SBT's bus by name.
 */
export {
  type SbtEventDefinition,
  type SbtEventManager,
  settingsOf,
  TenantFlow,
  type TenantFlowProps,
  TenantFlowShared,
} from './tenantflow.ts';
