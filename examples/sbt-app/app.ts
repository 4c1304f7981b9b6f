import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { TenantFlow, type TenantFlowProps } from '../../infra/cdk/tenantflow.ts';
import { ControlPlaneStandIn } from './control-plane.ts';

/**
 * An SBT CDK app with tenantflow as its application plane: the control plane in one stack (here a
 * stand-in with SBT 0.9's event manager), tenantflow in another, handed the control plane's event
 * manager as the ECS reference hands it to its application plane. `npx cdk synth` in this folder
 * (after `node scripts/package.mjs --bundle-only` at the root) writes both templates to cdk.out/.
 */
export const buildApp = (options: { outdir?: string; tenantflow?: Partial<TenantFlowProps> } = {}) => {
  const app = new App(options.outdir ? { outdir: options.outdir } : {});
  const controlPlaneStack = new Stack(app, 'ControlPlane');
  const controlPlane = new ControlPlaneStandIn(controlPlaneStack, 'ControlPlane');
  const appPlaneStack = new Stack(app, 'AppPlane');
  const tenantflow = new TenantFlow(appPlaneStack, 'TenantFlow', {
    eventManager: controlPlane.eventManager,
    stage: 'dev',
    ...options.tenantflow,
  });
  return { app, controlPlane, tenantflow, appPlaneStack, controlPlaneStack };
};

if (process.argv[1] === fileURLToPath(import.meta.url)) buildApp().app.synth();
