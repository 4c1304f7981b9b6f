/**
 * A deployed stage of tenantflow as an operator's command reads it: the environment its functions
 * run with (the tier catalogue, resource prefix, SBT's bus and sources, the shared stack…), so the
 * CLI works on what the deployment does rather than on its own defaults.
 */
export interface DeployedStage {
  /** The environment of deployed function `functionName`; undefined when there is no such function. */
  environmentOf(functionName: string): Promise<Readonly<Record<string, string>> | undefined>;
}
