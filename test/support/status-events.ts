/** Reading what a status event told the control plane. */

/** The tenantConfig a success event carried (`jobOutput.tenantData.tenantConfig`, a JSON string), parsed. */
export const tenantConfigOf = (detail: unknown): { routing: { loadBalancerDns?: string } } => {
  const data = (detail as { jobOutput?: { tenantData?: { tenantConfig?: string } } }).jobOutput?.tenantData;
  return JSON.parse(data?.tenantConfig ?? '{}');
};
